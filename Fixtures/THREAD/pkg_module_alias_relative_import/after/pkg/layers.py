"""Shared building blocks; every Dense draws its weights from the module-level key."""
import equinox as eqx


class Dense(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, n_in, n_out, *, key):
        self.linear = eqx.nn.Linear(n_in, n_out, key=key)

    def __call__(self, x):
        return self.linear(x)
