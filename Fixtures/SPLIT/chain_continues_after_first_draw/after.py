"""A step draws its noise from the key, then renews the key by splitting it, as the chain of
`key, sub = split(key)` further down does: the draw gets its own split and the chain goes on
from the renewed key."""
import jax
import jax.numpy as jnp


def langevin(key, x, steps, step_size=0.1):
    key, key_noise = jax.random.split(key)
    noise = jax.random.normal(key_noise, x.shape)
    x = x + step_size * noise
    key, sub = jax.random.split(key)
    for _ in range(steps):
        key, sub = jax.random.split(key)
        x = x - step_size * x + jnp.sqrt(2 * step_size) * jax.random.normal(sub, x.shape)
    return x


def test_langevin():
    assert langevin(jax.random.PRNGKey(0), jnp.zeros(3), 4).shape == (3,)
