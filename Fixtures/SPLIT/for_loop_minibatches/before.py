"""SGD on a linear model: every epoch shuffles the data with the same key."""
import jax
import jax.numpy as jnp


def loss(w, x, y):
    return jnp.mean((x @ w - y) ** 2)


def train(w, x, y, key, epochs=3, batch_size=4, lr=0.1):
    n = x.shape[0]
    for epoch in range(epochs):
        order = jax.random.permutation(key, n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            w = w - lr * jax.grad(loss)(w, x[idx], y[idx])
    return w


def test_train_reduces_loss():
    x = jnp.arange(24.0).reshape(8, 3) / 24.0
    y = x @ jnp.array([1.0, -2.0, 0.5])
    w0 = jnp.zeros(3)
    w = train(w0, x, y, jax.random.PRNGKey(0))
    assert float(loss(w, x, y)) < float(loss(w0, x, y))
