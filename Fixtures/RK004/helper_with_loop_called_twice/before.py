"""Policy evaluation: a rollout splits its key correctly at every step, but the evaluation runs
two rollouts from the same key, so both consume it (and draw identical trajectories)."""
import jax
import jax.numpy as jnp


def rollout(key, state, steps=3):
    total = 0.0
    for _ in range(steps):
        key, action_key = jax.random.split(key)
        action = jax.random.choice(action_key, jnp.array([-1.0, 1.0]))
        state = state + action
        total += float(state)
    return total


def evaluate(key, start=0.0):
    first = rollout(key, start)
    second = rollout(key, start)
    return (first + second) / 2


def test_evaluate():
    assert isinstance(evaluate(jax.random.PRNGKey(0)), float)
