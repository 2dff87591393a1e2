"""Variational sampling: the subkeys go to the two noise draws, then the parent is used again."""
import jax
import jax.numpy as jnp


def reparameterise(mean, log_std, key):
    k1, k2 = jax.random.split(key)
    eps_a = jax.random.normal(k1, mean.shape)
    eps_b = jax.random.normal(k2, mean.shape)
    dropout = jax.random.bernoulli(key, 0.9, mean.shape)
    return (mean + jnp.exp(log_std) * (eps_a + eps_b) / 2) * dropout


def test_reparameterise():
    z = reparameterise(jnp.zeros(3), jnp.zeros(3), jax.random.PRNGKey(0))
    assert z.shape == (3,)
