# jax-cannot-show: each instance seeds its own nnx.Rngs; identical weights per instance are not key reuse.
"""The seed guide's NNX MLP with dropout, written the legacy way: it makes its own `nnx.Rngs`."""
import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, din, hidden, dout):
        rngs = nnx.Rngs(params=0, dropout=1)
        self.l1 = nnx.Linear(din, hidden, rngs=rngs)
        self.l2 = nnx.Linear(hidden, dout, rngs=rngs)
        self.drop = nnx.Dropout(0.1, rngs=rngs)

    def __call__(self, x, deterministic: bool = True):
        x = nnx.gelu(self.l1(x))
        return self.drop(self.l2(x), deterministic=deterministic)


def test_forward():
    model = MLP(8, 16, 4)
    y = model(jnp.ones((2, 8)), deterministic=False)
    assert y.shape == (2, 4)
