"""A noise layer that keeps its key on the object and draws from it on every call: every call
draws the same noise (and JAX's checker raises on the second call)."""
import jax
import jax.numpy as jnp


class NoisyLayer:
    def __init__(self, scale, seed=0):
        self.scale = scale
        self._rng = jax.random.PRNGKey(seed)

    def __call__(self, x):
        # Gaussian noise, scaled.
        return x + self.scale * jax.random.normal(self._rng, x.shape)


def test_two_calls_draw_different_noise():
    layer = NoisyLayer(0.1)
    a = layer(jnp.zeros(4))
    b = layer(jnp.zeros(4))
    assert a.shape == b.shape == (4,)
    assert not jnp.allclose(a, b)
