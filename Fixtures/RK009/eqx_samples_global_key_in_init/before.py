"""The seed guide's anti-pattern: an Equinox layer whose `__init__` samples from a module-level
key (derived with fold_in, so RK001 leaves it to hand migration) and takes no key of its own."""
import equinox as eqx
import jax
import jax.numpy as jnp

INIT_KEY = jax.random.fold_in(jax.random.PRNGKey(0), 0)


class MyLayer(eqx.Module):
    w: jax.Array = eqx.field(init=False)

    def __init__(self, size=8):
        self.w = jax.random.normal(INIT_KEY, (size, size))

    def __call__(self, x):
        return self.w @ x


def test_layer():
    assert MyLayer()(jnp.ones(8)).shape == (8,)
