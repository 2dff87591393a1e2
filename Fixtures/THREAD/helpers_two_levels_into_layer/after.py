"""A classifier head built through two helper levels; the layer at the bottom reads a global key."""
import equinox as eqx
import jax
import jax.numpy as jnp

SEED = 3


def make_linear(n_in, n_out, *, key):
    return eqx.nn.Linear(n_in, n_out, key=key)


def make_head(features, classes, *, key):
    return eqx.nn.Sequential(
        [eqx.nn.Lambda(jax.nn.relu), make_linear(features, classes, key=key)]
    )


def build_classifier(features, classes=3, *, key):
    head = make_head(features, classes, key=key)
    return lambda x: jax.nn.log_softmax(head(x))


def test_classifier():
    key = jax.random.PRNGKey(SEED)
    classify = build_classifier(5, key=key)
    assert classify(jnp.ones(5)).shape == (3,)
