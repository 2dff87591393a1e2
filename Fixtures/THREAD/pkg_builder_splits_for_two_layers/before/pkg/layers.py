"""Layers; weights from a module-level key."""
import equinox as eqx
import jax

KEY = jax.random.PRNGKey(0)


class Dense(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, n_in, n_out):
        self.linear = eqx.nn.Linear(n_in, n_out, key=KEY)

    def __call__(self, x):
        return jax.nn.relu(self.linear(x))
