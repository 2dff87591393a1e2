"""Per-example and per-step keys derived with fold_in: fold_in does not consume its key."""
import jax
import jax.numpy as jnp


def example_keys(base_key, step):
    step_key = jax.random.fold_in(base_key, step)
    data_key = jax.random.fold_in(step_key, 0)
    dropout_key = jax.random.fold_in(step_key, 1)
    return data_key, dropout_key


def test_fold_in_keys():
    base_key = jax.random.PRNGKey(0)
    data_key, dropout_key = example_keys(base_key, 3)
    x = jax.random.normal(data_key, (3,))
    mask = jax.random.bernoulli(dropout_key, 0.9, (3,))
    again = jax.random.fold_in(base_key, 4)
    assert x.shape == mask.shape == jax.random.normal(again, (3,)).shape
