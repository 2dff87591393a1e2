import jax
import jax.numpy as jnp

from pkg.layers import Dense, SEED


def test_two_layers_stack():
    key = jax.random.PRNGKey(SEED)
    key_first, key_second = jax.random.split(key)
    first = Dense(3, 4, key=key_first)
    second = Dense(4, 2, key=key_second)
    assert second(first(jnp.ones((1, 3)))).shape == (1, 2)


def test_layer_output_shape():
    key = jax.random.PRNGKey(SEED)
    assert Dense(3, 4, key=key)(jnp.ones((1, 3))).shape == (1, 4)
