"""A training script whose helpers read the key created in the `__main__` block as a global:
`init_params` splits it and `add_noise` samples from it, so the key is consumed twice."""
import jax
import jax.numpy as jnp


def init_params(sizes):
    keys = jax.random.split(key, len(sizes) - 1)
    return [jax.random.normal(k, (m, n)) * 0.1 for k, m, n in zip(keys, sizes[:-1], sizes[1:])]


def add_noise(x, scale=0.01):
    return x + scale * jax.random.normal(key, x.shape)


def forward(params, x):
    for w in params:
        x = jnp.tanh(x @ w)
    return x


if __name__ == "__main__":
    key = jax.random.PRNGKey(0)
    params = init_params([3, 8, 2])
    x = add_noise(jnp.ones((4, 3)))
    print(forward(params, x).shape)
