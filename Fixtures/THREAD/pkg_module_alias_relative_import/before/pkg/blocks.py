"""A residual block around one Dense layer (imported relatively)."""
import equinox as eqx
import jax

from .layers import Dense


class Residual(eqx.Module):
    dense: Dense

    def __init__(self, dim):
        self.dense = Dense(dim, dim)

    def __call__(self, x):
        return x + jax.nn.gelu(self.dense(x))
