"""A VAE sampling step: two samplers share the key, which is then handed on to the decoder noise."""
import jax
import jax.numpy as jnp


def decoder_noise(x, key, scale=0.01):
    return x + scale * jax.random.normal(key, x.shape)


def sample_latent(mean, log_std, key):
    key_eps, key_mask, key_decoder_noise = jax.random.split(key, 3)
    eps = jax.random.normal(key_eps, mean.shape)
    mask = jax.random.bernoulli(key_mask, 0.9, mean.shape)
    z = (mean + jnp.exp(log_std) * eps) * mask
    return decoder_noise(z, key_decoder_noise)


def test_sample_latent():
    z = sample_latent(jnp.zeros(4), jnp.zeros(4), jax.random.PRNGKey(0))
    assert z.shape == (4,)
