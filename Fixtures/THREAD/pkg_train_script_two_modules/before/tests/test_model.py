import jax.numpy as jnp

from pkg.model import init_model


def test_init_model_output_shape():
    model = init_model()
    assert model(jnp.ones(3)).shape == (1,)
