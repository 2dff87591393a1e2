"""Samplers with variadic signatures, on the typed-key API (`jax.random.key`)."""
import jax
import jax.numpy as jnp


def sample_mixture(*weights, scale=1.0, key, **options):
    logits = jnp.log(jnp.asarray(weights))
    return scale * jax.random.categorical(key, logits, **options)


def perturb(x, *, scale, key):
    return x + scale * jax.random.normal(key, x.shape)


def test_sample_mixture():
    key = jax.random.key(0)
    draws = sample_mixture(0.2, 0.3, 0.5, shape=(10,), key=key)
    assert draws.shape == (10,)


def test_perturb():
    key = jax.random.key(0)
    y = perturb(jnp.zeros(3), scale=0.1, key=key)
    assert y.shape == (3,)
