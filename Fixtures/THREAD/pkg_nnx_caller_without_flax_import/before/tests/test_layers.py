"""The layer's tests import the layer, and neither JAX nor Flax: the fix imports `nnx` for them."""
import numpy as np

from pkg.layers import Linear


def test_linear():
    layer = Linear(3, 2)
    assert layer(np.ones(3)).shape == (2,)
