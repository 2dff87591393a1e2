"""Every fixture through the built binary: golden diff, real patch clients, idempotence, findings.

For each case under `Fixtures/<GROUP>/<case>/` (see Tests/jax/fixture_cases.py), with the case's
`args`:
1. golden — single file: `rekey diff before.py` (cwd = a temp copy) exits 0; for a report-only
   case it prints nothing; otherwise `git apply --check` and `patch -p1 --dry-run` accept the diff
   and applying it with `git apply` and with `patch -p1` each yields after.py byte for byte.
   Package-shaped: `rekey diff <args> .` with cwd = a temp copy of `before/`; the same checks, and
   applying the diff to fresh copies of `before/` must give `after/` exactly: every file byte for
   byte, no file missing, none extra (no rejects, no backups). A case marked `pending` is an
   expected failure (strict: once rekey produces the golden, the marker must go);
2. idempotent — `rekey diff after.py` (`rekey diff .` in a copy of `after/`) prints nothing;
3. findings — `rekey check before.py` prints exactly `findings.txt` when the case has one, and exits
   1 when that is not empty, 0 when it is (a negative case); a case of a rule group (`RK004`)
   without findings.txt must exit 1 with a first line `before.py:LINE:COL: RULE message`; a case of
   a pass group (`THREAD`, `SPLIT`) must exit 1 with a finding of one of the pass's rules.
   `rekey check after.py` (`rekey check .` in `after/`) exits 0 when the fix removed the problem.
"""

from __future__ import annotations

import json
from collections import Counter
import re
import shutil
from pathlib import Path

import pytest

from fixture_cases import FixtureCase, discover, tree_files
from rekey_cli import assert_diff_status, assert_patch_applies, checked_rekey_path, copy_as, git_apply, patch_apply, rekey_path_or_skip, run_rekey

REKEY = checked_rekey_path(rekey_path_or_skip())

CASES = discover(trees=True)
FIXED_CASES = [case for case in CASES if not case.report_only]
# What the binary says of itself (`rekey rule --all --format json`): the rule codes, and the rules
# each pass with a fixture group of its own rewrites (a pass group's before must have a finding of
# one of them).
CATALOGUE = json.loads(run_rekey(REKEY, ["rule", "--all", "--format", "json"], cwd=Path.cwd()).stdout)
RULE_CODES = {rule["code"] for rule in CATALOGUE["rules"]}
PASS_RULES = {p["fixture_group"]: tuple(p["rules"]) for p in CATALOGUE["passes"] if p["fixture_group"]}
ids = lambda case: case.id  # noqa: E731


def golden(case: FixtureCase):
    """The case as a parameter of a golden test: a `pending` case is a strict expected failure."""
    if case.pending:
        return pytest.param(case, id=case.id, marks=pytest.mark.xfail(reason=case.pending_reason, strict=True))
    return pytest.param(case, id=case.id)


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc"))
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in tree_files(root).items()}


def assert_trees_equal(got: Path, expected: Path, what: str) -> None:
    got_files, expected_files = snapshot(got), snapshot(expected)
    missing = sorted(expected_files.keys() - got_files.keys())
    extra = sorted(got_files.keys() - expected_files.keys())
    assert not missing and not extra, f"{what}: files missing {missing}, files extra {extra}"
    for name, content in expected_files.items():
        assert got_files[name] == content, (
            f"{what}: {name} differs from the expected file\n--- got\n{got_files[name].decode(errors='replace')}"
            f"\n--- expected\n{content.decode(errors='replace')}"
        )


def test_fixtures_are_found():
    assert CASES, "no fixture case found under Fixtures/*/*/ (before.py + after.py, or before/ + after/)"


def test_every_fixture_group_is_a_rule_or_a_pass():
    # A group neither names would have its findings checked against nothing.
    unknown = sorted({case.rule for case in CASES} - RULE_CODES - PASS_RULES.keys())
    assert not unknown, f"fixture groups that are neither a rule code nor a pass's group: {unknown}"


@pytest.mark.parametrize("case", [golden(case) for case in CASES])
def test_diff_yields_after(case: FixtureCase, rekey: Path, tmp_path: Path):
    if case.is_tree:
        assert_tree_diff_yields_after(case, rekey, tmp_path)
        return
    work = tmp_path / "work"
    copy_as(case.before, work, "before.py")
    result = run_rekey(rekey, ["diff", "before.py", *case.extra_args], cwd=work)
    assert_diff_status(result)
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


def assert_tree_diff_yields_after(case: FixtureCase, rekey: Path, tmp_path: Path) -> None:
    work = copy_tree(case.before, tmp_path / "work")
    result = run_rekey(rekey, ["diff", *case.extra_args, "."], cwd=work)
    assert_diff_status(result)
    assert snapshot(work) == snapshot(case.before), "`rekey diff` modified the tree"
    if case.report_only:
        assert result.stdout == "", f"report-only case: rekey must leave the tree alone\n{result.describe()}"
        return
    assert result.stdout, f"expected a diff turning before/ into after/\n{result.describe()}"
    diff = result.stdout.encode("utf-8", errors="surrogateescape")
    patch_file = tmp_path / "rekey.diff"
    patch_file.write_bytes(diff)
    for client in ("git", "patch"):
        tree = copy_tree(case.before, tmp_path / f"tree-{client}")
        if client == "git":
            check, apply = (git_apply(patch_file, tree, check_only=flag) for flag in (True, False))
        else:
            check = patch_apply(patch_file, tree, dry_run=True)
            # patch reports hunks found at another line as "offset": the hunk headers are wrong.
            assert "offset" not in check.stdout, f"patch needed offsets (wrong hunk headers):\n{check.stdout}"
            apply = patch_apply(patch_file, tree, dry_run=False)
        assert check.returncode == 0, (
            f"{client} refuses the diff (check):\n{check.stdout}{check.stderr}\n--- diff\n{result.stdout}"
        )
        assert apply.returncode == 0, f"{client} failed to apply the diff:\n{apply.stdout}{apply.stderr}"
        assert_trees_equal(tree, case.after, f"applying the diff with {client}")


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_diff_is_idempotent(case: FixtureCase, rekey: Path, tmp_path: Path):
    if case.is_tree:
        work = copy_tree(case.after, tmp_path / "work")
        result = run_rekey(rekey, ["diff", *case.extra_args, "."], cwd=work)
    else:
        copy_as(case.after, tmp_path, "after.py")
        result = run_rekey(rekey, ["diff", "after.py", *case.extra_args], cwd=tmp_path)
    assert_diff_status(result)
    assert result.stdout == "", f"rekey changes its own output again\n{result.describe()}"


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_check_reports_before(case: FixtureCase, rekey: Path, tmp_path: Path):
    if case.is_tree:
        work, target = copy_tree(case.before, tmp_path / "work"), "."
    else:
        work, target = tmp_path, "before.py"
        copy_as(case.before, work, target)
    result = run_rekey(rekey, ["check", target, *case.extra_args], cwd=work)
    if case.findings is not None:
        expected = case.findings.read_text(encoding="utf-8")
        assert result.stdout == expected, result.describe()
        status = 1 if expected else 0
        assert result.returncode == status, f"expected exit {status}\n{result.describe()}"
        # A positive case is about its folder's rule: that rule must be among its findings.
        if expected and case.is_rule_group:
            assert re.search(rf"^\S+\.py:\d+:\d+: {re.escape(case.rule)} \S", expected, re.MULTILINE), (
                f"findings.txt has no {case.rule} finding"
            )
        return
    assert result.returncode == 1, f"expected exit 1 (a finding)\n{result.describe()}"
    if case.is_rule_group:
        first = result.stdout.splitlines()[0] if result.stdout else ""
        assert re.match(rf"\S+\.py:\d+:\d+: {re.escape(case.rule)} \S", first), (
            f"first line is not 'before.py:LINE:COL: {case.rule} message'\n{result.describe()}"
        )
        return
    codes = PASS_RULES.get(case.rule)
    found = set(re.findall(r"^\S+\.py:\d+:\d+: (RK\d+) \S", result.stdout, re.MULTILINE))
    assert found, f"no finding line 'path:LINE:COL: CODE message'\n{result.describe()}"
    if codes is not None:
        assert found & set(codes), f"{case.id}: no finding of {', '.join(codes)} (found {sorted(found)})\n{result.describe()}"


def hand_migrations(rekey: Path, root: Path, target: str, extra_args: list[str]) -> tuple[set, list]:
    """`check` on `target`: the (code, reason) of each finding left for hand migration, and the
    findings that still have a fix."""
    result = run_rekey(rekey, ["check", "--output-format", "json", target, *extra_args], cwd=root)
    assert result.returncode in (0, 1), result.describe()
    findings = json.loads(result.stdout)["findings"]
    manual = [(f["code"], f["manual_reason"]) for f in findings if f["fix"] is None]
    return manual, [f for f in findings if f["fix"] is not None]


@pytest.mark.parametrize("case", FIXED_CASES, ids=ids)
def test_check_is_clean_after_fix(case: FixtureCase, rekey: Path, tmp_path: Path):
    """After the fix nothing fixable is left; what is left was reported for hand migration before."""
    before_root, after_root = tmp_path / "before", tmp_path / "after"
    if case.is_tree:
        copy_tree(case.before, before_root)
        copy_tree(case.after, after_root)
        before_target = after_target = "."
    else:
        before_target, after_target = "before.py", "after.py"
        copy_as(case.before, before_root, before_target)
        copy_as(case.after, after_root, after_target)
    manual_before, _ = hand_migrations(rekey, before_root, before_target, case.extra_args)
    manual_after, fixable = hand_migrations(rekey, after_root, after_target, case.extra_args)
    assert not fixable, f"{case.id}: after still has findings with a fix: {fixable}"
    # By rule, not by reason: another fix may take a site further, so that something else stops it.
    more = Counter(code for code, _ in manual_after) - Counter(code for code, _ in manual_before)
    assert not more, (
        f"{case.id}: after has more findings for hand migration than before ({dict(more)}): "
        f"before {manual_before}, after {manual_after}")
