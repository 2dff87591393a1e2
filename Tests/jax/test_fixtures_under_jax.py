"""Every fixture under real JAX: before shows the bug, after runs clean.

Every run is a fresh process (run_under_jax.py) with typed keys and the key-reuse checker on.

Single-file cases (before.py / after.py):
- before.py must show the bug: at least one jax.random call while importing, or a KeyReuseError
  (at import, in a test_* function or method, or in the `__main__` block).
- after.py, unless it is identical to before.py (a report-only case): no jax.random call while
  importing, no error at import, every test and the `__main__` block run without any error, and
  its entry points still make random calls (the fixture still exercises its randomness).
- A negative case (an empty findings.txt: rekey finds nothing) turns the first check around:
  before.py must run clean by the same standard as a fixed after.py, so a false negative of JAX's
  and a false positive of rekey's cannot both hide in one fixture.
- A positive case marked `# jax-cannot-show: reason` (see fixture_cases.py) skips the bug check.

Package-shaped cases (before/ and after/ trees; each tree is copied to a temp folder first, so
nothing is ever written beside the fixtures):
- before/ must show the bug: some module makes at least one jax.random call while it is imported
  (every module of the tree is imported, in sorted order), or a KeyReuseError surfaces while
  importing, in a `__main__` block, or in its tests (pytest on the tree, collection included).
- after/, unless it is identical to before/ (report-only): importing every module makes 0
  jax.random calls and raises nothing; every module with an `if __name__ == "__main__":` block
  runs clean as a script (`python -m pkg.train` from the tree root); `pytest` on the tree passes
  (at least one test, every test ok); and the tests and scripts together make random calls.
  pytest runs in its own process with the venv's python and the two JAX flags set by the runner
  before pytest starts (`run_under_jax.py --pytest ROOT`): no conftest is generated, and the
  fixture trees need none.
- A case with seed_check.json: the first key the after entry point makes equals the before
  module's global key (their `jax.random.key_data` are compared), i.e. the seed moved intact.
Cases marked `pending` (rekey cannot produce after/ yet) are checked here all the same: their
before/ and after/ prove the target is right before the tool reaches it.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fixture_cases import FixtureCase, discover

HARNESS = Path(__file__).with_name("run_under_jax.py")
TIMEOUT_SECONDS = 600
CASES = discover(trees=True)
FIXED_CASES = [case for case in CASES if not case.report_only]
POSITIVE_CASES = [case for case in CASES if not case.negative]
NEGATIVE_CASES = [case for case in CASES if case.negative]
SEED_CASES = [case for case in CASES if case.seed_check is not None]
ids = lambda case: case.id  # noqa: E731


def _run_harness(arguments: list[str], cwd: Path, what: str) -> dict:
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONDONTWRITEBYTECODE="1")
    process = subprocess.run(
        [sys.executable, str(HARNESS), *arguments],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )
    lines = [line for line in process.stdout.splitlines() if line.strip()]
    context = f"exit {process.returncode}\n--- stdout\n{process.stdout[-3000:]}\n--- stderr\n{process.stderr[-3000:]}"
    assert lines, f"run_under_jax.py printed nothing for {what}\n{context}"
    try:
        report = json.loads(lines[-1])
    except json.JSONDecodeError:
        pytest.fail(f"last stdout line of run_under_jax.py is not JSON for {what}\n{context}")
    assert report.get("harness_error") is None, f"harness failed on {what}: {report['harness_error']}\n{context}"
    return report


@functools.lru_cache(maxsize=None)
def run_under_jax(path: Path) -> dict:
    return _run_harness([str(path)], cwd=path.parent, what=str(path))


_TREE_COPIES = Path(tempfile.mkdtemp(prefix="rekey-jax-trees-"))
# A single-file case's seed is checked on a one-module tree: the file, as this module, laid out
# GROUP/case/before like a tree case (whose copies then never collide with it).
SINGLE_FILE_MODULE = "case_module"
_FILE_TREES = Path(tempfile.mkdtemp(prefix="rekey-jax-files-"))
atexit.register(shutil.rmtree, _FILE_TREES, ignore_errors=True)
atexit.register(shutil.rmtree, _TREE_COPIES, ignore_errors=True)


@functools.lru_cache(maxsize=None)
def tree_copy(tree: Path) -> Path:
    """A private copy of a fixture tree (cached for the session): runs never write into Fixtures/."""
    relative = tree.relative_to(tree.parents[2])  # GROUP/case/before
    target = _TREE_COPIES / relative
    shutil.copytree(tree, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc"))
    return target


@functools.lru_cache(maxsize=None)
def run_tree(tree: Path, read_global: str | None = None, first_key: str | None = None) -> dict:
    """Imports every module of the tree and runs its `__main__` blocks (run_under_jax.py --tree)."""
    root = tree_copy(tree)
    arguments = ["--tree", str(root)]
    if read_global:
        arguments += ["--read-global", read_global]
    if first_key:
        arguments += ["--first-key", first_key]
    return _run_harness(arguments, cwd=root, what=f"{tree} (tree)")


@functools.lru_cache(maxsize=None)
def run_tree_pytest(tree: Path) -> dict:
    """pytest on the tree, with the JAX flags set (run_under_jax.py --pytest)."""
    root = tree_copy(tree)
    return _run_harness(["--pytest", str(root)], cwd=root, what=f"{tree} (pytest)")


def key_reuse_errors(report: dict) -> list[str]:
    """Where a KeyReuseError surfaced: import, a test_* function, or the __main__ block."""
    places = []
    if report["import_error"] == "KeyReuseError":
        places.append("import")
    places += [name for name, outcome in report["tests"].items() if outcome.startswith("KeyReuseError")]
    if (report["main_error"] or "").startswith("KeyReuseError"):
        places.append("__main__")
    return places


def tree_key_reuse_errors(imports: dict, tests: dict | None) -> list[str]:
    """Where a KeyReuseError surfaced in a tree: imports, `__main__` blocks, pytest."""
    reuse = lambda outcome: "KeyReuseError" in (outcome or "")  # noqa: E731
    places = [f"import {name}" for name, module in imports["modules"].items() if reuse(module["error"])]
    places += [f"__main__ of {name}" for name, error in imports["mains"].items() if reuse(error)]
    if tests is not None:
        places += [f"collecting {node}" for node, error in tests["collect_errors"].items() if reuse(error)]
        places += [node for node, outcome in tests["tests"].items() if reuse(outcome)]
    return places


def has_main_block(path: Path) -> bool:
    source = path.read_text(encoding="utf-8")
    return "if __name__ == \"__main__\":" in source or "if __name__ == '__main__':" in source


def test_fixtures_are_found():
    assert CASES, "no fixture case found under Fixtures/*/*/ (before.py + after.py, or before/ + after/)"


@pytest.mark.parametrize("case", POSITIVE_CASES, ids=ids)
def test_before_shows_the_bug(case: FixtureCase):
    if case.jax_cannot_show is not None:
        pytest.skip(f"JAX cannot show this bug: {case.jax_cannot_show}")
    if case.is_tree:
        imports = run_tree(case.before)
        random_at_import = {name: m["random_calls"] for name, m in imports["modules"].items() if m["random_calls"]}
        if random_at_import or tree_key_reuse_errors(imports, None):
            return
        tests = run_tree_pytest(case.before)
        assert tree_key_reuse_errors(imports, tests), (
            f"{case.id}/before shows no import-time randomness and no KeyReuseError:\n"
            f"imports: {imports}\npytest: {tests}"
        )
        return
    report = run_under_jax(case.before)
    assert report["import_random_calls"] >= 1 or key_reuse_errors(report), (
        f"{case.id}/before.py shows no import-time randomness and no KeyReuseError: {report}"
    )


@pytest.mark.parametrize("case", NEGATIVE_CASES, ids=ids)
def test_negative_runs_clean(case: FixtureCase):
    assert case.report_only, f"{case.id}: a negative case (empty findings.txt) must have after == before"
    assert case.jax_cannot_show is None, f"{case.id}: a negative case has no bug to show"
    assert_runs_clean(case, case.before)


@pytest.mark.parametrize("case", FIXED_CASES, ids=ids)
def test_after_runs_clean(case: FixtureCase):
    assert_runs_clean(case, case.after)


def file_as_tree(path: Path, case: FixtureCase) -> Path:
    """A one-module tree holding a single-file case's before.py or after.py as `case_module`."""
    root = _FILE_TREES / case.rule / case.name / path.stem
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, root / f"{SINGLE_FILE_MODULE}.py")
    return root


@pytest.mark.parametrize("case", SEED_CASES, ids=ids)
def test_seed_moved_to_entry_point(case: FixtureCase):
    """The after entry point's first key has the value of the global key it replaces."""
    check = case.seed_check
    if case.is_tree:
        (old_module, old_name), (entry_module, entry) = check["before"], check["after"]
        before, after = case.before, case.after
    else:
        (old_module, old_name), (entry_module, entry) = (SINGLE_FILE_MODULE, check["before"]), (SINGLE_FILE_MODULE, check["after"])
        before, after = file_as_tree(case.before, case), file_as_tree(case.after, case)
    old = run_tree(before, read_global=f"{old_module}:{old_name}")
    new = run_tree(after, first_key=f"{entry_module}:{entry}")
    assert old["seed_error"] is None and old["global_key"] is not None, (
        f"{case.id}: could not read {old_module}.{old_name} in before/: {old}"
    )
    assert new["seed_error"] is None and new["first_key"] is not None, (
        f"{case.id}: could not record the first key of {entry_module}:{entry} in after/: {new}"
    )
    assert new["first_key"] == old["global_key"], (
        f"{case.id}: the first key made by {entry_module}:{entry} ({new['first_key']}) is not the old "
        f"global {old_module}.{old_name} ({old['global_key']}): the seed did not move intact"
    )


def assert_runs_clean(case: FixtureCase, path: Path) -> None:
    """No randomness at import, no error anywhere (so no KeyReuseError), and entry points that
    still exercise the fixture's randomness."""
    if case.is_tree:
        assert_tree_runs_clean(case, path)
        return
    name = f"{case.id}/{path.name}"
    report = run_under_jax(path)
    # A script's top level is its run: its calls there are the run's work, not import-time calls.
    assert case.is_script or report["import_random_calls"] == 0, (
        f"{name} still makes {report['import_random_calls']} jax.random call(s) at import: {report}"
    )
    assert report["import_error"] is None, f"{name} failed to import: {report}"
    failed = {test: outcome for test, outcome in report["tests"].items() if outcome != "ok"}
    assert not failed, f"{name} test functions failed: {failed}"
    assert report["main_ran"], f"{name}: the __main__ run did not happen: {report}"
    assert report["main_error"] is None, f"{name} __main__ block failed: {report['main_error']}"
    # A fixture whose entry points never run its random code would prove nothing.
    assert report["tests"] or has_main_block(path) or case.is_script, f"{name} has no test and no __main__ block"
    assert report["entry_random_calls"] >= 1, f"{name}: its entry points made no jax.random call: {report}"


def assert_tree_runs_clean(case: FixtureCase, tree: Path) -> None:
    name = f"{case.id}/{tree.name}"
    imports = run_tree(tree)
    assert imports["modules"], f"{name}: no Python module found in the tree"
    random_at_import = {m: info["random_calls"] for m, info in imports["modules"].items() if info["random_calls"]}
    assert not random_at_import, f"{name}: modules make jax.random calls at import: {random_at_import}"
    import_errors = {m: info["error"] for m, info in imports["modules"].items() if info["error"]}
    assert not import_errors, f"{name}: modules fail to import: {import_errors}"
    main_errors = {m: error for m, error in imports["mains"].items() if error}
    assert not main_errors, f"{name}: `__main__` blocks fail: {main_errors}"

    tests = run_tree_pytest(tree)
    assert not tests["collect_errors"], f"{name}: pytest cannot collect: {tests['collect_errors']}"
    assert tests["collect_random_calls"] == 0, (
        f"{name}: collecting the tests made {tests['collect_random_calls']} jax.random call(s): {tests}"
    )
    failed = {node: outcome for node, outcome in tests["tests"].items() if outcome != "ok"}
    assert not failed, f"{name}: tests fail under pytest: {failed}"
    # Exit 5 is pytest's "no tests collected": fine for a tree whose entry points are scripts.
    no_tests = tests["exit_code"] == 5 and not tests["tests"]
    assert tests["exit_code"] == 0 or no_tests, f"{name}: pytest exited {tests['exit_code']}: {tests}"
    # A fixture whose entry points never run its random code would prove nothing.
    assert tests["tests"] or imports["mains"], f"{name} has no test and no __main__ block"
    assert tests["random_calls"] + imports["entry_random_calls"] >= 1, (
        f"{name}: its tests and scripts made no jax.random call: imports {imports}, pytest {tests}"
    )
