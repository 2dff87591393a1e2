"""A dataclass whose key field follows a defaulted one: required, it would have to become
keyword-only (`field(kw_only=True)`, Python 3.10), but the project still supports Python 3.8."""
import dataclasses

import jax


@dataclasses.dataclass
class Noise:
    scale: float = 0.1
    key: jax.Array = jax.random.PRNGKey(0)

    def sample(self, shape):
        return self.scale * jax.random.normal(self.key, shape)
