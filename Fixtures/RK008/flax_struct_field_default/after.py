"""Training state as a `flax.struct.dataclass` whose dropout key field defaults to a key made once,
when the class is defined: two training runs started from `TrainState()` share it.

Written for Python < 3.11; since 3.11 the dataclass machinery also rejects the default (an
unhashable jax Array) with ValueError at import, after the key was made."""
import flax
import jax
import jax.numpy as jnp


@flax.struct.dataclass
class TrainState:
    step: int = 0
    dropout_rng: jax.Array = flax.struct.field(kw_only=True)


def dropout(x, state, rate=0.5):
    rng, sub = jax.random.split(state.dropout_rng)
    keep = jax.random.bernoulli(sub, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0), state.replace(step=state.step + 1, dropout_rng=rng)


def test_two_runs():
    x = jnp.ones(3)
    key = jax.random.PRNGKey(0)
    key_train_state, key_train_state2 = jax.random.split(key)
    y, first = dropout(x, TrainState(dropout_rng=key_train_state))
    z, second = dropout(x, TrainState(dropout_rng=key_train_state2))
    assert first.step == second.step == 1
