"""A vector-quantisation codebook initialised by a helper called at module scope."""
import jax
import jax.numpy as jnp

CODEBOOK_SIZE = 16
CODE_DIM = 4


def init_codebook(size, dim):
    key = jax.random.PRNGKey(0)
    codes = jax.random.normal(key, (size, dim))
    return codes / jnp.linalg.norm(codes, axis=-1, keepdims=True)


CODEBOOK = init_codebook(CODEBOOK_SIZE, CODE_DIM)


def quantise(x):
    distances = jnp.sum((x[:, None, :] - CODEBOOK[None, :, :]) ** 2, axis=-1)
    return jnp.argmin(distances, axis=-1)


def test_quantise():
    x = jnp.ones((5, CODE_DIM))
    assert quantise(x).shape == (5,)
