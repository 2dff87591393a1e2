"""Shared by every Python test suite: rekey runs with its output piped, as the tests read it, and
`FORCE_COLOR` in the caller's environment would colour it anyway (see Tests/cli/test_colour.py,
which sets it where it means to)."""

import os

os.environ.pop("FORCE_COLOR", None)
