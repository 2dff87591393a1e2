import jax

from pkg.sampling import draw


def test_draw():
    key = jax.random.PRNGKey(0)
    assert draw((2, 3), key=key).shape == (2, 3)
