"""Locality-sensitive hashing with random hyperplanes, sampled once at import time.

The planes are drawn from a module-level key, which is then re-split for the offsets: the
same key is consumed twice while the module is imported.
"""
import jax
import jax.numpy as jnp

DIM = 16
NUM_PLANES = 8

_KEY = jax.random.PRNGKey(1234)
_PLANES = jax.random.normal(_KEY, (DIM, NUM_PLANES))
_KEY, _OFFSET_KEY = jax.random.split(_KEY)
_OFFSETS = 0.1 * jax.random.uniform(_OFFSET_KEY, (NUM_PLANES,))


def hash_codes(x):
    bits = (x @ _PLANES + _OFFSETS > 0).astype(jnp.int32)
    return bits @ (2 ** jnp.arange(NUM_PLANES))


def test_hash_codes_are_stable():
    x = jnp.ones((3, DIM))
    codes = hash_codes(x)
    assert codes.shape == (3,)
    assert bool((codes == hash_codes(x)).all())
