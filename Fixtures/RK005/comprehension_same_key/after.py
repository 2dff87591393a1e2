"""An ensemble of noisy copies of an input, each drawn with the same key in a comprehension."""
import jax
import jax.numpy as jnp


def noisy_copies(x, key, n=3, scale=0.1):
    return jnp.stack([x + scale * jax.random.normal(key, x.shape) for _ in range(n)])


def test_noisy_copies():
    copies = noisy_copies(jnp.zeros(4), jax.random.PRNGKey(0))
    assert copies.shape == (3, 4)
