"""Random Fourier features for a quick kernel approximation."""
import jax
import jax.numpy as jnp

NUM_FEATURES = 16
rng = jax.random.PRNGKey(42)


def random_features(x, num_features=NUM_FEATURES):
    w = jax.random.normal(rng, (x.shape[-1], num_features))
    return jnp.cos(x @ w)


def test_random_features_shape():
    x = jnp.ones((4, 8))
    phi = random_features(x)
    assert phi.shape == (4, NUM_FEATURES)
