"""A residual tower built through two helpers; each block ends in an Equinox layer, all from one key."""
import equinox as eqx
import jax
import jax.numpy as jnp


def make_projection(dim, key):
    return eqx.nn.Linear(dim, dim, key=key)


def make_block(dim, key):
    return {"proj": make_projection(dim, key), "scale": jnp.ones(dim)}


def make_tower(dim, key):
    key_first, key_second = jax.random.split(key)
    first = make_block(dim, key_first)
    second = make_block(dim, key_second)
    return [first, second]


def apply_tower(tower, x):
    for block in tower:
        x = x + block["scale"] * block["proj"](x)
    return x


def test_tower():
    tower = make_tower(4, jax.random.PRNGKey(0))
    assert apply_tower(tower, jnp.ones(4)).shape == (4,)
