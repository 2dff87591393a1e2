"""Tests for the model factory."""
import jax
import numpy as np

from pkg.model import build


def test_build():
    key = jax.random.PRNGKey(0)
    model = build(key=key)
    assert model(np.ones(4)).shape == (2,)


def test_build_is_non_negative():
    key = jax.random.PRNGKey(0)
    model = build(n_in=3, n_out=5, key=key)
    assert (np.asarray(model(np.ones(3))) >= 0).all()
