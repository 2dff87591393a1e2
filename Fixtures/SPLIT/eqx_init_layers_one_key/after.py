"""The seed guide's MyNet, written the legacy way: one key handed to every layer."""
import equinox as eqx
import jax
import jax.numpy as jnp


class MyNet(eqx.Module):
    l1: eqx.nn.Linear
    l2: eqx.nn.Linear
    l3: eqx.nn.Linear

    def __init__(self, in_dim, hidden, out_dim, key):
        key_l1, key_l2, key_l3 = jax.random.split(key, 3)
        self.l1 = eqx.nn.Linear(in_dim, hidden, key=key_l1)
        self.l2 = eqx.nn.Linear(hidden, hidden, key=key_l2)
        self.l3 = eqx.nn.Linear(hidden, out_dim, key=key_l3)

    def __call__(self, x):
        x = jax.nn.relu(self.l1(x))
        x = jax.nn.relu(self.l2(x))
        return self.l3(x)


def test_forward():
    model = MyNet(in_dim=32, hidden=64, out_dim=10, key=jax.random.PRNGKey(42))
    x = jnp.ones(32)
    assert model(x).shape == (10,)
