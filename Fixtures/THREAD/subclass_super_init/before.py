"""A base regressor that samples its weights from a global key, and a subclass adding a bias."""
import jax
import jax.numpy as jnp

KEY = jax.random.PRNGKey(5)


class LinearRegressor:
    def __init__(self, dim):
        self.w = jax.random.normal(KEY, (dim,)) * 0.1

    def predict(self, x):
        return x @ self.w


class AffineRegressor(LinearRegressor):
    def __init__(self, dim, bias=0.5):
        super().__init__(dim)
        self.b = bias

    def predict(self, x):
        return super().predict(x) + self.b


def test_affine_regressor():
    model = AffineRegressor(3)
    assert model.predict(jnp.ones((2, 3))).shape == (2,)
