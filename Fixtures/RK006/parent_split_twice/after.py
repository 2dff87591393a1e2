"""Initialising an encoder and a decoder: the parent key is split once for each, not once."""
import jax
import jax.random as jr


def init_autoencoder(key, dims=(4, 2)):
    enc_keys = jr.split(key, 2)
    dec_keys = jr.split(key, 2)
    encoder = [jr.normal(k, dims) for k in enc_keys]
    decoder = [jr.normal(k, dims[::-1]) for k in dec_keys]
    return encoder, decoder


def test_init_autoencoder():
    encoder, decoder = init_autoencoder(jr.PRNGKey(0))
    assert encoder[0].shape == (4, 2) and decoder[0].shape == (2, 4)
