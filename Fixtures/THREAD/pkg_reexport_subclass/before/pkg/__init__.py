"""Regressors; the base class is re-exported here."""
from .base import LinearRegressor

__all__ = ["LinearRegressor"]
