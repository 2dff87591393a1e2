import jax
import jax.numpy as jnp

from pkg import LinearRegressor
from pkg.affine import AffineRegressor


def test_linear():
    key = jax.random.PRNGKey(5)
    assert LinearRegressor(3, key=key).predict(jnp.ones((2, 3))).shape == (2,)


def test_affine():
    key = jax.random.PRNGKey(5)
    assert AffineRegressor(3, key=key).predict(jnp.ones((2, 3))).shape == (2,)
