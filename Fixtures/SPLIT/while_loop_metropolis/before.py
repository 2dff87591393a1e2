"""Random-walk Metropolis on a standard normal: every proposal is drawn with the same key."""
import jax
import jax.numpy as jnp


def log_density(x):
    return -0.5 * x**2


def metropolis(key, x0=0.0, steps=5, step_size=0.5):
    x, accepted, step = jnp.asarray(x0), 0, 0
    while step < steps:
        proposal = x + step_size * jax.random.normal(key, ())
        if float(log_density(proposal) - log_density(x)) > -1.0:
            x, accepted = proposal, accepted + 1
        step += 1
    return x, accepted


def test_metropolis():
    x, accepted = metropolis(jax.random.PRNGKey(0))
    assert x.shape == () and 0 <= accepted <= 5
