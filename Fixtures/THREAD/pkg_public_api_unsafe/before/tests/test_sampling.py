from pkg.sampling import draw


def test_draw():
    assert draw((2, 3)).shape == (2, 3)
