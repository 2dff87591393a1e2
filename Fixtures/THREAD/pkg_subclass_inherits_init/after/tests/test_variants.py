import jax
import jax.numpy as jnp

from pkg.variants import TanhEncoder, build_tanh


def test_tanh_encoders():
    key = jax.random.PRNGKey(5)
    key_built, key_direct = jax.random.split(key)
    built = build_tanh(4, key=key_built)
    direct = TanhEncoder(4, key=key_direct)
    assert built(jnp.ones(4)).shape == direct(jnp.ones(4)).shape == (4,)
