"""Gaussian noise injection for data augmentation."""
from jax.random import PRNGKey, normal
import jax.numpy as jnp

SIGMA = 0.05
rng_key = PRNGKey(3)  # fixed seed so augmentations are reproducible


def add_noise(x):
    return x + SIGMA * normal(rng_key, x.shape)


def test_add_noise_is_small():
    x = jnp.zeros((3, 3))
    noisy = add_noise(x)
    assert noisy.shape == x.shape
    assert float(jnp.abs(noisy).max()) < 1.0
