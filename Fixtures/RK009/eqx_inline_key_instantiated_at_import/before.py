"""An Equinox MLP that seeds itself inside `__init__`; a default instance is built at import."""
import equinox as eqx
import jax
import jax.numpy as jnp


class MLP(eqx.Module):
    hidden: eqx.nn.Linear
    out: eqx.nn.Linear

    def __init__(self, size):
        k1, k2 = jax.random.split(jax.random.PRNGKey(0))
        self.hidden = eqx.nn.Linear(size, size, key=k1)
        self.out = eqx.nn.Linear(size, 1, key=k2)

    def __call__(self, x):
        return self.out(jax.nn.relu(self.hidden(x)))


DEFAULT_MODEL = MLP(4)


def test_default_model():
    assert DEFAULT_MODEL(jnp.ones(4)).shape == (1,)
