"""Warm-up splits `key` into one key per step and rebinds `key` from each; the draws count to the
same `n`, so they run only when the warm-up did and never see the key the split used up (with
`n == 0` neither loop runs)."""
import jax
import jax.numpy as jnp


def warm_then_draw(key, n):
    for step_key in jax.random.split(key, n):
        key = jax.random.fold_in(step_key, 0)
    draws = []
    for _ in range(n):
        key, draw_key = jax.random.split(key)
        draws.append(jax.random.normal(draw_key))
    i = 0
    while i < n:
        i += 1
        key, draw_key = jax.random.split(key)
        draws.append(jax.random.uniform(draw_key))
    return jnp.stack(draws) if draws else jnp.zeros(0)


def test_warm_then_draw():
    assert warm_then_draw(jax.random.PRNGKey(0), 3).shape == (6,)
    assert warm_then_draw(jax.random.PRNGKey(1), 0).shape == (0,)
