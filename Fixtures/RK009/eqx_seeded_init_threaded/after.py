# jax-cannot-show: every instance gets the same weights from PRNGKey(0); that is not key reuse, so the checker is silent.
"""An Equinox MLP that seeds itself in `__init__`; rekey moves the seed to the test that builds it."""
import equinox as eqx
import jax
import jax.numpy as jnp


class MLP(eqx.Module):
    hidden: eqx.nn.Linear
    out: eqx.nn.Linear

    def __init__(self, size, *, key):
        k_hidden, k_out = jax.random.split(key)
        self.hidden = eqx.nn.Linear(size, size, key=k_hidden)
        self.out = eqx.nn.Linear(size, 1, key=k_out)

    def __call__(self, x):
        return self.out(jax.nn.relu(self.hidden(x)))


def build(size, *, key):
    return MLP(size, key=key)


def test_build():
    key = jax.random.PRNGKey(0)
    model = build(4, key=key)
    assert model(jnp.ones(4)).shape == (1,)
