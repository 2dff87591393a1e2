"""Fit the regressor for a few steps: python -m pkg.train"""
import equinox as eqx
import jax
import jax.numpy as jnp

from pkg.data import make_batch
from pkg.model import init_model


def loss(model, x, y):
    return jnp.mean((jax.vmap(model)(x) - y) ** 2)


def train(model, x, y, steps=3, lr=0.05):
    for _ in range(steps):
        grads = eqx.filter_grad(loss)(model, x, y)
        model = eqx.apply_updates(model, jax.tree_util.tree_map(lambda g: -lr * g, grads))
    return model


if __name__ == "__main__":
    batch = make_batch(16)
    model = init_model()
    model = train(model, *batch)
    print(float(loss(model, *batch)))
