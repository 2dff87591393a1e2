"""The project's own spelling of the dataclass decorator."""
from flax.struct import dataclass

__all__ = ["dataclass"]
