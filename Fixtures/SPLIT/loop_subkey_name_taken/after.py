"""Particle filter: resampling splits its key properly, but the propagation loop reuses `key`."""
import jax
import jax.numpy as jnp


def particle_filter(observations, key, n=16, noise=0.5):
    key, subkey = jax.random.split(key)
    particles = jax.random.normal(subkey, (n,))
    for obs in observations:
        key, key_particles = jax.random.split(key)
        particles = particles + noise * jax.random.normal(key_particles, (n,))
        weights = jnp.exp(-0.5 * (particles - obs) ** 2)
        particles = particles[jnp.argsort(-weights)]
    return particles.mean()


def test_particle_filter():
    estimate = particle_filter(jnp.array([0.1, 0.2, 0.3]), jax.random.PRNGKey(0))
    assert estimate.shape == ()
