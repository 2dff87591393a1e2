"""The parent is rebound from the split's first output, so using `key` afterwards is fine."""
import jax
import jax.numpy as jnp


def reparameterise(mean, log_std, key):
    key, k1, k2 = jax.random.split(key, 3)
    eps_a = jax.random.normal(k1, mean.shape)
    eps_b = jax.random.normal(k2, mean.shape)
    dropout = jax.random.bernoulli(key, 0.9, mean.shape)
    return (mean + jnp.exp(log_std) * (eps_a + eps_b) / 2) * dropout


def next_key(key):
    key = jax.random.split(key)[0]
    return key


def test_reparameterise():
    key = next_key(jax.random.PRNGKey(0))
    z = reparameterise(jnp.zeros(3), jnp.zeros(3), key)
    assert z.shape == (3,)
