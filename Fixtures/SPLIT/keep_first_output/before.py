"""Diffusion training step: the key is split for timestep and noise, then used again for dropout."""
import jax
import jax.numpy as jnp

NUM_STEPS = 100


def diffusion_inputs(x, key, drop_rate=0.1):
    t_key, noise_key = jax.random.split(key)
    t = jax.random.randint(t_key, (x.shape[0],), 0, NUM_STEPS)
    noise = jax.random.normal(noise_key, x.shape)
    alpha = 1.0 - t[:, None] / NUM_STEPS
    keep = jax.random.bernoulli(key, 1.0 - drop_rate, x.shape)
    return jnp.sqrt(alpha) * x * keep + jnp.sqrt(1.0 - alpha) * noise, t


def test_diffusion_inputs():
    noisy, t = diffusion_inputs(jnp.ones((4, 3)), jax.random.PRNGKey(0))
    assert noisy.shape == (4, 3) and t.shape == (4,)
