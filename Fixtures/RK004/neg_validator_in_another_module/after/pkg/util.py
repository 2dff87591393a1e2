"""Key helpers: a validator that reads only a key's shape and dtype, and a noise helper."""
import jax
import jax.numpy as jnp


def is_prng_key(key):
    try:
        if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
            return key.shape == ()
        return key.shape == (2,) and key.dtype == jnp.uint32
    except AttributeError:
        return False


def gaussian_noise(key, shape):
    return jax.random.normal(key, shape)
