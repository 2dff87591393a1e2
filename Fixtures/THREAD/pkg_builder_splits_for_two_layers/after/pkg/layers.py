"""Layers; weights from a module-level key."""
import equinox as eqx
import jax


class Dense(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, n_in, n_out, *, key):
        self.linear = eqx.nn.Linear(n_in, n_out, key=key)

    def __call__(self, x):
        return jax.nn.relu(self.linear(x))
