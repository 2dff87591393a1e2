"""What fixes leave behind is tidied as the project writes code (issue 8, "Fix quality").

- A line a fix pushes past the line length is split the way black splits it: black, run on
  rekey's output of a black-formatted file, changes nothing.
- The line length is the project's (ruff's or black's `line-length` in pyproject.toml).
- Imports a fix leaves unused are removed; imports that were unused already stay.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rekey_cli import rekey_path_or_skip, run_rekey

rekey_path_or_skip()

# Black-formatted (line length 88) code whose calls rekey lengthens: a split of a reused key adds a
# line and renames both uses to longer subkeys.
REUSED_KEY = '''\
import jax.random as jr


def sample_path(key, initial_probs, transition_matrices, log_likelihoods, extra=None):
    return jr.normal(key)


def test_same_path_twice():
    initial_probs = transition_matrices = log_likelihoods = 1.0
    key = jr.PRNGKey(0)
    first = sample_path(key, initial_probs, transition_matrices, log_likelihoods)
    second = sample_path(key, initial_probs, transition_matrices, log_likelihoods, 2.0)
    assert first.shape == second.shape
'''

# A default key whose removal leaves `PRNGKey` unused in this file; `os` was unused already.
IMPORT_MADE_UNUSED = '''\
import os

import jax
from jax.random import PRNGKey


def draw(shape, key=PRNGKey(0)):
    return jax.random.normal(key, shape)


def test_draw(k):
    assert draw((2,), k).shape == (2,)
'''


def black_changes(path: Path, line_length: int) -> str:
    result = subprocess.run([sys.executable, "-m", "black", "--quiet", "--diff", f"--line-length={line_length}", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_input_is_black_formatted(tmp_path: Path):
    source = tmp_path / "test_paths.py"
    source.write_text(REUSED_KEY)
    assert black_changes(source, 88) == ""


def test_lines_pushed_past_the_limit_are_split_as_black_splits_them(rekey: Path, tmp_path: Path):
    source = tmp_path / "test_paths.py"
    source.write_text(REUSED_KEY)
    result = run_rekey(rekey, ["fix", "--unsafe-fixes", source.name], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    fixed = source.read_text()
    assert fixed != REUSED_KEY, "rekey changed nothing: the test exercises nothing"
    assert max(len(line) for line in fixed.splitlines()) <= 88, fixed
    assert black_changes(source, 88) == "", fixed


def test_the_projects_line_length_is_used(rekey: Path, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 120\n")
    source = tmp_path / "test_paths.py"
    source.write_text(REUSED_KEY)
    result = run_rekey(rekey, ["fix", "--unsafe-fixes", source.name], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    fixed = source.read_text()
    # Within 120 columns nothing needs splitting: every call stays on its line.
    assert "sample_path(\n" not in fixed and max(len(line) for line in fixed.splitlines()) > 88, fixed
    assert black_changes(source, 120) == "", fixed


def test_imports_the_fix_made_unused_are_removed(rekey: Path, tmp_path: Path):
    source = tmp_path / "test_draw.py"
    source.write_text(IMPORT_MADE_UNUSED)
    result = run_rekey(rekey, ["fix", source.name], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    fixed = source.read_text()
    assert "def draw(shape, key):" in fixed, fixed
    assert "from jax.random import PRNGKey" not in fixed, fixed
    assert "import os\n" in fixed, "an import unused before the fix must stay"
