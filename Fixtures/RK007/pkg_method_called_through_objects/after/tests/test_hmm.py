import jax

from pkg.hmm import build, fit


def test_fit():
    model = build(3)
    key = jax.random.PRNGKey(1)
    assert fit(model, key).shape == ()


def test_initialize():
    params, method = build(2).initialize(jax.random.PRNGKey(2))
    assert params.shape == (2,) and method == "prior"
