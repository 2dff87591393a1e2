"""An Equinox noise module that keeps its key as a field and consumes it on every call: the module
is immutable, so the key cannot be renewed in place and every call draws the same noise. The fix:
`__call__` takes a key per call, and the two calls get subkeys of the key the module was built with."""
import equinox as eqx
import jax.numpy as jnp
import jax.random as jr


class GaussianNoise(eqx.Module):
    scale: float = 0.1

    def __call__(self, x, *, key):
        return x + self.scale * jr.normal(key, x.shape)


def test_noise_applied_twice():
    noise_key1, noise_key2 = jr.split(jr.PRNGKey(0))
    noise = GaussianNoise()
    x = jnp.ones(4)
    assert noise(noise(x, key=noise_key2), key=noise_key1).shape == (4,)
