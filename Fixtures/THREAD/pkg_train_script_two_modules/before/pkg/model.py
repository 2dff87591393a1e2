"""The regressor: a small MLP initialised from the same key as the data."""
import equinox as eqx

from .data import FEATURES, KEY


def init_model(width=8):
    return eqx.nn.MLP(FEATURES, 1, width, 2, key=KEY)
