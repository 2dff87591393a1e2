"""The layer's tests import the layer, and neither JAX nor Flax: the fix imports `nnx` for them."""
import numpy as np
from flax import nnx

from pkg.layers import Linear


def test_linear():
    rngs = nnx.Rngs(0)
    layer = Linear(3, 2, rngs=rngs)
    assert layer(np.ones(3)).shape == (2,)
