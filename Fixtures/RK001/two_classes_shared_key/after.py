"""A tiny autoencoder whose two halves draw their weights from one module-level key."""
import equinox as eqx
import jax
import jax.numpy as jnp

LATENT = 4


class Encoder(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, in_features, *, key):
        self.linear = eqx.nn.Linear(in_features, LATENT, key=key)

    def __call__(self, x):
        return jax.nn.tanh(self.linear(x))


class Decoder(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, out_features, *, key):
        self.linear = eqx.nn.Linear(LATENT, out_features, key=key)

    def __call__(self, z):
        return self.linear(z)


if __name__ == "__main__":
    key = jax.random.PRNGKey(0)
    key_encoder, key_decoder = jax.random.split(key)
    encoder = Encoder(8, key=key_encoder)
    decoder = Decoder(8, key=key_decoder)
    x = jnp.ones(8)
    print(decoder(encoder(x)).shape)
