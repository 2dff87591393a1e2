from pkg.state import _TrainState


def test_noise():
    assert _TrainState(step=0).noise().shape == ()
