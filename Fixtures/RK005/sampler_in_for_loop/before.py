"""Langevin dynamics: every step adds noise drawn from the same key."""
import jax
import jax.numpy as jnp


def langevin(grad_fn, x, key, steps=3, step_size=0.01):
    for _ in range(steps):
        noise = jax.random.normal(key, x.shape)
        x = x - step_size * grad_fn(x) + jnp.sqrt(2 * step_size) * noise
    return x


def test_langevin():
    x = langevin(lambda x: x, jnp.ones(2), jax.random.PRNGKey(0))
    assert x.shape == (2,)
