"""Shared set-up for the CLI end-to-end tests."""

import sys
from pathlib import Path

import pytest

# The fixture discovery (fixture_cases.py) is shared with the JAX suite and lives beside it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jax"))

from rekey_cli import checked_rekey_path, rekey_path_or_skip  # noqa: E402


@pytest.fixture(scope="session")
def rekey() -> Path:
    return checked_rekey_path(rekey_path_or_skip())
