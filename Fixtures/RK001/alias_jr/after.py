"""Noisy linear-regression batches for quick experiments."""
import jax.numpy as jnp
import jax.random as jr

NOISE = 0.1


def make_dataset(n, dim=3, *, key):
    kx, kw, kn = jr.split(key, 3)
    x = jr.normal(kx, (n, dim))
    w = jr.normal(kw, (dim,))
    y = jnp.dot(x, w) + NOISE * jr.normal(kn, (n,))
    return x, y


def make_batches(n, batch_size, *, key):
    x, y = make_dataset(n, key=key)
    return [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, n, batch_size)]


if __name__ == "__main__":
    key = jr.PRNGKey(7)
    batches = make_batches(32, 8, key=key)
    print(len(batches), batches[0][0].shape)
