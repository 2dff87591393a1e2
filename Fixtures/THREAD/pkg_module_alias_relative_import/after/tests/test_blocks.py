import jax
import jax.numpy as jnp

from pkg.blocks import Residual
from pkg.heads import classifier_head


def test_residual_keeps_shape():
    key = jax.random.PRNGKey(1)
    block = Residual(4, key=key)
    assert jax.vmap(block)(jnp.ones((2, 4))).shape == (2, 4)


def test_classifier_head_is_normalised():
    key = jax.random.PRNGKey(1)
    head = classifier_head(4, 3, key=key)
    assert jnp.allclose(jnp.exp(head(jnp.ones(4))).sum(), 1.0, atol=1e-5)
