"""An autoencoder built from two Dense layers."""
import jax

from pkg.layers import Dense


def build(dim=6, latent=2, *, key):
    key_encoder, key_decoder = jax.random.split(key)
    encoder = Dense(dim, latent, key=key_encoder)
    decoder = Dense(latent, dim, key=key_decoder)
    return lambda x: decoder(encoder(x))
