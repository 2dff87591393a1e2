"""Langevin dynamics with `key, sub = jax.random.split(key)` at the head of every step."""
import jax
import jax.numpy as jnp


def langevin(grad_fn, x, key, steps=3, step_size=0.01):
    for _ in range(steps):
        key, sub = jax.random.split(key)
        noise = jax.random.normal(sub, x.shape)
        x = x - step_size * grad_fn(x) + jnp.sqrt(2 * step_size) * noise
    return x, key


def sample_until(key, threshold, max_tries=5):
    tries = 0
    x = jnp.zeros(())
    while tries < max_tries:
        key, sub = jax.random.split(key)
        x = jax.random.normal(sub, ())
        if float(x) > threshold:
            break
        tries += 1
    return x


def test_langevin():
    key = jax.random.PRNGKey(0)
    key, run_key = jax.random.split(key)
    x, _ = langevin(lambda x: x, jnp.ones(2), run_key)
    assert x.shape == (2,)
    assert sample_until(key, -10.0).shape == ()
