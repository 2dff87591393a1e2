"""Test classes that store a fresh key before every test: unittest's setUp and pytest's
setup_method run on a new instance per test, so each test draws from its own key once."""
import unittest

import jax
import jax.numpy as jnp


class TestSamplers(unittest.TestCase):
    def setUp(self):
        self.key = jax.random.PRNGKey(0)

    def _noise(self, shape):
        return jax.random.normal(self.key, shape)

    def test_noise_shape(self):
        self.assertEqual(self._noise((3,)).shape, (3,))

    def test_uniform_range(self):
        draws = jax.random.uniform(self.key, (8,))
        self.assertTrue(bool(jnp.all(draws < 1.0)))


class TestDropout:
    def setup_method(self, method):
        self.rng = jax.random.PRNGKey(1)

    def test_mask_shape(self):
        assert jax.random.bernoulli(self.rng, 0.9, (4,)).shape == (4,)

    def test_mask_is_boolean(self):
        assert jax.random.bernoulli(self.rng, 0.5, (4,)).dtype == jnp.bool_
