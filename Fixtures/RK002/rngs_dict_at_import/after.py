"""Flax linen parameters initialised at import, from an rngs dict made there."""
import flax.linen as nn
import jax
import jax.numpy as jnp

variables = nn.Dense(3).init({"params": jax.random.PRNGKey(42)}, jnp.ones((1, 2)))


def test_kernel_shape():
    assert variables["params"]["kernel"].shape == (2, 3)
