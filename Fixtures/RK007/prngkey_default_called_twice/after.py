"""An MLP initialiser with a "convenient" default key: two models built without a key share it."""
import jax
import jax.numpy as jnp


def init_mlp(sizes, *, key):
    keys = jax.random.split(key, len(sizes) - 1)
    return [jax.random.normal(k, (m, n)) / jnp.sqrt(m) for k, m, n in zip(keys, sizes[:-1], sizes[1:])]


def test_two_models():
    key = jax.random.PRNGKey(0)
    key_student, key_teacher = jax.random.split(key)
    student = init_mlp([4, 8, 2], key=key_student)
    teacher = init_mlp([4, 16, 2], key=key_teacher)
    assert student[0].shape == (4, 8) and teacher[0].shape == (4, 16)
