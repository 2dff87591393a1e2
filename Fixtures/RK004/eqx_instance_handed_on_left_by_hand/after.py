"""An Equinox module whose stored key is drawn on every call, and an instance handed to
`jax.vmap`: its calls there cannot be updated, so the per-call key is left for hand migration."""
import equinox as eqx
import jax
import jax.numpy as jnp


class Noise(eqx.Module):
    key: jax.Array

    def __call__(self, x):
        return x + jax.random.normal(self.key, x.shape)


def test_vmapped():
    noise = Noise(jax.random.PRNGKey(0))
    assert noise(jnp.ones(3)).shape == (3,)
    assert jax.vmap(noise)(jnp.ones((2, 3))).shape == (2, 3)
