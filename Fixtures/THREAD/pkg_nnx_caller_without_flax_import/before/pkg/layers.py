"""An NNX layer that samples its weights from a module-level key instead of taking rngs."""
import jax
import jax.numpy as jnp
from flax import nnx

KEY = jax.random.PRNGKey(0)


class Linear(nnx.Module):
    def __init__(self, din, dout):
        self.w = nnx.Param(jax.random.normal(KEY, (din, dout)) / jnp.sqrt(din))
        self.b = nnx.Param(jnp.zeros((dout,)))

    def __call__(self, x):
        return x @ self.w + self.b
