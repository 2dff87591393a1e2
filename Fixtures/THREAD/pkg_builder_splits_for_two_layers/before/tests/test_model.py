import numpy as np

from pkg.model import build


def test_autoencoder_shape():
    model = build()
    assert model(np.ones(6)).shape == (6,)
