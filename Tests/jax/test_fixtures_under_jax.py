"""Every fixture under real JAX: before.py shows the bug, after.py runs clean.

Each file runs in a fresh process (run_under_jax.py) with typed keys and the key-reuse checker on.
- before.py must show the bug: at least one jax.random call while importing, or a KeyReuseError
  (at import, in a test_* function or in the `__main__` block).
- after.py, unless it is identical to before.py (a report-only case): no jax.random call while
  importing, no error at import, every test_* function and the `__main__` block run without any
  error, and its entry points still make random calls (the fixture still exercises its randomness).
- A negative case (an empty findings.txt: rekey finds nothing) turns the first check around:
  before.py must run clean by the same standard as a fixed after.py, so a false negative of JAX's
  and a false positive of rekey's cannot both hide in one fixture.
- A positive case marked `# jax-cannot-show: reason` (see fixture_cases.py) skips the bug check.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import FixtureCase, discover

HARNESS = Path(__file__).with_name("run_under_jax.py")
TIMEOUT_SECONDS = 600
CASES = discover()
FIXED_CASES = [case for case in CASES if not case.report_only]
POSITIVE_CASES = [case for case in CASES if not case.negative]
NEGATIVE_CASES = [case for case in CASES if case.negative]


@functools.lru_cache(maxsize=None)
def run_under_jax(path: Path) -> dict:
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONDONTWRITEBYTECODE="1")
    process = subprocess.run(
        [sys.executable, str(HARNESS), str(path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        env=env,
        cwd=path.parent,
    )
    lines = [line for line in process.stdout.splitlines() if line.strip()]
    context = f"exit {process.returncode}\n--- stdout\n{process.stdout[-3000:]}\n--- stderr\n{process.stderr[-3000:]}"
    assert lines, f"run_under_jax.py printed nothing for {path}\n{context}"
    try:
        report = json.loads(lines[-1])
    except json.JSONDecodeError:
        pytest.fail(f"last stdout line of run_under_jax.py is not JSON for {path}\n{context}")
    assert report.get("harness_error") is None, f"harness failed on {path}: {report['harness_error']}\n{context}"
    return report


def key_reuse_errors(report: dict) -> list[str]:
    """Where a KeyReuseError surfaced: import, a test_* function, or the __main__ block."""
    places = []
    if report["import_error"] == "KeyReuseError":
        places.append("import")
    places += [name for name, outcome in report["tests"].items() if outcome.startswith("KeyReuseError")]
    if (report["main_error"] or "").startswith("KeyReuseError"):
        places.append("__main__")
    return places


def has_main_block(path: Path) -> bool:
    source = path.read_text(encoding="utf-8")
    return "if __name__ == \"__main__\":" in source or "if __name__ == '__main__':" in source


def test_fixtures_are_found():
    assert CASES, "no fixture case found under Fixtures/*/*/ (before.py + after.py)"


@pytest.mark.parametrize("case", POSITIVE_CASES, ids=lambda case: case.id)
def test_before_shows_the_bug(case: FixtureCase):
    if case.jax_cannot_show is not None:
        pytest.skip(f"JAX cannot show this bug: {case.jax_cannot_show}")
    report = run_under_jax(case.before)
    assert report["import_random_calls"] >= 1 or key_reuse_errors(report), (
        f"{case.id}/before.py shows no import-time randomness and no KeyReuseError: {report}"
    )


@pytest.mark.parametrize("case", NEGATIVE_CASES, ids=lambda case: case.id)
def test_negative_runs_clean(case: FixtureCase):
    assert case.report_only, f"{case.id}: a negative case (empty findings.txt) must have after.py == before.py"
    assert case.jax_cannot_show is None, f"{case.id}: a negative case has no bug to show"
    assert_runs_clean(case, case.before)


@pytest.mark.parametrize("case", FIXED_CASES, ids=lambda case: case.id)
def test_after_runs_clean(case: FixtureCase):
    assert_runs_clean(case, case.after)


def assert_runs_clean(case: FixtureCase, path: Path) -> None:
    """No randomness at import, no error anywhere (so no KeyReuseError), and entry points that
    still exercise the file's randomness."""
    name = f"{case.id}/{path.name}"
    report = run_under_jax(path)
    assert report["import_random_calls"] == 0, (
        f"{name} still makes {report['import_random_calls']} jax.random call(s) at import: {report}"
    )
    assert report["import_error"] is None, f"{name} failed to import: {report}"
    failed = {test: outcome for test, outcome in report["tests"].items() if outcome != "ok"}
    assert not failed, f"{name} test functions failed: {failed}"
    assert report["main_ran"], f"{name}: the __main__ run did not happen: {report}"
    assert report["main_error"] is None, f"{name} __main__ block failed: {report['main_error']}"
    # A fixture whose entry points never run its random code would prove nothing.
    assert report["tests"] or has_main_block(path), f"{name} has no test_* function and no __main__ block"
    assert report["entry_random_calls"] >= 1, f"{name}: its entry points made no jax.random call: {report}"
