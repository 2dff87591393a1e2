"""Noisy linear-regression batches for quick experiments."""
import jax.numpy as jnp
import jax.random as jr

KEY = jr.PRNGKey(7)
NOISE = 0.1


def make_dataset(n, dim=3):
    kx, kw, kn = jr.split(KEY, 3)
    x = jr.normal(kx, (n, dim))
    w = jr.normal(kw, (dim,))
    y = jnp.dot(x, w) + NOISE * jr.normal(kn, (n,))
    return x, y


def make_batches(n, batch_size):
    x, y = make_dataset(n)
    return [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, n, batch_size)]


if __name__ == "__main__":
    batches = make_batches(32, 8)
    print(len(batches), batches[0][0].shape)
