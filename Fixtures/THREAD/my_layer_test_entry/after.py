# equinox (bad): evaluates at import and reuses the same key forever
import jax, equinox as eqx, jax.numpy as jnp

class MyLayer(eqx.Module):
    w: jax.Array = eqx.field(init=False)
    def __init__(self, *, key):
        self.w = jax.random.normal(key, (128, 128))  # key reuse risk
    def __call__(self, x):
        return x @ self.w


def test_my_layer():
    key = jax.random.PRNGKey(0)
    layer = MyLayer(key=key)
    assert layer(jnp.ones(128)).shape == (128,)


def test_my_layer_again():
    key = jax.random.PRNGKey(0)
    layer = MyLayer(key=key)
    assert layer.w.shape == (128, 128)
