"""Training state as a `flax.struct.dataclass` whose dropout key field defaults, through a
`default_factory`, to a key from a fixed seed; a step that forgets to advance it reuses it."""
import flax
import jax
import jax.numpy as jnp


@flax.struct.dataclass
class TrainState:
    step: int = 0
    dropout_rng: jax.Array = flax.struct.field(default_factory=lambda: jax.random.PRNGKey(0))


def dropout(x, state, rate=0.5):
    keep = jax.random.bernoulli(state.dropout_rng, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0), state.replace(step=state.step + 1)


def test_two_dropout_steps():
    x = jnp.ones(3)
    y, state = dropout(x, TrainState())
    y, state = dropout(y, state)
    assert y.shape == (3,) and state.step == 2
