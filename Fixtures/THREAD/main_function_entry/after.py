"""A toy training script: `main()` builds the data and the model, which both read a global key."""
import jax
import jax.numpy as jnp

SEED = 11


def make_data(n, dim, *, key):
    x = jax.random.normal(key, (n, dim))
    return x, x.sum(axis=1)


def train(x, y, steps=5, lr=0.1):
    w = jnp.zeros(x.shape[1])
    for _ in range(steps):
        grad = jax.grad(lambda w: jnp.mean((x @ w - y) ** 2))(w)
        w = w - lr * grad
    return w


def main():
    rng = jax.random.PRNGKey(SEED)
    x, y = make_data(16, 3, key=rng)
    w = train(x, y)
    print(w.shape)


if __name__ == "__main__":
    main()
