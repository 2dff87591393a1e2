"""Tests grouped in a pytest class; each test builds the embedding table that reads a global key."""
import jax
import jax.numpy as jnp


def init_embedding(vocab, dim, *, key):
    return jax.random.normal(key, (vocab, dim)) * 0.02


class TestEmbedding:
    def test_shape(self):
        rng_key = jax.random.PRNGKey(9)
        table = init_embedding(10, 4, key=rng_key)
        assert table.shape == (10, 4)

    def test_lookup(self):
        rng_key = jax.random.PRNGKey(9)
        table = init_embedding(10, 4, key=rng_key)
        assert table[jnp.array([1, 2])].shape == (2, 4)
