# jax-cannot-show: each instance gets its own key object, all from seed 0; equal keys are not key reuse, so the checker is silent.
"""Two Equinox noise modules whose key field is filled by `eqx.field(default_factory=...)`: every
instance gets a key from the same seed, so both add the same noise."""
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr


class GaussianNoise(eqx.Module):
    scale: float = 0.1
    key: jax.Array = eqx.field(default_factory=lambda: jr.PRNGKey(0))

    def __call__(self, x):
        return x + self.scale * jr.normal(self.key, x.shape)


def test_two_noise_layers():
    small = GaussianNoise()
    large = GaussianNoise(scale=1.0)
    x = jnp.ones(4)
    assert small(x).shape == large(x).shape == (4,)
