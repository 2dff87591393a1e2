"""An Equinox dropout that stores the key its `__init__` was given and draws every mask from it:
its `__call__` takes a key per call instead, and the two calls pass subkeys of the key the module
was built with."""
import equinox as eqx
import jax
import jax.numpy as jnp


class Dropout(eqx.Module):
    rate: float

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, x, *, key):
        keep = jax.random.bernoulli(key, 1.0 - self.rate, x.shape)
        return jnp.where(keep, x / (1.0 - self.rate), 0.0)


def main():
    key = jax.random.PRNGKey(0)
    dropout_key1, dropout_key2 = jax.random.split(key)
    dropout = Dropout(0.5)
    hidden = dropout(jnp.ones(3), key=dropout_key1)
    print(dropout(hidden, key=dropout_key2).shape)


if __name__ == "__main__":
    main()
