"""The seed guide's MyNet, with both layers drawing from a module-level key."""
import jax
import jax.numpy as jnp
import equinox as eqx

KEY = jax.random.PRNGKey(0)


class MyNet(eqx.Module):
    l1: eqx.nn.Linear
    l2: eqx.nn.Linear

    def __init__(self, in_dim, hidden, out_dim):
        self.l1 = eqx.nn.Linear(in_dim, hidden, key=KEY)
        self.l2 = eqx.nn.Linear(hidden, out_dim, key=KEY)

    def __call__(self, x):
        return self.l2(jax.nn.relu(self.l1(x)))


def test_forward():
    model = MyNet(in_dim=32, hidden=64, out_dim=10)
    x = jnp.ones(32)
    assert model(x).shape == (10,)
