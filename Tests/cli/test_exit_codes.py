"""Exit status and verbosity as CI bots and pre-commit read them (the ways-people-run-rekey issue,
"Exit codes, output and review"), as ruff sets them:

- `check`: 0 clean, 1 findings; `diff`: 0 when there is nothing to change, 1 when the patch is not
  empty; `--exit-zero` makes both 0, and a usage or I/O error is 2 all the same;
- `fix`: 0; with `--exit-non-zero-on-fix`, 1 when a file was changed (pre-commit's "files were
  modified by this hook");
- `-q`: findings, the patch and errors only, no summary; `-v`: also what the run read and how long
  it took, on standard error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

MY_LAYER = FIXTURES_ROOT / "RK001" / "my_layer"
CLEAN = FIXTURES_ROOT / "RK004" / "neg_fold_in_twice" / "before.py"


def tree(tmp_path: Path, *, dirty: bool) -> Path:
    copy_as(MY_LAYER / "before.py" if dirty else CLEAN, tmp_path, "m.py")
    return tmp_path


@pytest.mark.parametrize(
    ("command", "dirty", "status"),
    [("check", True, 1), ("check", False, 0), ("diff", True, 1), ("diff", False, 0), ("fix", True, 0), ("fix", False, 0)],
)
def test_status_says_whether_there_is_something_to_do(command: str, dirty: bool, status: int, tmp_path: Path, rekey: Path):
    result = run_rekey(rekey, [command, "m.py"], cwd=tree(tmp_path, dirty=dirty))
    assert result.returncode == status, result.describe()


@pytest.mark.parametrize("command", ["check", "diff"])
def test_exit_zero(command: str, tmp_path: Path, rekey: Path):
    result = run_rekey(rekey, [command, "--exit-zero", "m.py"], cwd=tree(tmp_path, dirty=True))
    assert result.returncode == 0, result.describe()
    assert "RK001" in result.stdout or "+++ b/m.py" in result.stdout


@pytest.mark.parametrize("command", ["check", "diff"])
def test_exit_zero_still_reports_errors(command: str, tmp_path: Path, rekey: Path):
    tree(tmp_path, dirty=True)
    (tmp_path / "broken.py").write_bytes(b"import jax\nk = jax.random.PRNGKey(0)\nx = (\n")
    result = run_rekey(rekey, [command, "--exit-zero", "m.py", "broken.py"], cwd=tmp_path)
    assert result.returncode == 2, result.describe()


def test_fix_exit_non_zero_on_fix(tmp_path: Path, rekey: Path):
    root = tree(tmp_path, dirty=True)
    first = run_rekey(rekey, ["fix", "--exit-non-zero-on-fix", "m.py"], cwd=root)
    assert first.returncode == 1, first.describe()
    assert (root / "m.py").read_bytes() == (MY_LAYER / "after.py").read_bytes()
    second = run_rekey(rekey, ["fix", "--exit-non-zero-on-fix", "m.py"], cwd=root)
    assert second.returncode == 0, second.describe()


def test_quiet_prints_findings_and_patch_without_summaries(tmp_path: Path, rekey: Path):
    root = tree(tmp_path, dirty=True)
    check = run_rekey(rekey, ["check", "-q", "m.py"], cwd=root)
    assert check.returncode == 1 and "RK001" in check.stdout and "Found" not in check.stdout, check.describe()
    diff = run_rekey(rekey, ["diff", "--quiet", "m.py"], cwd=root)
    assert diff.returncode == 1 and diff.stdout.startswith("diff --git") and diff.stderr == "", diff.describe()
    fix = run_rekey(rekey, ["fix", "-q", "m.py"], cwd=root)
    assert fix.returncode == 0 and fix.stderr == "", fix.describe()


def test_verbose_says_what_was_read_and_how_long(tmp_path: Path, rekey: Path):
    root = tree(tmp_path, dirty=True)
    check = run_rekey(rekey, ["check", "-v", "m.py"], cwd=root)
    assert "rekey: checked 1 file (1 parsed," in check.stderr and " s\n" in check.stderr, check.describe()
    diff = run_rekey(rekey, ["diff", "--verbose", "m.py"], cwd=root)
    assert "rekey: 1 round of fixes, 1 file changed; read " in diff.stderr, diff.describe()
    assert ", analyse " in diff.stderr and ", fix rounds " in diff.stderr and ", tidy " in diff.stderr, diff.describe()


def test_quiet_and_verbose_exclude_each_other(tmp_path: Path, rekey: Path):
    result = run_rekey(rekey, ["check", "-q", "-v", "m.py"], cwd=tree(tmp_path, dirty=True))
    assert result.returncode == 2 and "exclude each other" in result.stderr, result.describe()
