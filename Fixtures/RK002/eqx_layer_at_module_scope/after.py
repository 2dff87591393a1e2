"""A fixed random projection used as a feature extractor, built when the module is imported."""
import equinox as eqx
import jax
import jax.numpy as jnp

IN_FEATURES = 32
OUT_FEATURES = 8

PROJECTION = eqx.nn.Linear(IN_FEATURES, OUT_FEATURES, use_bias=False, key=jax.random.PRNGKey(0))


def project(batch):
    return jax.vmap(PROJECTION)(batch)


def test_project_shape():
    batch = jnp.ones((4, IN_FEATURES))
    assert project(batch).shape == (4, OUT_FEATURES)
