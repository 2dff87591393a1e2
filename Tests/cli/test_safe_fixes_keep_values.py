"""A safe fix keeps what the program computes.

rekey calls a fix safe when every entry point of the tree computes the same values as before. For
each single-file fixture whose golden after.py is exactly what `rekey fix` gives *without*
`--unsafe-fixes` (so every fix it needed was safe), before.py and after.py run under real JAX with
the reuse checker off (`run_under_jax.py --values`), and every entry point (each test, the
`__main__` block) must draw exactly the same numbers: the same `jax.random` calls, in the same
order, with byte-identical results.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import FixtureCase, discover
from rekey_cli import copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

HARNESS = Path(__file__).resolve().parents[1] / "jax" / "run_under_jax.py"
CASES = [case for case in discover() if not case.report_only]
# Guards the selection itself: if it ever finds (almost) no safe case, the comparison proves nothing.
MINIMUM_SAFE_CASES = 10


def ids(case: FixtureCase) -> str:
    return case.id


@functools.lru_cache(maxsize=None)
def safe_fix_gives_after(rekey: Path, case: FixtureCase, work: Path) -> bool:
    """Whether `rekey fix` with safe fixes only turns before.py into after.py."""
    directory = work / case.rule / case.name
    target = copy_as(case.before, directory, "before.py")
    arguments = [argument for argument in case.extra_args if argument != "--unsafe-fixes"]
    result = run_rekey(rekey, ["fix", *arguments, "before.py"], cwd=directory)
    assert result.returncode in (0, 1), result.describe()
    return target.read_bytes() == case.after.read_bytes()


def values(path: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, str(HARNESS), "--values", str(path)],
        cwd=path.parent, capture_output=True, text=True, timeout=300,
    )
    lines = completed.stdout.strip().splitlines()
    assert lines, f"the harness printed nothing for {path}:\n{completed.stderr[-4000:]}"
    report = json.loads(lines[-1])
    assert report["harness_error"] is None, report["harness_error"]
    return report


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("safe-fixes")


def test_enough_cases_have_only_safe_fixes(rekey: Path, work: Path):
    safe = [case.id for case in CASES if safe_fix_gives_after(rekey, case, work)]
    assert len(safe) >= MINIMUM_SAFE_CASES, f"only {len(safe)} fixtures are fixed by safe fixes alone: {safe}"


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_safe_fix_draws_the_same_numbers(case: FixtureCase, rekey: Path, work: Path):
    if not safe_fix_gives_after(rekey, case, work):
        pytest.skip("its golden needs unsafe fixes, which may change the numbers drawn")
    before, after = values(case.before), values(case.after)
    if before["import_error"] is not None:
        pytest.skip(f"before.py cannot be imported on this Python ({before['import_error']}), so there is nothing to compare")
    assert after["import_error"] is None, f"{case.id}: after.py failed to import: {after}"
    assert any(before["traces"].values()), f"{case.id}: no entry point draws anything, so equal traces prove nothing"
    assert after["traces"] == before["traces"], (
        f"{case.id}: a safe fix changed the numbers drawn\nbefore: {before['traces']}\nafter:  {after['traces']}"
    )
