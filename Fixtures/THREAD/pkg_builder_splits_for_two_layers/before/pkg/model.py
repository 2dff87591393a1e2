"""An autoencoder built from two Dense layers."""
from pkg.layers import Dense


def build(dim=6, latent=2):
    encoder = Dense(dim, latent)
    decoder = Dense(latent, dim)
    return lambda x: decoder(encoder(x))
