"""Tests grouped in a pytest class; each test builds the embedding table that reads a global key."""
import jax
import jax.numpy as jnp

rng_key = jax.random.PRNGKey(9)


def init_embedding(vocab, dim):
    return jax.random.normal(rng_key, (vocab, dim)) * 0.02


class TestEmbedding:
    def test_shape(self):
        table = init_embedding(10, 4)
        assert table.shape == (10, 4)

    def test_lookup(self):
        table = init_embedding(10, 4)
        assert table[jnp.array([1, 2])].shape == (2, 4)
