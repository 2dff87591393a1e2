"""An affine regressor: the base class (imported through the package) plus a bias."""
from pkg import LinearRegressor


class AffineRegressor(LinearRegressor):
    def __init__(self, dim, bias=0.5):
        super().__init__(dim)
        self.b = bias

    def predict(self, x):
        return super().predict(x) + self.b
