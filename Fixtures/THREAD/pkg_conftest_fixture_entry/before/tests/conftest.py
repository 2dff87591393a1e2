import pytest

from pkg.encoder import Encoder


@pytest.fixture
def encoder():
    return Encoder(dim=8)
