import jax.numpy as jnp

from pkg.variants import TanhEncoder, build_tanh


def test_tanh_encoders():
    built = build_tanh(4)
    direct = TanhEncoder(4)
    assert built(jnp.ones(4)).shape == direct(jnp.ones(4)).shape == (4,)
