"""Warm-up and draws count to different numbers: with no warm-up steps the split still uses
`key` up, and the first draw then reads it again."""
import jax
import jax.numpy as jnp


def warm_then_draw(key, warm_steps, draws):
    for step_key in jax.random.split(key, warm_steps):
        key = jax.random.fold_in(step_key, 0)
    samples = []
    for _ in range(draws):
        key, draw_key = jax.random.split(key)
        samples.append(jax.random.normal(draw_key))
    return jnp.stack(samples)


def test_warm_then_draw_without_warm_up():
    assert warm_then_draw(jax.random.PRNGKey(0), 0, 2).shape == (2,)
