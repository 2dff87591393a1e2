"""One call hands the same key over twice, as the noise key and as the dropout key: each
argument gets its own subkey (the keyword one named after its keyword)."""
import jax
import jax.numpy as jnp


def apply(params, x, key, dropout_key):
    noise = 0.01 * jax.random.normal(key, x.shape)
    keep = jax.random.bernoulli(dropout_key, 0.9, x.shape)
    return jnp.where(keep, (x + noise) @ params, 0.0)


def test_apply():
    key = jax.random.PRNGKey(0)
    params = jnp.eye(3)
    y = apply(params, jnp.ones((2, 3)), key, dropout_key=key)
    assert y.shape == (2, 3)
