import jax

from pkg.state import _TrainState


def test_noise():
    key = jax.random.PRNGKey(0)
    assert _TrainState(step=0, rng=key).noise().shape == ()
