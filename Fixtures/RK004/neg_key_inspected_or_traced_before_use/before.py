"""Looking at a key is not drawing from it: a sampler that checks it was handed a key (its
shape, dtype and rank) before its one draw, and a test that traces the model with
jax.eval_shape and jax.make_jaxpr, and lowers it with jit, before running it once."""
import jax
import jax.numpy as jnp
import numpy as np


def sample_exponential(key, shape):
    assert hasattr(key, "dtype") and jnp.ndim(key) <= 1
    assert np.shape(key) in [(), (2,)]
    return jax.random.exponential(key, shape)


def init(key):
    return {"w": jax.random.normal(key, (3, 2))}


def test_shapes_before_values():
    key = jax.random.PRNGKey(0)
    shapes = jax.eval_shape(init, key)
    jaxpr = jax.make_jaxpr(init)(key)
    lowered = jax.jit(init).lower(key)
    params = init(key)
    assert shapes["w"].shape == params["w"].shape
    assert jaxpr is not None and lowered is not None


def test_sample_exponential():
    key = jax.random.PRNGKey(1)
    print("sampling with", key)
    assert sample_exponential(key, (4,)).shape == (4,)
