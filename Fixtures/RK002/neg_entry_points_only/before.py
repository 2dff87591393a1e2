"""Random hyperplane hashing done right: tables are built from a key passed in, seeds live in the
entry points. Module-level lambdas and class bodies only define code; NumPy and Python's `random`
at import are not JAX."""
import random

import jax
import jax.numpy as jnp
import numpy as np

DIM = 16
NUM_PLANES = 8
random.seed(0)
np.random.seed(0)
SHUFFLED_IDS = random.sample(range(100), 10)
JITTER = np.random.uniform(size=NUM_PLANES)

sample_offsets = lambda key: 0.1 * jax.random.uniform(key, (NUM_PLANES,))


class LSHTable:
    def __init__(self, *, key):
        plane_key, offset_key = jax.random.split(key)
        self.planes = jax.random.normal(plane_key, (DIM, NUM_PLANES))
        self.offsets = sample_offsets(offset_key)

    def codes(self, x):
        bits = (x @ self.planes + self.offsets > 0).astype(jnp.int32)
        return bits @ (2 ** jnp.arange(NUM_PLANES))


def test_codes_are_stable():
    table = LSHTable(key=jax.random.PRNGKey(1234))
    x = jnp.ones((3, DIM))
    assert bool((table.codes(x) == table.codes(x)).all())


if __name__ == "__main__":
    key = jax.random.PRNGKey(0)
    key, table_key = jax.random.split(key)
    table = LSHTable(key=table_key)
    print(table.codes(jax.random.normal(key, (2, DIM))))
