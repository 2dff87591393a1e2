"""Weight initialisation for a conv layer: kernel and bias drawn from one key."""
import jax
import jax.numpy as jnp


def init_conv(key, in_ch, out_ch, size=3):
    key_kernel, key_bias = jax.random.split(key)
    kernel = jax.random.normal(key_kernel, (out_ch, in_ch, size, size)) / jnp.sqrt(
        in_ch * size * size
    )
    bias = 0.01 * jax.random.normal(key_bias, (out_ch,))
    return kernel, bias
