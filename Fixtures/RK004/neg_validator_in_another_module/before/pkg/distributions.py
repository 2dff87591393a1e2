"""Distributions validate the key they are handed, then draw from it once."""
import jax

from pkg.util import is_prng_key


class Exponential:
    def __init__(self, rate):
        self.rate = rate

    def sample(self, key, shape=()):
        assert is_prng_key(key), "sample() needs a PRNG key"
        return jax.random.exponential(key, shape) / self.rate
