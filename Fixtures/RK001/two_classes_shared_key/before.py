"""A tiny autoencoder whose two halves draw their weights from one module-level key."""
import equinox as eqx
import jax
import jax.numpy as jnp

LATENT = 4
KEY = jax.random.PRNGKey(0)


class Encoder(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, in_features):
        self.linear = eqx.nn.Linear(in_features, LATENT, key=KEY)

    def __call__(self, x):
        return jax.nn.tanh(self.linear(x))


class Decoder(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, out_features):
        self.linear = eqx.nn.Linear(LATENT, out_features, key=KEY)

    def __call__(self, z):
        return self.linear(z)


if __name__ == "__main__":
    encoder = Encoder(8)
    decoder = Decoder(8)
    x = jnp.ones(8)
    print(decoder(encoder(x)).shape)
