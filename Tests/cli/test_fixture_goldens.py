"""Every fixture through the built binary: golden diff, real patch clients, idempotence, findings.

For each `Fixtures/<RULE>/<case>/` (see Tests/jax/fixture_cases.py), with the case's `args`:
1. golden — `rekey diff before.py` (cwd = a temp copy) exits 0; for a report-only case it prints
   nothing; otherwise `git apply --check` and `patch -p1 --dry-run` accept the diff and applying it
   with `git apply` and with `patch -p1` each yields after.py byte for byte;
2. idempotent — `rekey diff after.py` prints nothing;
3. findings — `rekey check before.py` prints exactly `findings.txt` when the case has one, and exits
   1 when that is not empty, 0 when it is (a negative case); a case without findings.txt must exit 1
   with a first line `before.py:LINE:COL: RULE message`. `rekey check after.py` exits 0 when the fix
   removed the problem.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixture_cases import FixtureCase, discover
from rekey_cli import assert_patch_applies, copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

CASES = discover()
FIXED_CASES = [case for case in CASES if not case.report_only]
ids = lambda case: case.id  # noqa: E731


def test_fixtures_are_found():
    assert CASES, "no fixture case found under Fixtures/*/*/ (before.py + after.py)"


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_diff_yields_after(case: FixtureCase, rekey: Path, tmp_path: Path):
    work = tmp_path / "work"
    copy_as(case.before, work, "before.py")
    result = run_rekey(rekey, ["diff", "before.py", *case.extra_args], cwd=work)
    assert result.returncode == 0, result.describe()
    assert (work / "before.py").read_bytes() == case.before.read_bytes(), "`rekey diff` modified the file"
    if case.report_only:
        assert result.stdout == "", f"report-only case: rekey must leave the file alone\n{result.describe()}"
        return
    assert result.stdout, f"expected a diff turning before.py into after.py\n{result.describe()}"
    assert result.stdout.startswith("diff --git a/before.py b/before.py\n"), result.describe()
    assert_patch_applies(
        result.stdout.encode("utf-8", errors="surrogateescape"),
        original=case.before,
        name="before.py",
        expected=case.after.read_bytes(),
        workdir=tmp_path,
    )


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_diff_is_idempotent(case: FixtureCase, rekey: Path, tmp_path: Path):
    copy_as(case.after, tmp_path, "after.py")
    result = run_rekey(rekey, ["diff", "after.py", *case.extra_args], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert result.stdout == "", f"rekey changes its own output again\n{result.describe()}"


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_check_reports_before(case: FixtureCase, rekey: Path, tmp_path: Path):
    copy_as(case.before, tmp_path, "before.py")
    result = run_rekey(rekey, ["check", "before.py", *case.extra_args], cwd=tmp_path)
    if case.findings is not None:
        expected = case.findings.read_text(encoding="utf-8")
        assert result.stdout == expected, result.describe()
        status = 1 if expected else 0
        assert result.returncode == status, f"expected exit {status}\n{result.describe()}"
        # A positive case is about its folder's rule: that rule must be among its findings.
        if expected:
            assert re.search(rf"^before\.py:\d+:\d+: {re.escape(case.rule)} \S", expected, re.MULTILINE), (
                f"findings.txt has no {case.rule} finding"
            )
        return
    assert result.returncode == 1, f"expected exit 1 (a finding)\n{result.describe()}"
    first = result.stdout.splitlines()[0] if result.stdout else ""
    assert re.match(rf"before\.py:\d+:\d+: {re.escape(case.rule)} \S", first), (
        f"first line is not 'before.py:LINE:COL: {case.rule} message'\n{result.describe()}"
    )


@pytest.mark.parametrize("case", FIXED_CASES, ids=ids)
def test_check_is_clean_after_fix(case: FixtureCase, rekey: Path, tmp_path: Path):
    copy_as(case.after, tmp_path, "after.py")
    result = run_rekey(rekey, ["check", "after.py", *case.extra_args], cwd=tmp_path)
    assert result.returncode == 0, f"after.py should have no finding left\n{result.describe()}"
