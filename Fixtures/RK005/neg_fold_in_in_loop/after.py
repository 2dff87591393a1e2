"""Per-step keys derived with fold_in inside the loop: the base key is never consumed."""
import jax
import jax.numpy as jnp


def sgld(grad_fn, x, base_key, steps=3, step_size=0.01):
    for step in range(steps):
        step_key = jax.random.fold_in(base_key, step)
        noise = jax.random.normal(step_key, x.shape)
        x = x - step_size * grad_fn(x) + jnp.sqrt(2 * step_size) * noise
    return x


def test_sgld():
    assert sgld(lambda x: x, jnp.ones(2), jax.random.PRNGKey(0)).shape == (2,)
