"""Initialise an MLP's parameters layer by layer; every layer's weights come from the same key."""
import jax
import jax.numpy as jnp


def init_mlp(key, sizes):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = jax.random.normal(key, (n_in, n_out)) / jnp.sqrt(n_in)
        params.append((w, jnp.zeros(n_out)))
    return params


def mlp(params, x):
    for w, b in params[:-1]:
        x = jax.nn.relu(x @ w + b)
    w, b = params[-1]
    return x @ w + b


if __name__ == "__main__":
    params = init_mlp(jax.random.PRNGKey(0), [4, 8, 8, 2])
    print(mlp(params, jnp.ones(4)).shape)
