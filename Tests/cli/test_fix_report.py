"""`rekey diff|fix --report FILE`: every site left unconverted, with its reason, and the run's
summary, as JSON (.json) or Markdown (.md), end to end through the built binary.

The reports are compared with `rekey check --output-format json` run on the rewritten tree: the
sites must be exactly the findings left there, each with the reason its remedy gives. The Markdown
tables are read back with a GFM cell splitter and with markdown-it-py, so an unescaped `|` or line
break in a message would show up as a wrong cell.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from rekey_cli import Result, assert_diff_status, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

# A hand migration (a lambda reading a key derived at import time) and an unsafe fix (a key used
# twice) whose message quotes a callee containing `|`.
MIXED = '''\
import jax
import jax.random as jr

_, PERTURB_KEY = jr.split(jr.PRNGKey(3))

perturb = lambda x, eps=0.01: x + eps * jr.normal(PERTURB_KEY, x.shape)


def sample(key, flag):
    a = (jax.random.normal if flag | 1 else jax.random.uniform)(key, (2,))
    b = jax.random.uniform(key, (2,))
    return a + b
'''

# A safe fix: the seed guide's MyLayer, whose import-time key moves into the entry point.
SAFE = '''\
import jax, equinox as eqx, jax.numpy as jnp

key = jax.random.PRNGKey(0)
class MyLayer(eqx.Module):
    w: jax.Array = eqx.field(init=False)
    def __init__(self):
        self.w = jax.random.normal(key, (128, 128))


if __name__ == "__main__":
    layer = MyLayer()
    print(layer.w.shape)
'''


def make_tree(root: Path) -> Path:
    """`root/pkg/{mixed,safe}.py`; rekey runs in `root` on `pkg`, so every path is `pkg/…`."""
    package = root / "pkg"
    package.mkdir(parents=True)
    (package / "mixed.py").write_text(MIXED, encoding="utf-8")
    (package / "safe.py").write_text(SAFE, encoding="utf-8")
    return root


def rekey_ok(rekey: Path, cwd: Path, *args: str) -> Result:
    """A run that succeeds: `diff` exits 1 when its patch is not empty, the others 0."""
    result = run_rekey(rekey, list(args), cwd=cwd)
    if args[0] == "diff":
        assert_diff_status(result)
    else:
        assert result.returncode == 0, result.describe()
    return result


def findings_after_fix(rekey: Path, tmp_path: Path, *fix_args: str) -> list[dict]:
    """The findings `rekey check` reports on a copy of the tree after `rekey fix`."""
    root = make_tree(tmp_path / "fixed")
    rekey_ok(rekey, root, "fix", *fix_args, "pkg")
    result = run_rekey(rekey, ["check", "--output-format", "json", "pkg"], cwd=root)
    assert result.returncode in (0, 1), result.describe()
    return json.loads(result.stdout)["findings"]


def site_key(entry: dict) -> tuple:
    return (entry["path"], entry["start"]["line"], entry["start"]["column"],
            entry["end"]["line"], entry["end"]["column"], entry["code"], entry["message"])


def expected_kind(finding: dict, unsafe_fixes: bool) -> tuple[str, str | None]:
    fix = finding["fix"]
    if fix is None:
        return "hand-migration", None
    if fix["applicability"] == "display-only":
        return "hand-migration", "display-only"
    if fix["applicability"] == "unsafe" and not unsafe_fixes:
        return "unsafe-fix", "unsafe"
    return "fix-not-applied", fix["applicability"]


def assert_sites_match(report: dict, findings: list[dict], unsafe_fixes: bool) -> None:
    sites = report["sites"]
    assert [site_key(s) for s in sites] == [site_key(f) for f in findings], (
        "the report's sites are not the findings `check` reports after fixing\n"
        f"report: {[site_key(s) for s in sites]}\ncheck:  {[site_key(f) for f in findings]}"
    )
    for site, finding in zip(sites, findings):
        assert site["name"] == finding["name"]
        kind, available = expected_kind(finding, unsafe_fixes)
        assert (site["kind"], site["fix_available"]) == (kind, available), (site, finding)
        if kind == "hand-migration" and finding["fix"] is None:
            assert site["reason"] == finding["manual_reason"]
        elif kind == "unsafe-fix":
            assert "--unsafe-fixes" in site["reason"] and site["reason"].endswith(finding["fix"]["title"])
        elif kind == "fix-not-applied":
            assert "not applied" in site["reason"] and "--unsafe-fixes" not in site["reason"]
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding["code"]] = counts.get(finding["code"], 0) + 1
    summary = report["summary"]
    assert summary["sites_left_by_code"] == counts
    assert list(summary["sites_left_by_code"]) == sorted(counts), "by code, in code order"
    assert summary["sites_left"] == len(sites)
    by_kind = {kind: sum(s["kind"] == kind for s in sites) for kind in ("hand-migration", "unsafe-fix", "fix-not-applied")}
    assert (summary["hand_migrations"], summary["unsafe_fixes_not_applied"], summary["fixes_not_applied"]) == (
        by_kind["hand-migration"], by_kind["unsafe-fix"], by_kind["fix-not-applied"])


# --- every finding accounted for once -------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[2] / "Fixtures"
SUMMARY_LINE = re.compile(
    r"^rekey: (\d+) findings?: (\d+) fixed(?: by the patch)?(?: \(([^)]*)\))?, (\d+) left(?:: (.*?))?\. ", flags=re.M)


@pytest.mark.parametrize("tree", ["mixed-package", "all-fixtures"])
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_every_finding_is_accounted_for_exactly_once(tree: str, unsafe: bool, rekey: Path, tmp_path: Path):
    """The summary's numbers add up to the findings `check` reports: each one fixed (by its own
    safe or unsafe fix, or by another fix) or left with its kind; what the rewrite exposes is
    counted apart, as new sites."""
    if tree == "mixed-package":
        root, target = make_tree(tmp_path / "tree"), "pkg"
    else:
        root, target = tmp_path / "tree", "Fixtures"
        shutil.copytree(FIXTURES, root / target)
    flags = ["--unsafe-fixes"] if unsafe else []
    checked = run_rekey(rekey, ["check", "--output-format", "json", *flags, target], cwd=root)
    assert checked.returncode == 1, checked.describe()
    findings = json.loads(checked.stdout)["findings"]
    result = rekey_ok(rekey, root, "diff", *flags, "--report", "report.json", target)
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    summary, sites = report["summary"], report["sites"]

    assert summary["findings"] == len(findings)
    assert summary["fixed"] == summary["fixed_safe"] + summary["fixed_unsafe"] + summary["fixed_by_other_fixes"]
    assert summary["fixed"] + summary["left"] == summary["findings"], summary
    assert summary["left"] + summary["new_sites"] == summary["sites_left"] == len(sites), summary
    assert sum(not s["new"] for s in sites) == summary["left"]
    assert summary["fixed"] > 0 and summary["left"] > 0, "the tree should have findings of both fates"
    if not unsafe:
        assert summary["fixed_unsafe"] == 0
    # A site left is one of the findings as read: same file and rule.
    as_read = {(f["path"], f["code"]) for f in findings}
    assert all((s["path"], s["code"]) in as_read for s in sites if not s["new"])

    # The line on standard error says the same, and its parts add up.
    line = SUMMARY_LINE.search(result.stderr)
    assert line, result.stderr
    total, fixed, fixed_parts, left, left_parts = line.groups()
    assert (int(total), int(fixed), int(left)) == (summary["findings"], summary["fixed"], summary["left"])
    assert sum(int(part.split()[0]) for part in (fixed_parts or "").split(", ") if part) == int(fixed)
    assert sum(int(part.split()[0]) for part in re.split(r", (?=\d)", left_parts or "") if part) == int(left)


# --- the fixes made ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["diff", "fix"])
def test_fixes_made_are_listed_in_both_reports_and_by_show_fixes(command: str, rekey: Path, tmp_path: Path):
    """`--show-fixes` on standard error, `fixes` in the JSON report and "Fixes made" in the Markdown
    one list the same fixes, as many as the summary counts: the Markdown report is a pull-request
    body that says what changed as well as what is left."""
    root = make_tree(tmp_path / "tree")
    result = rekey_ok(rekey, root, command, "--unsafe-fixes", "--show-fixes", "--report", "report.json", "pkg")
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    fixes = report["fixes"]
    assert len(fixes) == report["summary"]["fixes_applied"] > 0, report
    for code, count in report["summary"]["fixes_applied_by_code"].items():
        assert sum(1 for fix in fixes if fix["code"] == code) == count
    assert {fix["applicability"] for fix in fixes} == {"safe", "unsafe"}, fixes
    assert all(fix["title"] and fix["path"] in fix["files"] for fix in fixes), fixes

    shown = re.findall(r"^    (\d+) × (RK\d+) [a-z-]+: (.+) \[(safe|unsafe)\]$", result.stderr, flags=re.M)
    assert sum(int(count) for count, *_ in shown) == len(fixes), result.describe()
    assert {(code, title) for _, code, title, _ in shown} == {(fix["code"], fix["title"]) for fix in fixes}

    markdown_root = make_tree(tmp_path / "markdown")
    rekey_ok(rekey, markdown_root, command, "--unsafe-fixes", "--report", "report.md", "pkg")
    text = (markdown_root / "report.md").read_text(encoding="utf-8")
    section = text.split("## Fixes made", 1)[1].split("## Sites left", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert sum(int(row.rstrip(" |").rsplit("|", 1)[1]) for row in rows) == len(fixes), section


def test_show_fixes_lists_nothing_when_nothing_is_fixed(rekey: Path, tmp_path: Path):
    root = tmp_path / "clean"
    root.mkdir()
    (root / "m.py").write_text("import jax\n\n\ndef f(key):\n    return jax.random.normal(key)\n", encoding="utf-8")
    result = rekey_ok(rekey, root, "diff", "--show-fixes", "m.py")
    assert result.stderr == "rekey: 0 findings, nothing to fix.\n", result.describe()


# --- JSON ---------------------------------------------------------------------------------------


def test_diff_json_report_lists_hand_migrations_and_unsafe_fixes(rekey: Path, tmp_path: Path):
    root = make_tree(tmp_path / "diff")
    plain = rekey_ok(rekey, root, "diff", "pkg")
    result = rekey_ok(rekey, root, "diff", "--report", "report.json", "pkg")
    assert result.stdout == plain.stdout, "--report must not change the patch on standard output"
    assert result.stdout.startswith("diff --git "), result.describe()
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))

    assert report["version"] == "1" and report["tool"]["name"] == "rekey"
    assert report["command"] == "diff" and report["unsafe_fixes"] is False
    findings = findings_after_fix(rekey, tmp_path)
    assert_sites_match(report, findings, unsafe_fixes=False)

    # The cases this tree was written for, with their reasons.
    sites = report["sites"]
    manual = [s for s in sites if s["path"] == "pkg/mixed.py" and s["code"] == "RK003"]
    assert manual and manual[0]["kind"] == "hand-migration" and manual[0]["fix_available"] is None
    assert manual[0]["reason"], "a hand migration says what to do"
    unsafe = [s for s in sites if s["path"] == "pkg/mixed.py" and s["code"] == "RK004"]
    assert unsafe and unsafe[0]["kind"] == "unsafe-fix" and unsafe[0]["fix_available"] == "unsafe"
    assert "not applied without --unsafe-fixes" in unsafe[0]["reason"]
    assert (unsafe[0]["start"]["line"], unsafe[0]["start"]["column"]) == (11, 9)

    summary = report["summary"]
    patched = re.findall(r"^diff --git a/(\S+) ", result.stdout, flags=re.M)
    assert summary["files_changed"] == len(patched) and report["changed_files"] == patched
    assert "pkg/safe.py" in patched and "pkg/mixed.py" not in patched
    assert summary["fixes_applied_by_code"].get("RK001", 0) >= 1
    assert summary["fixes_applied"] == sum(summary["fixes_applied_by_code"].values())
    assert summary["fixed_point"] is True

    # The stderr summary says the same.
    applied = ", ".join(f"{code}: {count}" for code, count in summary["fixes_applied_by_code"].items())
    fixes = summary["fixes_applied"]
    assert f"{fixes} fix{'es' if fixes != 1 else ''} in {len(patched)} file" in result.stderr, result.stderr
    assert f"({applied})" in result.stderr and f": {summary['fixed']} fixed by the patch" in result.stderr, result.stderr
    assert f"{summary['hand_migrations']} for hand migration" in result.stderr
    n = summary["unsafe_fixes_not_applied"]
    assert f"{n} unsafe fix{'es' if n != 1 else ''} not applied (rerun with --unsafe-fixes)" in result.stderr, result.stderr


def test_fix_json_report_with_unsafe_fixes(rekey: Path, tmp_path: Path):
    root = make_tree(tmp_path / "fix")
    result = rekey_ok(rekey, root, "fix", "--unsafe-fixes", "--report", "report.json", "pkg")
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    assert report["command"] == "fix" and report["unsafe_fixes"] is True
    # `fix` wrote the files: `check` on this very tree sees what the report lists.
    after = run_rekey(rekey, ["check", "--output-format", "json", "--unsafe-fixes", "pkg"], cwd=root)
    assert_sites_match(report, json.loads(after.stdout)["findings"], unsafe_fixes=True)
    assert report["summary"]["unsafe_fixes_not_applied"] == 0
    assert not any(s["kind"] == "unsafe-fix" for s in report["sites"])
    assert report["summary"]["fixes_applied_by_code"].get("RK004", 0) >= 1
    assert not any(s["code"] == "RK004" for s in report["sites"]), "the unsafe RK004 fix was applied"
    # Enabled: the summary must not tell the user to pass a flag they passed.
    assert "--unsafe-fixes" not in result.stderr, result.stderr
    assert re.search(r"^rekey: \d+ findings: \d+ fixed \(", result.stderr, flags=re.M), result.stderr
    assert "for hand migration" in result.stderr


# --- Markdown -----------------------------------------------------------------------------------


def split_gfm_row(line: str) -> list[str]:
    """A GFM table row's cells: split at pipes not escaped by a backslash, then unescape `\\|`."""
    assert line.startswith("|") and line.endswith("|"), line
    cells, current, index = [], "", 1
    while index < len(line) - 1:
        char = line[index]
        if char == "\\" and index + 1 < len(line) - 1:
            current += line[index:index + 2]
            index += 2
            continue
        if char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
        index += 1
    cells.append(current)
    return [unescape_cell(cell.strip().replace("\\|", "|")) for cell in cells]


def unescape_cell(cell: str) -> str:
    """The text a cell shows, with code spans kept as written: outside code spans a backslash
    before ASCII punctuation is dropped and `<br>` is a line break."""
    out, index = "", 0
    while index < len(cell):
        if cell[index] == "`":
            run = len(cell[index:]) - len(cell[index:].lstrip("`"))
            fence = "`" * run
            close = re.compile(rf"(?<!`){fence}(?!`)").search(cell, index + run)
            if close:
                out += cell[index:close.end()]
                index = close.end()
                continue
            out += fence
            index += run
        elif cell[index] == "\\" and index + 1 < len(cell) and cell[index + 1] in PUNCTUATION:
            out += cell[index + 1]
            index += 2
        elif cell.startswith("<br>", index):
            out += "\n"
            index += 4
        else:
            out += cell[index]
            index += 1
    return out


PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def markdown_site_rows(text: str) -> list[tuple[str, list[str]]]:
    """(path, cells) of every row of the per-file tables."""
    rows, path = [], None
    for line in text.splitlines():
        heading = re.fullmatch(r"### `(.+)`", line)
        if heading:
            path = heading[1]
        elif path and re.match(r"^\| \d+:\d+ \|", line):
            rows.append((path, split_gfm_row(line)))
    return rows


def test_fix_markdown_report(rekey: Path, tmp_path: Path):
    root = make_tree(tmp_path / "md")
    result = rekey_ok(rekey, root, "fix", "--report", "report.md", "pkg")
    text = (root / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# rekey fix report\n"), text[:200]
    after = run_rekey(rekey, ["check", "--output-format", "json", "pkg"], cwd=root)
    findings = json.loads(after.stdout)["findings"]

    rows = markdown_site_rows(text)
    assert len(rows) == len(findings), f"one row per site left\n{text}"
    assert any("|" in f["message"] for f in findings), "the tree should yield a message with a pipe"
    for (path, cells), finding in zip(rows, findings):
        assert len(cells) == 4, f"a row split into {len(cells)} cells: {cells}"
        position = f"{finding['start']['line']}:{finding['start']['column']}"
        assert [path, cells[0], cells[1]] == [finding["path"], position, finding["code"]]
        # Code spans are kept as they are; the pipes inside them are escaped in the file.
        assert cells[2] == finding["message"]
        if finding["fix"] is None:
            assert cells[3] == finding["manual_reason"]
        else:
            assert "--unsafe-fixes" in cells[3]

    # The summary table, per rule, and the stderr summary.
    for code in {f["code"] for f in findings}:
        left = sum(f["code"] == code for f in findings)
        assert re.search(rf"^\| {code} \| [a-z-]+ \| \d+ \| {left} \|$", text, flags=re.M), f"{code} row\n{text}"
    assert re.search(r"^\| RK001 \| import-time-key \| [1-9]\d* \| \d+ \|$", text, flags=re.M), text
    hand = sum(f["fix"] is None for f in findings)
    assert f"- sites left for hand migration: {hand}\n" in text
    assert "- files changed: 1\n" in text
    assert " applied in 1 file (RK001: " in result.stderr, result.stderr


def test_markdown_report_reads_back_with_markdown_it(rekey: Path, tmp_path: Path):
    markdown_it = pytest.importorskip("markdown_it")
    root = make_tree(tmp_path / "md-it")
    rekey_ok(rekey, root, "diff", "--report", "report.md", "pkg")
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    cells: list[list[str]] = []
    row: list[str] | None = None
    for token in parser.parse((root / "report.md").read_text(encoding="utf-8")):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            cells.append(row)
            row = None
        elif token.type == "inline" and row is not None:
            # What a reader sees: text and code spans, code marked with backticks again.
            row.append("".join(f"`{c.content}`" if c.type == "code_inline" else c.content for c in token.children or []))
    piped = [r for r in cells if len(r) == 4 and "|" in r[2]]
    assert piped, f"no message cell with a pipe survived as one cell: {cells}"
    assert all(len(r) == 4 for r in cells if re.fullmatch(r"\d+:\d+", r[0])), cells


# --- Usage and I/O ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["diff", "fix"])
def test_other_extensions_are_a_usage_error(rekey: Path, tmp_path: Path, command: str):
    root = make_tree(tmp_path / command)
    before = (root / "pkg" / "safe.py").read_bytes()
    result = run_rekey(rekey, [command, "--report", "report.txt", "pkg"], cwd=root)
    assert result.returncode == 2, result.describe()
    assert ".json or .md" in result.stderr and result.stdout == ""
    assert not (root / "report.txt").exists()
    assert (root / "pkg" / "safe.py").read_bytes() == before, "a usage error writes nothing"


def test_unwritable_report_is_exit_2_and_the_patch_is_still_printed(rekey: Path, tmp_path: Path):
    root = make_tree(tmp_path / "unwritable")
    result = run_rekey(rekey, ["diff", "--report", "no/such/dir/report.json", "pkg"], cwd=root)
    assert result.returncode == 2, result.describe()
    assert "no/such/dir/report.json" in result.stderr and "report not written" in result.stderr
    assert result.stdout.startswith("diff --git ")


def test_report_replaces_an_existing_file_atomically(rekey: Path, tmp_path: Path):
    root = make_tree(tmp_path / "replace")
    reports = root / "reports"
    reports.mkdir()
    (reports / "report.json").write_text("stale", encoding="utf-8")
    (reports / "report.json").chmod(0o640)
    rekey_ok(rekey, root, "diff", "--report", "reports/report.json", "pkg")
    assert json.loads((reports / "report.json").read_text(encoding="utf-8"))["command"] == "diff"
    assert (reports / "report.json").stat().st_mode & 0o777 == 0o640, "the report's permissions are kept"
    assert sorted(p.name for p in reports.iterdir()) == ["report.json"], "no temporary file is left"
    shutil.rmtree(reports)
