import jax.numpy as jnp


def test_encoding_shape(encoder):
    assert encoder([1, 2, 3]).shape == (8,)


def test_same_tokens_same_encoding(encoder):
    assert jnp.allclose(encoder([4, 5]), encoder([5, 4]))
