"""Feature hashing for sparse token ids; the salt table is a class attribute sampled at import."""
import jax.numpy as jnp
import jax.random as jr


class HashingVectorizer:
    num_buckets = 128
    salts = jr.randint(jr.PRNGKey(42), (4,), 1, 2**20)

    def __init__(self, num_buckets=None):
        if num_buckets is not None:
            self.num_buckets = num_buckets

    def __call__(self, token_ids):
        hashed = (token_ids[:, None] * self.salts[None, :]) % self.num_buckets
        return jnp.zeros(self.num_buckets).at[hashed.ravel()].add(1.0)


def test_vectorizer_counts_every_token():
    vectorizer = HashingVectorizer()
    counts = vectorizer(jnp.arange(10))
    assert float(counts.sum()) == 40.0
