"""A unittest case whose setUp stores a key each test draws from; one test draws twice from it."""
import unittest

import jax


class TestNoise(unittest.TestCase):
    def setUp(self):
        self.rng = jax.random.PRNGKey(0)

    def test_shapes_agree(self):
        key_a, key_b = jax.random.split(self.rng)
        a = jax.random.normal(key_a, (3,))
        b = jax.random.uniform(key_b, (3,))
        self.assertEqual(a.shape, b.shape)

    def test_one_draw(self):
        self.assertEqual(jax.random.normal(self.rng, (2,)).shape, (2,))
