"""The real-world suite's fast subset, run by scripts/test: rekey on three small pinned projects,
re-checked against the hand classification, and one project's tests before and after `rekey fix`.

The whole suite (every project, the unsafe and pre-commit copies, the key-reuse runs) is
`scripts/realworld`; this subset keeps its judgements honest between full runs. Downloads and the
test venv are cached under .realworld/, so only a fresh checkout pays for them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))

import harness  # noqa: E402
from rekey_cli import checked_rekey_path, rekey_path_or_skip  # noqa: E402

REKEY = checked_rekey_path(rekey_path_or_skip())

# Fully classified, small sdists: every finding is in classification.json.
CHECKED_PROJECTS = ("mctx", "flashbax", "gymnax")
# A project whose test subset exercises a file with a safe fix (the module-level key that
# _compute_latent_dist reads becomes its parameter), and runs in well under a minute.
TESTED_PROJECT = "gpjax"
TESTED_FILE = "tests/test_likelihoods.py"
TESTED_SUBSET = (TESTED_FILE, "-k", "bernoulli or poisson")


def _projects() -> dict[str, harness.Project]:
    return {project.name: project for project in harness.load_projects()}


@pytest.fixture(scope="module")
def classification() -> dict[str, dict]:
    return harness.load_classification()


@pytest.mark.parametrize("name", CHECKED_PROJECTS)
def test_findings_match_the_hand_classification(name, classification):
    """Every finding rekey reports is classified (a new one needs a verdict), and every classified
    finding is still reported: a vanished true finding is a regression, a vanished false alarm is
    progress that the classification must record."""
    project = _projects()[name]
    sdist = harness.fetch_sdist(project, log=lambda message: None)
    tree = harness.unpack(sdist, harness.WORK / "fast" / name / "baseline")
    _, report = harness.check_findings(REKEY, tree)
    check = harness.recheck_classification({name: report["findings"]}, classification)
    assert not check.unclassified, (
        "rekey reports findings nobody has classified; judge each and add it to "
        f"Tests/realworld/classification.json: {check.unclassified}"
    )
    assert not check.vanished.get("true"), f"classified true findings no longer reported: {check.vanished['true']}"
    assert not check.vanished, f"classified findings no longer reported; update classification.json: {check.vanished}"


@pytest.mark.parametrize("name", CHECKED_PROJECTS)
def test_unsafe_fixes_compile_and_converge(name):
    """`rekey fix --unsafe-fixes` writes files that compile and leaves nothing it could fix."""
    project = _projects()[name]
    sdist = harness.fetch_sdist(project, log=lambda message: None)
    tree = harness.unpack(sdist, harness.WORK / "fast" / name / "unsafe")
    original = harness.python_files(tree)
    run = harness.run_rekey(REKEY, ["fix", "--unsafe-fixes", "."], tree)
    assert run.returncode in (0, 1), run.describe()
    changed = harness.changed_files(original, tree)
    assert changed, "the unsafe fixes changed nothing: the project no longer exercises them"
    assert harness.compile_errors(Path(sys.executable), tree, changed) == []
    _, after = harness.check_findings(REKEY, tree)
    fixable = [f for f in after["findings"] if harness.fix_tier(f) in ("safe", "unsafe")]
    assert fixable == [], f"findings still fixable after fix --unsafe-fixes: {fixable}"


def test_safe_fixes_keep_the_projects_tests_passing():
    """The project's own tests that pass before `rekey fix` (safe fixes, whole tree) pass after it."""
    harness.ensure_venv(log=lambda message: None)
    project = _projects()[TESTED_PROJECT]
    subset = harness.Project(**{**project.__dict__, "tests": TESTED_SUBSET})
    sdist = harness.fetch_sdist(subset, log=lambda message: None)
    work = harness.WORK / "fast" / TESTED_PROJECT
    baseline = harness.unpack(sdist, work / "baseline")
    original = harness.python_files(baseline)
    fixed = harness.unpack(sdist, work / "safe")
    run = harness.run_rekey(REKEY, ["fix", "."], fixed)
    assert run.returncode in (0, 1), run.describe()
    assert TESTED_FILE in harness.changed_files(original, fixed), (
        "rekey fix left the tested file alone: the subset no longer exercises a safe fix"
    )
    before = harness.run_pytest(subset, baseline, "baseline", work / "junit-baseline.xml")
    after = harness.run_pytest(subset, fixed, "safe", work / "junit-safe.xml")
    passed_before = before.ids_with("passed")
    assert passed_before, f"no test passed before rekey ran:\n{before.output_tail}"
    broken = {
        test: f"{after.outcomes[test].kind or after.outcomes[test].outcome}: {after.outcomes[test].message}"
        if test in after.outcomes else "not collected"
        for test in passed_before - after.ids_with("passed")
    }
    assert not broken, f"safe fixes broke tests that passed before:\n{broken}\n{after.output_tail}"
