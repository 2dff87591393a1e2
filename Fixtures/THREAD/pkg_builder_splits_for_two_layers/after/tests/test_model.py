import jax
import numpy as np

from pkg.model import build


def test_autoencoder_shape():
    key = jax.random.PRNGKey(0)
    model = build(key=key)
    assert model(np.ones(6)).shape == (6,)
