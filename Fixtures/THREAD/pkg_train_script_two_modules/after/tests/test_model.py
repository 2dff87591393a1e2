import jax
import jax.numpy as jnp

from pkg.model import init_model


def test_init_model_output_shape():
    key = jax.random.PRNGKey(0)
    model = init_model(key=key)
    assert model(jnp.ones(3)).shape == (1,)
