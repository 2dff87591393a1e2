"""A data-parallel training loop hands the same per-device keys to every step, and each step
folds the step counter into its key before drawing: every call draws from a new key."""
import functools

import jax
import jax.numpy as jnp


@functools.partial(jax.pmap, axis_name="devices")
def noisy_step(params, key, step):
    key = jax.random.fold_in(key, step)
    return params - 0.1 * jax.random.normal(key, params.shape)


def evaluate(params, key, step):
    key = jax.random.fold_in(key, step)
    return params + jax.random.uniform(key, params.shape)


def train(seed, steps):
    devices = jax.local_device_count()
    keys = jax.random.split(jax.random.PRNGKey(seed), devices)
    params = jnp.zeros((devices, 3))
    batched_eval = jax.vmap(evaluate, in_axes=(0, 0, None))
    for step in range(steps):
        params = noisy_step(params, keys, jnp.full((devices,), step))
        scores = batched_eval(params, keys, step)
    return params, scores


def test_train():
    params, scores = train(0, 3)
    assert params.shape == scores.shape == (jax.local_device_count(), 3)
