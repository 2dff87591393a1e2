import jax

from pkg.init import init_conv


def test_init_conv_shapes():
    kernel, bias = init_conv(jax.random.PRNGKey(0), 2, 4)
    assert kernel.shape == (4, 2, 3, 3) and bias.shape == (4,)
