"""An Equinox module with its own `__init__` and a key field with a default made at import time.

Written for early Equinox, which filled such defaults in; today Equinox ignores field defaults when a
class defines `__init__` (the field is left unset), and Python >= 3.11 rejects the default itself
(an unhashable jax Array) with ValueError at import, after the key was made."""
import equinox as eqx
import jax.numpy as jnp
import jax.random as jr


class Dropout(eqx.Module):
    rate: float

    def __init__(self, rate):
        """Drops each input with probability `rate`."""
        self.rate = rate

    def __call__(self, x, *, key):
        keep = jr.bernoulli(key, 1.0 - self.rate, x.shape)
        return jnp.where(keep, x / (1.0 - self.rate), 0.0)


def test_dropout():
    key = jr.PRNGKey(0)
    layer = Dropout(0.5)
    assert layer(jnp.ones(4), key=key).shape == (4,)
