"""A frozen dataclass that keeps its key as a field and draws twice from it in a method: the
method takes a key per call (split once for its two draws), and the caller passes the key the
object was built with."""
import dataclasses

import jax


@dataclasses.dataclass(frozen=True)
class Sampler:
    scale: float

    def sample(self, shape, *, key):
        key_a, key_b = jax.random.split(key)
        a = jax.random.normal(key_a, shape)
        b = jax.random.uniform(key_b, shape)
        return self.scale * (a + b)


def test_sample():
    sampler_key = jax.random.PRNGKey(1)
    sampler = Sampler(2.0)
    assert sampler.sample((3,), key=sampler_key).shape == (3,)
    assert sampler.scale == 2.0
