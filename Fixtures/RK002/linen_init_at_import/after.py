"""A notebook exported as a module: the model's parameters are initialised at import time."""
import flax.linen as nn
import jax
import jax.numpy as jnp


class MLP(nn.Module):
    hidden: int = 16

    @nn.compact
    def __call__(self, x):
        x = nn.relu(nn.Dense(self.hidden)(x))
        return nn.Dense(1)(x)


model = MLP()
params = model.init(jax.random.PRNGKey(42), jnp.ones((1, 3)))


def predict(x):
    return model.apply(params, x)


def test_predict_shape():
    assert predict(jnp.ones((5, 3))).shape == (5, 1)
