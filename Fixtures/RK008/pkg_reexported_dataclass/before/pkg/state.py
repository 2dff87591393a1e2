import jax

from .struct import dataclass


@dataclass
class _TrainState:
    step: int
    rng: jax.Array = jax.random.PRNGKey(0)

    def noise(self):
        return jax.random.normal(self.rng)
