"""An Equinox dropout that stores the key its `__init__` was given and draws every mask from it:
its `__call__` takes a key per call instead, and the two calls pass subkeys of the key the module
was built with."""
import equinox as eqx
import jax
import jax.numpy as jnp


class Dropout(eqx.Module):
    rate: float
    key: jax.Array

    def __init__(self, rate, key):
        self.rate = rate
        self.key = key

    def __call__(self, x):
        keep = jax.random.bernoulli(self.key, 1.0 - self.rate, x.shape)
        return jnp.where(keep, x / (1.0 - self.rate), 0.0)


def main():
    key = jax.random.PRNGKey(0)
    dropout = Dropout(0.5, key)
    hidden = dropout(jnp.ones(3))
    print(dropout(hidden).shape)


if __name__ == "__main__":
    main()
