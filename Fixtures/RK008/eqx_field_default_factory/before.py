"""An Equinox noise module whose key field is filled by `eqx.field(default_factory=...)`: every
instance gets a key from the same seed, and the module (immutable) consumes it on every call."""
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr


class GaussianNoise(eqx.Module):
    scale: float = 0.1
    key: jax.Array = eqx.field(default_factory=lambda: jr.PRNGKey(0))

    def __call__(self, x):
        return x + self.scale * jr.normal(self.key, x.shape)


def test_noise_applied_twice():
    noise = GaussianNoise()
    x = jnp.ones(4)
    assert noise(noise(x)).shape == (4,)
