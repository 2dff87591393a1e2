"""Token hashing with a random table sampled at import time (the key is also used later)."""
import jax
import jax.numpy as jnp

NUM_BUCKETS = 64
key = jax.random.PRNGKey(0)
HASH_TABLE = jax.random.randint(key, (NUM_BUCKETS,), 0, 2**16)


def bucket_of(token_id):
    return HASH_TABLE[token_id % NUM_BUCKETS]


def random_embedding(dim):
    return jax.random.normal(key, (dim,))


def test_random_embedding():
    assert random_embedding(8).shape == (8,)
    assert bucket_of(3).shape == ()
