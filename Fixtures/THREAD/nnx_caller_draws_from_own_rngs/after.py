"""An NNX block that takes `rngs` calls a helper reading a global key: the block hands the helper a
key drawn from its own `rngs`."""
import jax
import jax.numpy as jnp
from flax import nnx


def jitter(shape, *, key):
    return 0.01 * jax.random.normal(key, shape)


class Block(nnx.Module):
    def __init__(self, din, dout, *, rngs: nnx.Rngs):
        self.linear = nnx.Linear(din, dout, rngs=rngs)
        self.offset = nnx.Param(jitter((dout,), key=rngs.params()))

    def __call__(self, x):
        return self.linear(x) + self.offset


def test_two_blocks():
    first = Block(3, 4, rngs=nnx.Rngs(0))
    second = Block(4, 2, rngs=nnx.Rngs(1))
    assert second(first(jnp.ones((1, 3)))).shape == (1, 2)
