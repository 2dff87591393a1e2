"""A particle filter whose key defaults to a fixed one; callers pass it by position, or not at all."""
import jax
import jax.numpy as jnp


def particle_filter(num_particles, observations, key=jax.random.PRNGKey(0), threshold=0.5):
    noise = jax.random.normal(key, (num_particles, observations.shape[0]))
    return jnp.mean(noise) > threshold


def run_with(key, observations):
    return particle_filter(100, observations, key)


def test_filter():
    observations = jnp.ones(4)
    assert particle_filter(10, observations, threshold=2.0) in (True, False)
