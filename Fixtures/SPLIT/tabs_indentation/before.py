"""Data augmentation in a tab-indented file: crop offset and noise share one key."""
import jax
import jax.numpy as jnp


def augment(image, key, crop=2, noise=0.05):
	h, w = image.shape
	if crop:
		offset = jax.random.randint(key, (2,), 0, crop + 1)
		image = jax.lax.dynamic_slice(image, (offset[0], offset[1]), (h - crop, w - crop))
		image = image + noise * jax.random.normal(key, image.shape)
	return image


def test_augment():
	out = augment(jnp.ones((6, 6)), jax.random.PRNGKey(0))
	assert out.shape == (4, 4)
