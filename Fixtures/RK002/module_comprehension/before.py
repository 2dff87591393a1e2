"""Random Fourier feature banks for a few length scales, drawn in a module-level comprehension."""
import jax
import jax.numpy as jnp
from jax import random

LENGTH_SCALES = (0.5, 1.0, 2.0)
DIM = 4
NUM_FEATURES = 32

FREQUENCY_BANKS = [
    random.normal(k, (DIM, NUM_FEATURES)) / scale
    for k, scale in zip(random.split(random.PRNGKey(0), len(LENGTH_SCALES)), LENGTH_SCALES)
]


def features(x, bank=0):
    return jnp.cos(x @ FREQUENCY_BANKS[bank])


if __name__ == "__main__":
    x = jnp.ones((2, DIM))
    print([features(x, b).shape for b in range(len(LENGTH_SCALES))])
