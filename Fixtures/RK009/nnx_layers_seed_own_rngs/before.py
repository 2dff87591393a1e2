# jax-cannot-show: every instance of MLP draws from the same two seeds; that is not key reuse, so the checker is silent.
"""An NNX model whose layers each seed their own `nnx.Rngs`."""
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, din, hidden, dout):
        self.l1 = nnx.Linear(din, hidden, rngs=nnx.Rngs(0))
        self.l2 = nnx.Linear(hidden, dout, rngs=nnx.Rngs(1))

    def __call__(self, x):
        return self.l2(nnx.relu(self.l1(x)))


if __name__ == "__main__":
    model = MLP(4, 8, 2)
    print(model(jnp.ones((1, 4))).shape)
