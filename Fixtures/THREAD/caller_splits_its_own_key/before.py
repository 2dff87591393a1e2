"""A builder that already takes a key calls a layer whose constructor reads a global key: the
builder splits its own key for the layer rather than taking a second one."""
import jax
import jax.numpy as jnp

INIT_KEY = jax.random.PRNGKey(0)


class Dense:
    def __init__(self, n_in, n_out):
        self.w = jax.random.normal(INIT_KEY, (n_in, n_out)) * 0.1

    def __call__(self, x):
        return x @ self.w


def build_and_perturb(x, key):
    noise = jax.random.normal(key, x.shape)
    layer = Dense(x.shape[-1], 2)
    return layer(x + noise)


def test_build_twice():
    x = jnp.ones((1, 3))
    first = build_and_perturb(x, jax.random.PRNGKey(1))
    second = build_and_perturb(x, jax.random.PRNGKey(2))
    assert first.shape == second.shape == (1, 2)
