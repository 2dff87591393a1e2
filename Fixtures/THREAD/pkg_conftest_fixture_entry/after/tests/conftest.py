import jax
import pytest

from pkg.encoder import Encoder


@pytest.fixture
def encoder():
    rng = jax.random.PRNGKey(7)
    return Encoder(dim=8, key=rng)
