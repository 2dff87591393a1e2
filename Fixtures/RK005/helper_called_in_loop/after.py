"""An epoch loop that calls a batch sampler with the same key on every step."""
import jax
import jax.numpy as jnp


def sample_batch(data, key, batch_size):
    idx = jax.random.choice(key, data.shape[0], (batch_size,), replace=False)
    return data[idx]


def run_epoch(data, key, steps=3, batch_size=2):
    total = 0.0
    for step in range(steps):
        batch = sample_batch(data, key, batch_size)
        total += float(batch.sum())
    return total


def test_run_epoch():
    data = jnp.arange(20.0).reshape(10, 2)
    assert run_epoch(data, jax.random.PRNGKey(0)) >= 0.0
