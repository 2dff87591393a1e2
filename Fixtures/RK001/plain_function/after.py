"""Random Fourier features for a quick kernel approximation."""
import jax
import jax.numpy as jnp

NUM_FEATURES = 16


def random_features(x, num_features=NUM_FEATURES, *, key):
    w = jax.random.normal(key, (x.shape[-1], num_features))
    return jnp.cos(x @ w)


def test_random_features_shape():
    x = jnp.ones((4, 8))
    rng = jax.random.PRNGKey(42)
    phi = random_features(x, key=rng)
    assert phi.shape == (4, NUM_FEATURES)
