"""The flag is flipped between its two tests, so a run can take both branches: the second draw
reuses the key the first one consumed."""
import jax
import jax.numpy as jnp


def alternate(x, key, use_noise):
    if use_noise:
        x = x + jax.random.normal(key, x.shape)
    use_noise = not use_noise
    if not use_noise:
        x = x * jax.random.uniform(key, x.shape)
    return x


def test_alternate():
    assert alternate(jnp.ones(3), jax.random.PRNGKey(0), use_noise=True).shape == (3,)
