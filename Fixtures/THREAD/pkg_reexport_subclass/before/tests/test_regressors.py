import jax.numpy as jnp

from pkg import LinearRegressor
from pkg.affine import AffineRegressor


def test_linear():
    assert LinearRegressor(3).predict(jnp.ones((2, 3))).shape == (2,)


def test_affine():
    assert AffineRegressor(3).predict(jnp.ones((2, 3))).shape == (2,)
