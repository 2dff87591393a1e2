"""An autoencoder whose encoder and decoder weights come from one helper, called with one key."""
import jax
import jax.numpy as jnp


def glorot(key, n_in, n_out):
    limit = jnp.sqrt(6.0 / (n_in + n_out))
    return jax.random.uniform(key, (n_in, n_out), minval=-limit, maxval=limit)


def init_autoencoder(key, dim, latent):
    key_encoder, key_decoder = jax.random.split(key)
    encoder = glorot(key_encoder, dim, latent)
    decoder = glorot(key_decoder, latent, dim)
    return encoder, decoder


def test_autoencoder_shapes():
    encoder, decoder = init_autoencoder(jax.random.PRNGKey(0), 6, 2)
    assert (jnp.ones(6) @ encoder @ decoder).shape == (6,)
