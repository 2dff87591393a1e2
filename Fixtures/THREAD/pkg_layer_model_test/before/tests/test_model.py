"""Tests for the model factory."""
import numpy as np

from pkg.model import build


def test_build():
    model = build()
    assert model(np.ones(4)).shape == (2,)


def test_build_is_non_negative():
    model = build(n_in=3, n_out=5)
    assert (np.asarray(model(np.ones(3))) >= 0).all()
