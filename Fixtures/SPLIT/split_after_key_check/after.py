"""A layer initialiser checks it was handed a key, then draws twice from it: the split goes
after the check, which looks at the key without drawing from it."""
import jax


def init_layer(key, shape):
    assert hasattr(key, "dtype") and jax.numpy.ndim(key) <= 1, "init_layer needs a PRNG key"
    key_w, key_b = jax.random.split(key)
    w = jax.random.normal(key_w, shape)
    b = jax.random.uniform(key_b, shape[-1:])
    return w, b


def test_init_layer():
    w, b = init_layer(jax.random.PRNGKey(0), (3, 2))
    assert w.shape == (3, 2) and b.shape == (2,)
