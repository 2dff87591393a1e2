"""The seed guide's BigNet, legacy style: every block reads the module-level key, built in a loop."""
import equinox as eqx
import jax
import jax.numpy as jnp

KEY = jax.random.PRNGKey(0)


class Block(eqx.Module):
    mlp: eqx.nn.MLP

    def __init__(self, width):
        self.mlp = eqx.nn.MLP(width, width, 2 * width, 1, key=KEY)

    def __call__(self, x):
        return x + self.mlp(x)


class BigNet(eqx.Module):
    blocks: tuple

    def __init__(self, depth, width=8):
        blocks = []
        for _ in range(depth):
            blocks.append(Block(width))
        self.blocks = tuple(blocks)

    def __call__(self, x):
        for b in self.blocks:
            x = b(x)
        return x


def test_bignet():
    net = BigNet(depth=3)
    assert net(jnp.ones(8)).shape == (8,)
