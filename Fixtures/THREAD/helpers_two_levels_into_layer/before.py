"""A classifier head built through two helper levels; the layer at the bottom reads a global key."""
import equinox as eqx
import jax
import jax.numpy as jnp

SEED = 3
KEY = jax.random.PRNGKey(SEED)


def make_linear(n_in, n_out):
    return eqx.nn.Linear(n_in, n_out, key=KEY)


def make_head(features, classes):
    return eqx.nn.Sequential([eqx.nn.Lambda(jax.nn.relu), make_linear(features, classes)])


def build_classifier(features, classes=3):
    head = make_head(features, classes)
    return lambda x: jax.nn.log_softmax(head(x))


def test_classifier():
    classify = build_classifier(5)
    assert classify(jnp.ones(5)).shape == (3,)
