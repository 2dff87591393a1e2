"""RESULTS.md and results.json from one run of the real-world suite: every figure comes from the
run's own outputs (rekey's JSON, its fix reports, junit XML) and the hand classification."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

import harness

RULES = [f"RK00{n}" for n in range(1, 10)]


def _fixes_applied(outcome) -> int:
    return outcome.report.get("summary", {}).get("fixes_applied", 0) if outcome else 0


def _by_code(findings) -> str:
    counts = Counter(f["code"] for f in findings)
    return ", ".join(f"{code} {counts[code]}" for code in sorted(counts)) or "–"


def _tests_cell(run, baseline=None) -> str:
    if run is None:
        return "–"
    counts = run.counts()
    total = sum(counts.values())
    if baseline is None:
        return f"{counts['passed']}/{total}"
    kept = len(baseline.ids_with("passed") & run.ids_with("passed"))
    return f"{kept}/{len(baseline.ids_with('passed'))}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def true_findings_fixed(result, classification: dict) -> tuple[int, int, int]:
    """(true findings, of those offered a fix, of those gone after `fix --unsafe-fixes`).

    A finding counts as gone when no finding of the same rule is reported after the fix on a line
    with the same text in the same file: positions move when a fix inserts lines."""
    true_keys = [
        f for f in result.findings
        if classification.get(harness.finding_key(result.project.name, f), {}).get("verdict") == "true"
    ]
    offered = [f for f in true_keys if harness.fix_tier(f) in ("safe", "unsafe")]
    if result.unsafe is None:
        return len(true_keys), len(offered), 0
    baseline_tree = harness.WORK / "trees" / result.project.name / "baseline"
    left = Counter(harness.site_signature(f, result.unsafe.tree) for f in result.unsafe.findings_after)
    gone = 0
    for finding in offered:
        signature = harness.site_signature(finding, baseline_tree)
        if left[signature]:
            left[signature] -= 1
        else:
            gone += 1
    return len(true_keys), len(offered), gone


def render(results, check, classification, identity, elapsed, problems, key_reuse, full_run) -> str:
    lines: list[str] = []
    add = lines.append
    tested = [r for r in results if r.project.runs_tests]
    legacy = [r for r in results if not r.project.runs_tests]
    add("# rekey on real projects: results")
    add("")
    add(f"Written by `scripts/realworld` on {datetime.date.today().isoformat()} with {identity}; "
        f"{len(results)} projects in {elapsed / 60:.1f} min"
        f"{'' if full_run else ' (a partial run: not every project or step)'}"
        f"{'; the key-reuse runs were on' if key_reuse else '; without the key-reuse runs'}. "
        "How it is measured: [README](README.md).")
    add("")

    add("## Projects whose tests are run")
    add("")
    add("Tests columns: passed/collected in the baseline copy, then of the baseline's passing tests how "
        "many still pass after `rekey fix`, after `rekey fix --unsafe-fixes`, and after `rekey fix FILE` "
        "on the one file named (pre-commit style).")
    add("")
    add("| project | .py files | findings | by rule | safe fixes applied | unsafe run: fixes applied | "
        "hand migrations left | fixes refused | tests baseline | after safe | after unsafe | pre-commit file | after pre-commit |")
    add("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for r in tested:
        base = r.tests.get("baseline")
        unsafe_summary = r.unsafe.report.get("summary", {}) if r.unsafe else {}
        hand = unsafe_summary.get("hand_migrations", "–")
        refused = unsafe_summary.get("fixes_not_applied", "–")
        precommit = f"`{r.project.precommit_file}` ({r.precommit_tier})" if r.project.precommit_file else "–"
        add(f"| {r.project.name} {r.project.version} | {r.python_files} | {len(r.findings)} | {_by_code(r.findings)} | "
            f"{_fixes_applied(r.safe)} | {_fixes_applied(r.unsafe)} | {hand} | {refused} | {_tests_cell(base)} | "
            f"{_tests_cell(r.tests.get('safe'), base)} | {_tests_cell(r.tests.get('unsafe'), base)} | {precommit} | "
            f"{_tests_cell(r.tests.get('precommit'), base)} |")
    add("")
    if legacy:
        add("## Check-only projects (findings classified, tests not run)")
        add("")
        add("| project | .py files | findings | by rule | safe fix offered | unsafe fix offered | no fix |")
        add("|---|---:|---:|---|---:|---:|---:|")
        for r in legacy:
            tiers = Counter(harness.fix_tier(f) for f in r.findings)
            add(f"| {r.project.name} {r.project.version} | {r.python_files} | {len(r.findings)} | "
                f"{_by_code(r.findings)} | {tiers['safe']} | {tiers['unsafe']} | "
                f"{tiers['none'] + tiers['display-only']} |")
        add("")

    add("## Targets (issue 8)")
    add("")
    false_alarms, classified = check.precision()
    true_total = offered = gone = 0
    for r in tested:
        t, o, g = true_findings_fixed(r, classification)
        true_total, offered, gone = true_total + t, offered + o, gone + g
    safe_broken = sum(len(r.safe_broken) for r in tested)
    compile_broken = sum(len(o.compile_errors) for r in tested for o in (r.safe, r.unsafe, r.precommit) if o)
    unsafe_errors = sum(len(r.unsafe_errors) for r in tested)
    precommit_broken = sum(len(r.precommit_broken) for r in tested)
    add("| measure | value | target |")
    add("|---|---:|---:|")
    add(f"| precision (1 − false alarms / classified findings still reported) | "
        f"{_percent(classified - false_alarms, classified)} ({false_alarms} false alarms of {classified}) | ≥ 97% |")
    add(f"| true findings fixed automatically (projects with tests; gone after `fix --unsafe-fixes`) | "
        f"{_percent(gone, true_total)} ({gone} of {true_total}; a fix offered for {offered}) | ≥ 75% |")
    add(f"| baseline-passing tests broken by safe fixes | {safe_broken} | 0 |")
    add(f"| rewritten files that do not compile | {compile_broken} | 0 |")
    add(f"| baseline-passing tests that error after unsafe fixes | {unsafe_errors} | 0 |")
    add(f"| baseline-passing tests broken by `rekey fix FILE` alone | {precommit_broken} | 0 |")
    if key_reuse:
        introduced = sum(len(r.key_reuse_after - r.key_reuse_before) for r in tested)
        removed = sum(len(r.key_reuse_before - r.key_reuse_after) for r in tested)
        add(f"| tests raising KeyReuseError only after unsafe fixes | {introduced} | 0 |")
        add(f"| tests raising KeyReuseError only before unsafe fixes (fixed) | {removed} | – |")
    add("")

    if key_reuse:
        add("## Under JAX's key-reuse checker")
        add("")
        add("The baseline and unsafe copies' tests again, with typed keys and `jax_debug_key_reuse` "
            "(`key_reuse_plugin.py`). A test still raising after the unsafe fixes reuses a key rekey "
            "did not fix: a missed or unfixed reuse.")
        add("")
        add("| project | raising before | raising after unsafe fixes | fixed | introduced | still raising |")
        add("|---|---:|---:|---:|---:|---|")
        for r in tested:
            if "baseline+reuse" not in r.tests:
                continue
            still = sorted(r.key_reuse_before & r.key_reuse_after)
            add(f"| {r.project.name} | {len(r.key_reuse_before)} | {len(r.key_reuse_after)} | "
                f"{len(r.key_reuse_before - r.key_reuse_after)} | {len(r.key_reuse_after - r.key_reuse_before)} | "
                + ", ".join(f"`{t}`" for t in still) + " |")
        add("")

    add("## Precision by rule and project")
    add("")
    projects = sorted({p for p, _ in check.counts})
    codes = sorted({c for _, c in check.counts})
    add("Cells: false alarms / classified findings (intended reuse counts as correct).")
    add("")
    add("| project | " + " | ".join(codes) + " | all | precision |")
    add("|---|" + "---:|" * (len(codes) + 2))
    for project in projects:
        cells = []
        for code in codes:
            fa, n = check.precision(project, code)
            cells.append(f"{fa}/{n}" if n else "")
        fa, n = check.precision(project)
        add(f"| {project} | " + " | ".join(cells) + f" | {fa}/{n} | {_percent(n - fa, n)} |")
    cells = []
    for code in codes:
        fa, n = check.precision(code=code)
        cells.append(f"{fa}/{n} ({_percent(n - fa, n)})")
    add("| **all** | " + " | ".join(cells) + f" | {false_alarms}/{classified} | {_percent(classified - false_alarms, classified)} |")
    add("")
    verdicts = Counter()
    for cell in check.counts.values():
        verdicts.update(cell)
    add(f"Verdicts over classified findings still reported: true {verdicts['true']}, intended "
        f"{verdicts['intended']}, false alarm {verdicts['false-alarm']}. Unclassified findings: "
        f"{len(check.unclassified)} (projects sampled, not fully classified, have some by design). "
        f"Classified findings no longer reported: "
        + (", ".join(f"{verdict} {len(keys)}" for verdict, keys in sorted(check.vanished.items())) or "none")
        + ".")
    add("")
    for verdict, keys in sorted(check.vanished.items()):
        add(f"- vanished ({verdict}): " + ", ".join(f"`{k}`" for k in keys[:20])
            + (f" and {len(keys) - 20} more" if len(keys) > 20 else ""))
    if check.vanished:
        add("")

    add("## False-alarm classes")
    add("")
    add("From the hand classification (`classification.json`, field `class`), over findings still reported.")
    add("")
    current_keys = {harness.finding_key(r.project.name, f) for r in results for f in r.findings}
    by_class = defaultdict(list)
    for key, entry in classification.items():
        if entry["verdict"] == "false-alarm" and key in current_keys:
            by_class[entry.get("class", "unclassed")].append(entry)
    add("| class | count | example | why it is false |")
    add("|---|---:|---|---|")
    for name, entries in sorted(by_class.items(), key=lambda item: -len(item[1])):
        example = entries[0]
        add(f"| {name} | {len(entries)} | `{example['project']}` `{example['path']}:{example['line']}` "
            f"({example['code']}) | {example['reason']} |")
    add("")

    add("## Broken tests and other failed judgements")
    add("")
    if not problems:
        add("None.")
    for problem in problems:
        add(f"- {problem}")
    add("")
    expected = defaultdict(list)
    for r in tested:
        for test, reason in r.unsafe_value_changes_expected.items():
            expected[(r.project.name, reason)].append(test)
    if expected:
        add("## Tests whose values changed after unsafe fixes, as expected (`expectations.toml`)")
        add("")
        add(f"{sum(len(tests) for tests in expected.values())} tests, by reason:")
        add("")
        for (name, reason), tests in sorted(expected.items()):
            add(f"- {name}, {len(tests)} test{'s' if len(tests) > 1 else ''} (`{tests[0]}`"
                f"{' …' if len(tests) > 1 else ''}): {reason}")
        add("")

    add("## Per project: fix runs")
    add("")
    for r in tested:
        add(f"### {r.project.name} {r.project.version}")
        add("")
        add(f"{r.project.note}")
        add("")
        add(f"- tests: `pytest {' '.join(r.project.tests)}`")
        for label in ("safe", "unsafe", "precommit"):
            outcome = getattr(r, label)
            if outcome is None:
                continue
            summary = outcome.report.get("summary", {})
            add(f"- `rekey {' '.join(outcome.command)}`: exit {outcome.returncode}, {len(outcome.changed)} files "
                f"changed, fixes applied {summary.get('fixes_applied_by_code', {})}, sites left "
                f"{summary.get('sites_left', '?')} (hand migrations {summary.get('hand_migrations', '?')}, "
                f"fixes not applied {summary.get('fixes_not_applied', '?')}), rounds {summary.get('rounds', '?')}"
                + (f"; still fixable after it: {len(outcome.fixable_left)}" if outcome.fixable_left else ""))
        for label, run in r.tests.items():
            counts = run.counts()
            add(f"- pytest ({label}): {counts['passed']} passed, {counts['failed']} failed, {counts['error']} errors, "
                f"{counts['skipped']} skipped in {run.seconds:.0f}s")
        add("")
    return "\n".join(lines)


def as_json(results, check) -> dict:
    """The same run as data, for tools (not committed: .realworld/results.json)."""
    projects = {}
    for r in results:
        projects[r.project.name] = {
            "version": r.project.version,
            "python_files": r.python_files,
            "findings": len(r.findings),
            "by_code": dict(Counter(f["code"] for f in r.findings)),
            "fixes": {
                label: {"changed": o.changed, "summary": o.report.get("summary", {}),
                        "compile_errors": o.compile_errors, "fixable_left": o.fixable_left}
                for label in ("safe", "unsafe", "precommit") if (o := getattr(r, label)) is not None
            },
            "tests": {label: {"seconds": round(run.seconds, 1), **run.counts()} for label, run in r.tests.items()},
            "safe_broken": r.safe_broken,
            "unsafe_errors": r.unsafe_errors,
            "unsafe_value_changes_expected": r.unsafe_value_changes_expected,
            "unsafe_value_changes_unexpected": r.unsafe_value_changes_unexpected,
            "precommit_broken": r.precommit_broken,
            "key_reuse_before": sorted(r.key_reuse_before),
            "key_reuse_after": sorted(r.key_reuse_after),
            "problems": r.problems,
        }
    return {"projects": projects, "unclassified": check.unclassified, "vanished": check.vanished}
