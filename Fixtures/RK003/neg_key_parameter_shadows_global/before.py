"""Helpers take `key` as a parameter; the `__main__` block's own `key` is a different name.

Every read of `key` inside a function resolves to that function's parameter or local, never to
the module-level `key` the entry point creates.
"""
import jax
import jax.numpy as jnp


def init_params(sizes, key):
    keys = jax.random.split(key, len(sizes) - 1)
    return [jax.random.normal(k, (m, n)) * 0.1 for k, m, n in zip(keys, sizes[:-1], sizes[1:])]


def dropout(x, rate, *, key):
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def forward(params, x, rng, rate=0.1):
    for w in params:
        rng, key = jax.random.split(rng)
        x = dropout(jnp.tanh(x @ w), rate, key=key)
    return x


if __name__ == "__main__":
    key = jax.random.PRNGKey(0)
    key, init_key, dropout_key = jax.random.split(key, 3)
    params = init_params([3, 8, 2], init_key)
    print(forward(params, jnp.ones((4, 3)), dropout_key).shape)
