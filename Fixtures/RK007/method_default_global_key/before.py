"""A layer whose constructor defaults its key to a module-level key (derived with fold_in)."""
import jax
import jax.numpy as jnp

DEFAULT_KEY = jax.random.fold_in(jax.random.PRNGKey(0), 42)


class Dense:
    def __init__(self, n_in, n_out, key=DEFAULT_KEY):
        self.w = jax.random.normal(key, (n_in, n_out)) / jnp.sqrt(n_in)

    def __call__(self, x):
        return x @ self.w


def test_two_layers():
    first = Dense(3, 4)
    second = Dense(4, 2)
    assert second(first(jnp.ones(3))).shape == (2,)
