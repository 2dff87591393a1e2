"""Runs rekey on real projects and judges it by their own tests and by the hand classification.

For each project of projects.toml: three copies of the pinned sdist (baseline, `rekey fix`,
`rekey fix --unsafe-fixes`) and a fourth where one file is fixed alone (as pre-commit does); the
project's test subset in each; optionally the baseline and unsafe copies again under JAX's key-reuse
checker. Check-only (legacy) projects are only checked and classified. Writes RESULTS.md and
.realworld/results.json; with --strict, exits 1 when a judgement fails.

    REKEY=path/to/rekey python Tests/realworld/suite.py [--projects a,b] [--strict] [--key-reuse]
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import harness
import report
from harness import Project, TestRun


@dataclass
class FixOutcome:
    """One `rekey fix` run on a copy of the project."""

    command: list[str]
    returncode: int
    stderr_summary: str
    report: dict
    changed: list[str]
    compile_errors: list[str]
    # Findings `rekey check` still offers a fix for (of the tiers the run enabled).
    fixable_left: list[str]
    findings_after: list[dict]
    tree: Path


@dataclass
class ProjectResult:
    project: Project
    python_files: int
    findings: list[dict]
    diagnostics: list[dict]
    check_seconds: float
    safe: FixOutcome | None = None
    unsafe: FixOutcome | None = None
    precommit: FixOutcome | None = None
    precommit_tier: str = ""
    tests: dict[str, TestRun] = field(default_factory=dict)
    # Judgements: test id -> "outcome kind: message".
    safe_broken: dict[str, str] = field(default_factory=dict)
    unsafe_errors: dict[str, str] = field(default_factory=dict)
    unsafe_value_changes_expected: dict[str, str] = field(default_factory=dict)
    unsafe_value_changes_unexpected: dict[str, str] = field(default_factory=dict)
    stale_expectations: list[str] = field(default_factory=list)
    precommit_broken: dict[str, str] = field(default_factory=dict)
    key_reuse_before: set[str] = field(default_factory=set)
    key_reuse_after: set[str] = field(default_factory=set)
    # Failed judgements: of the fix runs (crash, no compile, still fixable), and of the tests.
    fix_problems: list[str] = field(default_factory=list)
    test_problems: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.fix_problems + self.test_problems


def log(message: str) -> None:
    print(f"realworld: {message}", file=sys.stderr, flush=True)


def evaluate(project: Project, rekey: Path, expectations: dict, run_tests: bool = True,
             key_reuse: bool = False, fix_variants: tuple[str, ...] = ("safe", "unsafe", "precommit")) -> ProjectResult:
    """Everything the suite measures for one project; `problems` lists every failed judgement."""
    sdist = harness.fetch_sdist(project, log)
    trees = harness.WORK / "trees" / project.name
    logs = harness.WORK / "logs" / project.name
    logs.mkdir(parents=True, exist_ok=True)
    baseline = harness.unpack(sdist, trees / "baseline")
    original = harness.python_files(baseline)
    check_run, report = harness.check_findings(rekey, baseline)
    (logs / "check.json").write_text(check_run.stdout)
    result = ProjectResult(project, len(original), report["findings"], report["diagnostics"], check_run.seconds)
    log(f"{project.name}: {len(result.findings)} findings in {len(original)} files ({check_run.seconds:.1f}s)")

    if not project.runs_tests:
        return result
    if "safe" in fix_variants:
        result.safe = fix_copy(rekey, sdist, trees / "safe", logs, original, False, ["."], ("safe",))
    if "unsafe" in fix_variants:
        result.unsafe = fix_copy(rekey, sdist, trees / "unsafe", logs, original, True, ["."],
                                 ("safe", "unsafe"))
    if "precommit" in fix_variants and project.precommit_file:
        file_tiers = {harness.fix_tier(f) for f in result.findings if f["path"] == project.precommit_file}
        result.precommit_tier = "safe" if "safe" in file_tiers else "unsafe"
        result.precommit = fix_copy(rekey, sdist, trees / "precommit", logs, original,
                                    result.precommit_tier == "unsafe", [project.precommit_file], ())
    for outcome in (result.safe, result.unsafe, result.precommit):
        if outcome is None:
            continue
        name = " ".join(outcome.command)
        if outcome.returncode not in (0, 1):
            result.fix_problems.append(f"rekey {name} exited {outcome.returncode}: {outcome.stderr_summary}")
        for error in outcome.compile_errors:
            result.fix_problems.append(f"rekey {name} wrote a file that does not compile: {error}")
        if outcome is not result.precommit and outcome.fixable_left:
            result.fix_problems.append(f"after rekey {name}, check still offers {len(outcome.fixable_left)} fixes")

    if not run_tests:
        return result
    copies = {"baseline": baseline, "safe": result.safe, "unsafe": result.unsafe, "precommit": result.precommit}
    for label, copy in copies.items():
        if copy is None:
            continue
        if isinstance(copy, FixOutcome) and not copy.changed:
            # Nothing was rewritten: the copy is the baseline, byte for byte.
            log(f"{project.name}: the {label} copy is unchanged; the baseline's outcomes stand for it")
            result.tests[label] = result.tests["baseline"]
            continue
        tree = copy if isinstance(copy, Path) else copy.tree
        log(f"{project.name}: pytest in the {label} copy")
        result.tests[label] = harness.run_pytest(project, tree, label, logs / f"junit-{label}.xml")
    if key_reuse:
        for label in ("baseline", "unsafe"):
            copy = copies[label]
            if copy is None:
                continue
            tree = copy if isinstance(copy, Path) else copy.tree
            log(f"{project.name}: pytest in the {label} copy under the key-reuse checker")
            result.tests[f"{label}+reuse"] = harness.run_pytest(
                project, tree, f"{label}+reuse", logs / f"junit-{label}-reuse.xml", key_reuse=True)
    judge_tests(result, expectations)
    return result


def fix_copy(rekey: Path, sdist: Path, tree: Path, logs: Path, original: dict[str, bytes],
             unsafe: bool, paths: list[str], fixable_tiers: tuple[str, ...]) -> FixOutcome:
    """`rekey fix [--unsafe-fixes] --report … PATHS` on a fresh copy, then compile what it wrote
    and re-check the whole copy."""
    harness.unpack(sdist, tree)
    report_path = logs / f"report-{tree.name}.json"
    if report_path.exists():
        report_path.unlink()
    flags = ["--unsafe-fixes"] if unsafe else []
    run = harness.run_rekey(rekey, ["fix", *flags, "--report", str(report_path), *paths], tree)
    (logs / f"fix-{tree.name}.stderr").write_text(run.stderr)
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    changed = harness.changed_files(original, tree)
    errors = harness.compile_errors(harness.VENV_PYTHON, tree, changed)
    _, after = harness.check_findings(rekey, tree)
    fixable = [
        f"{f['path']}:{f['start']['line']}:{f['start']['column']}: {f['code']} [{harness.fix_tier(f)}]"
        for f in after["findings"] if harness.fix_tier(f) in fixable_tiers
    ]
    summary = (run.stderr.strip().splitlines() or [""])[-1]
    return FixOutcome(["fix", *flags, *paths], run.returncode, summary, report, changed, errors,
                      fixable, after["findings"], tree)


def judge_tests(result: ProjectResult, expectations: dict) -> None:
    """Fills the test judgements from the recorded outcomes (again, from scratch, on a re-judge)."""
    for judgement in (result.safe_broken, result.unsafe_errors, result.unsafe_value_changes_expected,
                      result.unsafe_value_changes_unexpected, result.precommit_broken,
                      result.key_reuse_before, result.key_reuse_after):
        judgement.clear()
    result.stale_expectations = []
    result.test_problems = []
    baseline = result.tests["baseline"]
    passed_before = baseline.ids_with("passed")
    if not passed_before:
        result.test_problems.append("no test passed in the baseline copy: the subset proves nothing")

    def regressions(label: str) -> dict[str, tuple[str, str]]:
        after = result.tests.get(label)
        if after is None:
            return {}
        lost = {}
        for test in sorted(passed_before):
            outcome = after.outcomes.get(test)
            if outcome is None:
                lost[test] = ("missing", "not collected any more")
            elif outcome.outcome != "passed":
                lost[test] = (outcome.kind or outcome.outcome, outcome.message)
        return lost

    for test, (kind, message) in regressions("safe").items():
        result.safe_broken[test] = f"{kind}: {message}"
    for test, (kind, message) in regressions("unsafe").items():
        if test in result.safe_broken:
            continue  # the safe fixes (applied in this run too) broke it: counted there
        described = f"{kind}: {message}"
        if kind in harness.VALUE_CHANGE_KINDS:
            reason = expectations.get((result.project.name, test))
            if reason:
                result.unsafe_value_changes_expected[test] = reason
            else:
                result.unsafe_value_changes_unexpected[test] = described
        else:
            result.unsafe_errors[test] = described
    if "unsafe" in result.tests:
        for (name, test), _ in expectations.items():
            if name == result.project.name and test not in result.unsafe_value_changes_expected:
                result.stale_expectations.append(test)
    broken_precommit = regressions("precommit")
    for test, (kind, message) in broken_precommit.items():
        if result.precommit_tier == "safe" or kind not in harness.VALUE_CHANGE_KINDS:
            result.precommit_broken[test] = f"{kind}: {message}"

    for label, target in (("baseline+reuse", result.key_reuse_before), ("unsafe+reuse", result.key_reuse_after)):
        run = result.tests.get(label)
        if run:
            target.update(t for t, o in run.outcomes.items() if o.kind == "KeyReuseError")

    name = result.project.name
    for test, described in result.safe_broken.items():
        result.test_problems.append(f"safe fixes broke {name} {test} ({described})")
    for test, described in result.unsafe_errors.items():
        result.test_problems.append(f"unsafe fixes made {name} {test} error ({described})")
    for test, described in result.unsafe_value_changes_unexpected.items():
        result.test_problems.append(f"unsafe fixes changed values in {name} {test}, not in expectations.toml ({described})")
    for test in result.stale_expectations:
        result.test_problems.append(f"expectations.toml lists {name} {test}, which no longer fails after unsafe fixes")
    for test, described in result.precommit_broken.items():
        result.test_problems.append(f"rekey fix {result.project.precommit_file} alone broke {name} {test} ({described})")
    for test in sorted(result.key_reuse_after - result.key_reuse_before):
        result.test_problems.append(f"unsafe fixes introduced a KeyReuseError in {name} {test}")


# ---------------------------------------------------------------- figures


def rekey_identity(rekey: Path) -> str:
    # The binary is built from the last commit that changed what goes into it.
    commit = subprocess.run(["git", "log", "-1", "--format=%h", "--", "Sources", "Package.swift", "Grammars"],
                            cwd=harness.ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "Sources"], cwd=harness.ROOT,
                           capture_output=True, text=True).stdout.strip()
    version = subprocess.run([str(rekey), "--version"], capture_output=True, text=True).stdout.strip()
    return f"rekey {version} built from commit {commit}{' (with uncommitted Sources changes)' if dirty else ''}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", help="comma-separated names (default: all)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any judgement fails")
    parser.add_argument("--key-reuse", action="store_true",
                        help="also run the baseline and unsafe copies under JAX's key-reuse checker")
    parser.add_argument("--no-tests", action="store_true", help="check and fix only, run no pytest")
    parser.add_argument("--results", type=Path, default=harness.SUITE_DIR / "RESULTS.md")
    parser.add_argument("--from-last-run", action="store_true",
                        help="run nothing: judge the last run's outcomes again (after editing the "
                             "classification or expectations) and rewrite the results")
    options = parser.parse_args(argv)

    rekey = harness.rekey_binary()
    if rekey is None:
        parser.error("set REKEY to the rekey binary (scripts/realworld does)")
    projects = harness.load_projects()
    if options.projects:
        wanted = set(options.projects.split(","))
        unknown = wanted - {p.name for p in projects}
        if unknown:
            parser.error(f"unknown projects: {', '.join(sorted(unknown))}")
        projects = [p for p in projects if p.name in wanted]
    harness.ensure_venv(log)
    classification = harness.load_classification()
    expectations = harness.load_expectations()

    last_run = harness.WORK / "last-run.pickle"
    if options.from_last_run:
        with last_run.open("rb") as handle:
            # The binary that ran, not the one built now.
            results, elapsed, options.key_reuse, full_run, identity = pickle.load(handle)
        for result in results:
            # Outcomes are parsed again from the junit files, so a change in how failures are
            # read applies too.
            for label, run in result.tests.items():
                junit = harness.WORK / "logs" / result.project.name / f"junit-{label.replace('+', '-')}.xml"
                if run.label == label and junit.exists():
                    run.outcomes = harness.parse_junit(junit)
            if "baseline" in result.tests:
                judge_tests(result, expectations)
    else:
        identity = rekey_identity(rekey)
        start = time.monotonic()
        results = []
        for project in projects:
            results.append(evaluate(project, rekey, expectations, run_tests=not options.no_tests,
                                    key_reuse=options.key_reuse))
        elapsed = time.monotonic() - start
        full_run = not options.projects and not options.no_tests
        with last_run.open("wb") as handle:
            pickle.dump((results, elapsed, options.key_reuse, full_run, identity), handle)
    check = harness.recheck_classification({r.project.name: r.findings for r in results}, classification)

    problems = [p for r in results for p in r.problems]
    strict_projects = {r.project.name for r in results if r.project.classified == "all"}
    unclassified_strict = [k for k in check.unclassified if k.split(":", 1)[0] in strict_projects]
    problems += [f"unclassified finding (project fully classified): {k}" for k in unclassified_strict]
    problems += [f"a true finding vanished (regression?): {k}" for k in check.vanished.get("true", [])]
    problems += [f"a resolved false alarm is reported again: {k}" for k in check.reappeared]
    text = report.render(results, check, classification, identity, elapsed, problems,
                         key_reuse=options.key_reuse, full_run=full_run)
    options.results.write_text(text)
    (harness.WORK / "results.json").write_text(json.dumps(report.as_json(results, check), indent=1))
    log(f"wrote {options.results} in {elapsed / 60:.1f} min; {len(problems)} failed judgements; "
        f"false alarms resolved since first classified: {len(check.resolved)}")
    for problem in problems:
        log(f"  FAIL {problem}")
    return 1 if options.strict and problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
