"""A script-style NNX classifier that makes its own `nnx.Rngs(0)`; the model is built at import."""
import jax
import jax.numpy as jnp
from flax import nnx


class Classifier(nnx.Module):
    def __init__(self, din, dout):
        rngs = nnx.Rngs(0)
        self.hidden = nnx.Linear(din, 16, rngs=rngs)
        self.out = nnx.Linear(16, dout, rngs=rngs)

    def __call__(self, x):
        return self.out(jax.nn.relu(self.hidden(x)))


model = Classifier(4, 3)


def test_classifier():
    assert model(jnp.ones((2, 4))).shape == (2, 3)
