import jax

from pkg.distributions import Exponential
from pkg.util import gaussian_noise


def test_exponential_is_positive():
    key, noise_key = jax.random.split(jax.random.PRNGKey(0))
    draws = Exponential(2.0).sample(key, (8,))
    assert bool((draws > 0).all())
    assert gaussian_noise(noise_key, (8,)).shape == draws.shape
