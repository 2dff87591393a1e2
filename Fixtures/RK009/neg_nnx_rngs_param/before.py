"""The seed guide's NNX pattern: `rngs: nnx.Rngs` flows through every constructor."""
import jax
import jax.numpy as jnp
from flax import nnx


class Linear(nnx.Module):
    def __init__(self, din, dout, *, rngs: nnx.Rngs):
        k = rngs.params()
        self.w = nnx.Param(jax.random.normal(k, (din, dout)))
        self.b = nnx.Param(jnp.zeros((dout,)))

    def __call__(self, x):
        return x @ self.w + self.b


class MLP(nnx.Module):
    def __init__(self, din, hidden, dout, *, rngs: nnx.Rngs):
        self.l1 = Linear(din, hidden, rngs=rngs)
        self.l2 = nnx.Linear(hidden, dout, rngs=rngs)
        self.drop = nnx.Dropout(0.1)

    def __call__(self, x, deterministic=True):
        return self.drop(self.l2(nnx.gelu(self.l1(x))), deterministic=deterministic)


def test_mlp():
    model = MLP(4, 8, 2, rngs=nnx.Rngs(params=0, dropout=1))
    assert model(jnp.ones((3, 4))).shape == (3, 2)
