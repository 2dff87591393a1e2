"""Loops over a one-element configuration list (left from a sweep over several) run their body
once: the key is drawn from once."""
import jax
import jax.numpy as jnp


def augment(key, images):
    for scale in [0.1]:
        images = images + scale * jax.random.normal(key, images.shape)
    return images


def dropout_masks(key, shape):
    return [jax.random.bernoulli(key, rate, shape) for rate in (0.9,)]


def test_augment():
    key, mask_key = jax.random.split(jax.random.PRNGKey(0))
    out = augment(key, jnp.zeros((2, 3)))
    masks = dropout_masks(mask_key, (2, 3))
    assert out.shape == masks[0].shape == (2, 3)
