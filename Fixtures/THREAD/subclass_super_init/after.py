"""A base regressor that samples its weights from a global key, and a subclass adding a bias."""
import jax
import jax.numpy as jnp


class LinearRegressor:
    def __init__(self, dim, *, key):
        self.w = jax.random.normal(key, (dim,)) * 0.1

    def predict(self, x):
        return x @ self.w


class AffineRegressor(LinearRegressor):
    def __init__(self, dim, bias=0.5, *, key):
        super().__init__(dim, key=key)
        self.b = bias

    def predict(self, x):
        return super().predict(x) + self.b


def test_affine_regressor():
    key = jax.random.PRNGKey(5)
    model = AffineRegressor(3, key=key)
    assert model.predict(jnp.ones((2, 3))).shape == (2,)
