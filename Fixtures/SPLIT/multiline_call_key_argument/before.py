"""Truncated-normal initialisation of a conv kernel and its bias, with calls spread over lines."""
import jax
import jax.numpy as jnp


def init_conv(key, in_ch, out_ch, size=3):
    fan_in = in_ch * size * size
    kernel = jax.random.truncated_normal(
        key,
        -2.0,
        2.0,
        (out_ch, in_ch, size, size),
    ) / jnp.sqrt(fan_in)
    bias = jax.random.uniform(
        key, (out_ch,), minval=-0.1, maxval=0.1
    )
    return kernel, bias


def test_init_conv():
    kernel, bias = init_conv(jax.random.PRNGKey(0), 2, 4)
    assert kernel.shape == (4, 2, 3, 3) and bias.shape == (4,)
