"""A library function with a hidden key: changing its signature breaks callers outside the tree."""
import jax


def draw(shape, key=jax.random.PRNGKey(0)):
    return jax.random.normal(key, shape)
