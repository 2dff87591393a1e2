"""A stateful sampler that replaces its key on every call (`self._rng, sub = split(self._rng)`)."""
import jax
import jax.numpy as jnp


class GaussianNoise:
    def __init__(self, stddev, *, key):
        self.stddev = stddev
        self._rng = key

    def __call__(self, x):
        self._rng, sub = jax.random.split(self._rng)
        return x + self.stddev * jax.random.normal(sub, x.shape)


def test_noise_differs_between_calls():
    noise = GaussianNoise(1.0, key=jax.random.PRNGKey(0))
    x = jnp.zeros(4)
    assert not bool(jnp.allclose(noise(x), noise(x)))
