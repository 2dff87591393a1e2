# jax-cannot-show: both layers get weights from PRNGKey(0) — identical streams, not key reuse, so the checker is silent.
"""The seed guide's `MyNet`, as legacy code wrote it: each layer seeded inline, with the same seed."""
import equinox as eqx
import jax
import jax.numpy as jnp


class MyNet(eqx.Module):
    l1: eqx.nn.Linear
    l2: eqx.nn.Linear

    def __init__(self, in_dim, hidden, out_dim, *, key):
        key_l1, key_l2 = jax.random.split(key)
        self.l1 = eqx.nn.Linear(in_dim, hidden, key=key_l1)
        self.l2 = eqx.nn.Linear(hidden, out_dim, key=key_l2)

    def __call__(self, x):
        return self.l2(jax.nn.relu(self.l1(x)))


def test_forward():
    key = jax.random.PRNGKey(0)
    model = MyNet(in_dim=32, hidden=64, out_dim=10, key=key)
    x = jnp.ones((8, 32))
    y = jax.vmap(model)(x)
    assert y.shape == (8, 10)
