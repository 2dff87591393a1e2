import jax.numpy as jnp

from pkg.layers import Dense


def test_two_layers_stack():
    first = Dense(3, 4)
    second = Dense(4, 2)
    assert second(first(jnp.ones((1, 3)))).shape == (1, 2)


def test_layer_output_shape():
    assert Dense(3, 4)(jnp.ones((1, 3))).shape == (1, 4)
