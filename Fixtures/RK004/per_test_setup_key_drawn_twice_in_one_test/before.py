"""setUp stores a fresh key per test, but one test draws from it twice through a helper: the
two noise vectors are the same numbers."""
import unittest

import jax


class TestNoise(unittest.TestCase):
    def setUp(self):
        self.key = jax.random.PRNGKey(0)

    def _noise(self, shape):
        return jax.random.normal(self.key, shape)

    def test_noise_shape(self):
        self.assertEqual(self._noise((3,)).shape, (3,))

    def test_sum_of_two_draws(self):
        first = self._noise((3,))
        second = self._noise((3,))
        self.assertEqual((first + second).shape, (3,))
