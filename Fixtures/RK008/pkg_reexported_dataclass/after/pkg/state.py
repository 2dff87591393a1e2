import jax

from .struct import dataclass


@dataclass
class _TrainState:
    step: int
    rng: jax.Array

    def noise(self):
        return jax.random.normal(self.rng)
