"""The seed guide's Equinox pattern: the constructor takes a key and splits it once per layer."""
import equinox as eqx
import jax
import jax.numpy as jnp


class MyNet(eqx.Module):
    l1: eqx.nn.Linear
    l2: eqx.nn.Linear

    def __init__(self, in_dim, hidden, out_dim, key):
        k1, k2 = jax.random.split(key, 2)
        self.l1 = eqx.nn.Linear(in_dim, hidden, key=k1)
        self.l2 = eqx.nn.Linear(hidden, out_dim, key=k2)

    def __call__(self, x):
        return self.l2(jax.nn.relu(self.l1(x)))


class BigNet(eqx.Module):
    blocks: tuple

    def __init__(self, depth, *, rng_key):
        keys = jax.random.split(rng_key, depth)
        self.blocks = tuple(eqx.nn.MLP(8, 8, 16, 2, key=k) for k in keys)

    def __call__(self, x):
        for block in self.blocks:
            x = block(x)
        return x


def test_forward():
    master = jax.random.PRNGKey(42)
    model_key, big_key, data_key = jax.random.split(master, 3)
    model = MyNet(in_dim=8, hidden=16, out_dim=8, key=model_key)
    x = jax.random.normal(data_key, (8,))
    assert BigNet(2, rng_key=big_key)(model(x)).shape == (8,)
