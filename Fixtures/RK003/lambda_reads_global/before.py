"""Input perturbation for a robustness check, written as a lambda over a module-level key."""
import jax.numpy as jnp
import jax.random as jr

_, PERTURB_KEY = jr.split(jr.PRNGKey(3))

perturb = lambda x, eps=0.01: x + eps * jr.normal(PERTURB_KEY, x.shape)


def sensitivity(f, x):
    return jnp.abs(f(perturb(x)) - f(x)).max()


def test_sensitivity():
    assert sensitivity(jnp.sin, jnp.linspace(0.0, 1.0, 5)) >= 0.0
