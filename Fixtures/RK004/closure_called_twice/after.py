"""A Monte Carlo estimate whose per-draw sampler is a closure over the caller's key."""
import jax
import jax.numpy as jnp


def mc_expectation(f, mean, std, key, draws=2):
    def draw():
        return f(mean + std * jax.random.normal(key, mean.shape))

    total = draw()
    total = total + draw()
    return total / draws


def test_mc_expectation():
    estimate = mc_expectation(jnp.square, jnp.zeros(3), jnp.ones(3), jax.random.PRNGKey(0))
    assert estimate.shape == (3,)
