"""Random flips for a demo; the flip key lives at module level but only this module reads it."""
import jax
import jax.numpy as jnp

FLIP_KEY = jax.random.PRNGKey(3)


def random_flip(images):
    flip = jax.random.bernoulli(FLIP_KEY, 0.5, (images.shape[0], 1, 1))
    return jnp.where(flip, images[:, :, ::-1], images)


if __name__ == "__main__":
    print(random_flip(jnp.ones((2, 4, 4))).shape)
