# equinox (bad): evaluates at import and reuses the same key forever
import jax, equinox as eqx, jax.numpy as jnp

class MyLayer(eqx.Module):
    w: jax.Array = eqx.field(init=False)
    def __init__(self, *, key):
        self.w = jax.random.normal(key, (128, 128))  # key reuse risk


if __name__ == "__main__":
    key = jax.random.PRNGKey(0)
    layer = MyLayer(key=key)
    print(layer.w.shape)
