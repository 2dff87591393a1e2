"""A frozen dataclass that keeps its key as a field and draws twice from it in a method: the
method takes a key per call (split once for its two draws), and the caller passes the key the
object was built with."""
import dataclasses

import jax


@dataclasses.dataclass(frozen=True)
class Sampler:
    scale: float
    rng: jax.Array

    def sample(self, shape):
        a = jax.random.normal(self.rng, shape)
        b = jax.random.uniform(self.rng, shape)
        return self.scale * (a + b)


def test_sample():
    sampler = Sampler(2.0, rng=jax.random.PRNGKey(1))
    assert sampler.sample((3,)).shape == (3,)
    assert sampler.scale == 2.0
