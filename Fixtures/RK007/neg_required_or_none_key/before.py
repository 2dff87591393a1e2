"""Keys are required (keyword-only or checked for None); seeds default to ints, not keys."""
import jax
import jax.numpy as jnp


def init_mlp(sizes, *, key):
    keys = jax.random.split(key, len(sizes) - 1)
    return [jax.random.normal(k, (m, n)) / jnp.sqrt(m) for k, m, n in zip(keys, sizes[:-1], sizes[1:])]


def dropout(x, rate=0.1, key=None, deterministic=False):
    if deterministic:
        return x
    if key is None:
        raise ValueError("dropout needs a key unless deterministic")
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def make_key(seed: int = 0):
    return jax.random.PRNGKey(seed)


def test_models():
    key = make_key()
    init_key, dropout_key = jax.random.split(key)
    params = init_mlp([4, 8, 2], key=init_key)
    assert dropout(params[0], key=dropout_key).shape == (4, 8)
    assert dropout(params[1], deterministic=True).shape == (8, 2)
