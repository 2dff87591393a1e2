# jax-cannot-show: the finding is a stale comment, not a key misuse; the code runs clean.
"""Suppression comments kept after the code they silenced was fixed: one is now unused, one names
a rule that never fires on its line. `rekey check --report-unused-suppressions` reports both."""
import jax


def init(key):
    key_w, key_b = jax.random.split(key)
    w = jax.random.normal(key_w, (3, 3))  # rekey: ignore[RK004]
    b = jax.random.uniform(key_b, (3,))  # noqa: RK005
    return w, b


def test_init():
    w, b = init(jax.random.PRNGKey(0))
    assert w.shape == (3, 3) and b.shape == (3,)
