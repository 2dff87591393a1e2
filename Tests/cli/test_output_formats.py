"""`rekey check --output-format text|json|sarif|github`, suppression comments and --select/--ignore,
end to end through the built binary.

The SARIF logs are validated against the official OASIS SARIF 2.1.0 schema (see sarif_schema.py).
The tests compare formats with each other (JSON against text, GitHub against
JSON), so they hold whatever findings the rules report.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

import sarif_schema
from fixture_cases import FIXTURES_ROOT
from rekey_cli import copy_as, rekey_path_or_skip, run_rekey
from sarif_schema import assert_valid_sarif

rekey_path_or_skip()

MY_LAYER = FIXTURES_ROOT / "RK001" / "my_layer" / "before.py"
SHARED_KEY = FIXTURES_ROOT / "RK001" / "two_classes_shared_key" / "before.py"
FORMATS = ["text", "json", "sarif", "github", "gitlab", "rdjson"]

CLEAN = '''\
import jax


def init(shape, *, key):
    return jax.random.normal(key, shape)
'''

# Multi-byte text before the finding: columns are code points, offsets are bytes.
MULTIBYTE = '''\
import jax

s = "🎲🔑 ünï"; key = jax.random.PRNGKey(0)


def noise(shape):
    return jax.random.normal(key, shape)
'''

SUPPRESSED = '''\
import jax

key = jax.random.PRNGKey(0)  # rekey: ignore
other = jax.random.PRNGKey(1)  # noqa: RK001
third = jax.random.PRNGKey(2)  # noqa: RK004
note = "# noqa"; fourth = jax.random.PRNGKey(3)
x = 1  # rekey: ignore[RK001, RK999]


def noise(shape):
    return jax.random.normal(key, shape) + jax.random.normal(other, shape) + jax.random.normal(third, shape)
'''


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    return sarif_schema.sarif_validator()


def check(rekey: Path, cwd: Path, *args: str, fmt: str = "text", expect: int | None = None):
    result = run_rekey(rekey, ["check", "--output-format", fmt, *args], cwd=cwd)
    if expect is not None:
        assert result.returncode == expect, result.describe()
    return result


def check_json(rekey: Path, cwd: Path, *args: str, expect: int | None = None) -> dict:
    result = check(rekey, cwd, *args, fmt="json", expect=expect)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        pytest.fail(f"--output-format json printed invalid JSON ({error})\n{result.describe()}")


def check_sarif(rekey: Path, cwd: Path, *args: str, expect: int | None = None) -> dict:
    result = check(rekey, cwd, *args, fmt="sarif", expect=expect)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        pytest.fail(f"--output-format sarif printed invalid JSON ({error})\n{result.describe()}")


TEXT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<code>RK\d+) (?P<message>.*?)(?: \[(?:safe|unsafe|display-only) fix(?:: --unsafe-fixes)?\])?$")


def text_findings(stdout: str) -> list[tuple]:
    """(path, line, column, code, message) of every finding line of the text report."""
    found = []
    for line in stdout.splitlines():
        if line.startswith((" ", "Found ")) or not line:
            continue
        match = TEXT_LINE.match(line)
        assert match, f"unexpected text report line: {line!r}"
        found.append((match["path"], int(match["line"]), int(match["column"]), match["code"], match["message"]))
    return found


def json_findings(report: dict) -> list[tuple]:
    return [(f["path"], f["start"]["line"], f["start"]["column"], f["code"], f["message"]) for f in report["findings"]]


def apply_edits(original: bytes, edits: list[dict]) -> bytes:
    """Applies half-open byte-range edits of one file, all relative to the original bytes; at one
    offset, insertions come before a replacement and keep their order."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1]["start_byte"], item[1]["end_byte"], item[0]))
    out, position = bytearray(), 0
    for _, edit in ordered:
        assert edit["start_byte"] >= position, f"overlapping edits: {edits}"
        out += original[position:edit["start_byte"]] + edit["replacement"].encode("utf-8")
        position = edit["end_byte"]
    return bytes(out + original[position:])


def fixture_tree(tmp_path: Path) -> Path:
    """Every before.py of Fixtures/, plus files that are clean, suppressed, multi-byte, unreadable
    and unparsable, under names that need URI escaping."""
    tree = tmp_path / "tree"
    for before in sorted(FIXTURES_ROOT.glob("*/*/before.py")):
        copy_as(before, tree / "fixtures", f"{before.parent.parent.name}_{before.parent.name}.py")
    (tree / "clean.py").write_text(CLEAN, encoding="utf-8")
    (tree / "suppressed.py").write_text(SUPPRESSED, encoding="utf-8")
    (tree / "odd dir, #1").mkdir()
    (tree / "odd dir, #1" / "ünï 模型%.py").write_text(MULTIBYTE, encoding="utf-8")
    (tree / "latin1.py").write_bytes("import jax\nkey = jax.random.PRNGKey(0)  # caf\xe9\n".encode("latin-1"))
    (tree / "broken.py").write_text("import jax.random\ndef f(:\n", encoding="utf-8")
    return tree


# --- SARIF against the official schema ---------------------------------------------------------


def test_sarif_with_fixes_validates(rekey: Path, tmp_path: Path, sarif_validator):
    copy_as(MY_LAYER, tmp_path, "my_layer.py")
    copy_as(SHARED_KEY, tmp_path, "shared.py")
    log = check_sarif(rekey, tmp_path, "my_layer.py", "shared.py", expect=1)
    assert_valid_sarif(sarif_validator, log)
    results = log["runs"][0]["results"]
    assert results, "expected results"
    with_fixes = [r for r in results if "fixes" in r]
    assert {r["fixes"][0]["properties"]["applicability"] for r in with_fixes} >= {"safe", "unsafe"}, (
        "expected a safe fix (my_layer) and an unsafe one (shared key)"
    )


def test_sarif_without_findings_validates(rekey: Path, tmp_path: Path, sarif_validator):
    (tmp_path / "clean.py").write_text(CLEAN, encoding="utf-8")
    log = check_sarif(rekey, tmp_path, "clean.py", expect=0)
    assert_valid_sarif(sarif_validator, log)
    run = log["runs"][0]
    assert run["results"] == []
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["tool"]["driver"]["rules"], "the rules are described even when nothing is found"


def test_sarif_with_diagnostics_validates(rekey: Path, tmp_path: Path, sarif_validator):
    tree = fixture_tree(tmp_path)
    log = check_sarif(rekey, tree, ".", "missing.py", "--report-unused-suppressions", "--unsafe-fixes", expect=2)
    assert_valid_sarif(sarif_validator, log)
    run = log["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notified = {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n["level"]
        for n in invocation["toolExecutionNotifications"]
    }
    assert notified == {"latin1.py": "error", "broken.py": "error", "missing.py": "error"}, notified
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "RK100" in rule_ids
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "odd%20dir%2C%20%231/%C3%BCn%C3%AF%20%E6%A8%A1%E5%9E%8B%25.py" in uris, sorted(uris)
    assert any(r["ruleId"] == "RK100" for r in run["results"]), "expected the unused suppression in suppressed.py"


def test_sarif_from_an_absolute_path_validates(rekey: Path, tmp_path: Path, sarif_validator):
    copy_as(MY_LAYER, tmp_path / "proj", "my_layer.py")
    absolute = str(tmp_path / "proj" / "my_layer.py")
    inside = check_sarif(rekey, tmp_path / "proj", absolute, expect=1)
    above = check_sarif(rekey, tmp_path, absolute, expect=1)
    (tmp_path / "elsewhere").mkdir()
    outside = check_sarif(rekey, tmp_path / "elsewhere", absolute, expect=1)
    for log in (inside, above, outside):
        assert_valid_sarif(sarif_validator, log)
    location = inside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "my_layer.py", "uriBaseId": "%SRCROOT%"}
    location = above["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "proj/my_layer.py", "uriBaseId": "%SRCROOT%"}
    location = outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "proj" / "my_layer.py").as_uri()}
    base = inside["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == (tmp_path / "proj").as_uri() + "/"


def first_fix(log: dict) -> dict:
    return next(r for r in log["runs"][0]["results"] if "fixes" in r)["fixes"][0]


def first_change(log: dict) -> dict:
    return first_fix(log)["artifactChanges"][0]


def test_the_validator_rejects_broken_sarif(rekey: Path, tmp_path: Path, sarif_validator):
    """The validation above can fail: the same log, broken in ways a writer could break it."""
    copy_as(MY_LAYER, tmp_path, "my_layer.py")
    log = check_sarif(rekey, tmp_path, "my_layer.py", expect=1)
    assert_valid_sarif(sarif_validator, log)
    breakages = {
        "no version": lambda broken: broken.pop("version"),
        "wrong version": lambda broken: broken.update(version="2.0.0"),
        "no driver name": lambda broken: broken["runs"][0]["tool"]["driver"].pop("name"),
        "line 0": lambda broken: broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startLine=0),
        "unknown level": lambda broken: broken["runs"][0]["results"][0].update(level="fatal"),
        "message without text": lambda broken: broken["runs"][0]["results"][0].update(message={}),
        "empty replacements": lambda broken: first_change(broken).update(replacements=[]),
        # -1 is SARIF's "not given"; below it is invalid.
        "negative byte offset": lambda broken: first_change(broken)["replacements"][0]["deletedRegion"].update(byteOffset=-2),
        "fix without description text": lambda broken: first_fix(broken).update(description={"markdown": "x"}),
        "bad column kind": lambda broken: broken["runs"][0].update(columnKind="bytes"),
    }
    for name, breakage in breakages.items():
        broken = json.loads(json.dumps(log))
        breakage(broken)
        assert not sarif_validator.is_valid(broken), f"the validator accepted a log with {name}"


TWO_SAMPLERS = """\
import jax

key = jax.random.PRNGKey(0)


def noise(shape):
    a = jax.random.normal(key, shape)
    a = jax.random.normal(key, shape)
    return a
"""


def fingerprints(log: dict) -> list[tuple[str, int, str]]:
    return [
        (result["ruleId"], result["locations"][0]["physicalLocation"]["region"]["startLine"],
         result["partialFingerprints"]["rekeyFinding/v1"])
        for result in log["runs"][0]["results"]
    ]


def test_sarif_fingerprints_hold_across_runs_and_line_shifts(rekey: Path, tmp_path: Path):
    """Review tools match results from run to run by `partialFingerprints`: the same finding keeps
    its fingerprint when lines above it move, two findings on identical lines differ, and an edit
    of the finding's own line changes it."""
    (tmp_path / "m.py").write_text(TWO_SAMPLERS, encoding="utf-8")
    first = fingerprints(check_sarif(rekey, tmp_path, "m.py", expect=1))
    assert first == fingerprints(check_sarif(rekey, tmp_path, "m.py", expect=1))
    values = [fingerprint for _, _, fingerprint in first]
    assert len(set(values)) == len(values), first
    assert all(len(value) == 16 for value in values), first

    (tmp_path / "m.py").write_text('"""Moved down by a docstring."""\n\n' + TWO_SAMPLERS, encoding="utf-8")
    shifted = fingerprints(check_sarif(rekey, tmp_path, "m.py", expect=1))
    assert [(code, line - 2, value) for code, line, value in shifted] == first

    (tmp_path / "m.py").write_text(TWO_SAMPLERS.replace("key = jax.random.PRNGKey(0)", "key = jax.random.PRNGKey(1)"), encoding="utf-8")
    edited = dict(((code, line), value) for code, line, value in fingerprints(check_sarif(rekey, tmp_path, "m.py", expect=1)))
    for code, line, value in first:
        assert (edited[(code, line)] == value) == (line != 3), (code, line)


def test_sarif_region_and_fix_bytes(rekey: Path, tmp_path: Path):
    (tmp_path / "m.py").write_text(MULTIBYTE, encoding="utf-8")
    report = check_json(rekey, tmp_path, "m.py", expect=1)
    log = check_sarif(rekey, tmp_path, "m.py", expect=1)
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"
    results = log["runs"][0]["results"]
    assert len(results) == len(report["findings"])
    for result, finding in zip(results, report["findings"]):
        assert result["ruleId"] == finding["code"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            finding["start"]["line"], finding["start"]["column"], finding["end"]["line"], finding["end"]["column"])
        assert result["message"]["text"].startswith(finding["message"])
        if finding["fix"] is None:
            assert "fixes" not in result
            assert finding["manual_reason"] in result["message"]["text"]
            continue
        replacements = result["fixes"][0]["artifactChanges"][0]["replacements"]
        edits = finding["fix"]["edits"]
        assert [(r["deletedRegion"]["byteOffset"], r["deletedRegion"]["byteLength"], r.get("insertedContent", {}).get("text", ""))
                for r in replacements] == [(e["start_byte"], e["end_byte"] - e["start_byte"], e["replacement"]) for e in edits]


# --- JSON --------------------------------------------------------------------------------------


def test_json_matches_the_text_report(rekey: Path, tmp_path: Path):
    tree = fixture_tree(tmp_path)
    text = check(rekey, tree, ".", "--unsafe-fixes", expect=2)
    report = check_json(rekey, tree, ".", "--unsafe-fixes", expect=2)
    assert report["version"] == "1"
    assert report["tool"]["name"] == "rekey"
    assert re.fullmatch(r"\d+\.\d+\.\d+", report["tool"]["version"])
    assert json_findings(report) == text_findings(text.stdout)
    assert len(report["findings"]) > 5
    by_code: dict[str, int] = {}
    for finding in report["findings"]:
        by_code[finding["code"]] = by_code.get(finding["code"], 0) + 1
        assert set(finding) == {"code", "name", "message", "path", "start", "end", "fix", "manual_reason"}
        assert (finding["fix"] is None) != (finding["manual_reason"] is None), finding
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", finding["name"]), finding["name"]
        assert (finding["start"]["line"], finding["start"]["column"]) <= (finding["end"]["line"], finding["end"]["column"])
        if finding["fix"] is not None:
            assert finding["fix"]["applicability"] in {"safe", "unsafe", "display-only"}
            assert finding["fix"]["title"] and finding["fix"]["edits"]
    assert report["summary"] == {"findings": len(report["findings"]), "by_code": dict(sorted(by_code.items()))}
    # The summary lines of the text report agree.
    for code, count in by_code.items():
        assert re.search(rf"^  {code}  {count}  ", text.stdout, re.MULTILINE), f"{code} {count} missing from the text summary"
    assert [(d["path"], d["severity"]) for d in report["diagnostics"]] == [("broken.py", "error"), ("latin1.py", "error")]
    for diagnostic in report["diagnostics"]:
        assert f"rekey: {diagnostic['path']}: error: {diagnostic['message']}" in text.stderr


def test_json_columns_are_code_points(rekey: Path, tmp_path: Path):
    (tmp_path / "m.py").write_text(MULTIBYTE, encoding="utf-8")
    report = check_json(rekey, tmp_path, "m.py", expect=1)
    line = MULTIBYTE.splitlines()[2]
    found = [f for f in report["findings"] if f["start"]["line"] == 3]
    assert found, report
    # `key` follows 14 characters (22 bytes) of the line: column 15, not 23.
    prefix = line[: line.index("key = jax")]
    assert (len(prefix), len(prefix.encode("utf-8"))) == (14, 22)
    assert found[0]["start"]["column"] == 15


def test_json_edits_are_what_fix_applies(rekey: Path, tmp_path: Path):
    """The safe fix's edits, applied to the original bytes, give the file `rekey fix` writes."""
    copy_as(MY_LAYER, tmp_path / "check", "my_layer.py")
    copy_as(MY_LAYER, tmp_path / "fix", "my_layer.py")
    report = check_json(rekey, tmp_path / "check", "--select", "RK001", "my_layer.py", expect=1)
    fixes = [f["fix"] for f in report["findings"] if f["fix"] and f["fix"]["applicability"] == "safe"]
    assert len(fixes) == 1, report
    edits = fixes[0]["edits"]
    assert {e["path"] for e in edits} == {"my_layer.py"}
    expected = apply_edits(MY_LAYER.read_bytes(), edits)
    fixed = run_rekey(rekey, ["fix", "--select", "RK001", "my_layer.py"], cwd=tmp_path / "fix")
    assert fixed.returncode == 0, fixed.describe()
    assert (tmp_path / "fix" / "my_layer.py").read_bytes() == expected
    assert expected != MY_LAYER.read_bytes()


def test_json_escapes_and_keeps_utf8(rekey: Path, tmp_path: Path):
    directory = tmp_path / 'we"ird\\dir'
    directory.mkdir()
    (directory / "模型.py").write_text(MULTIBYTE, encoding="utf-8")
    result = check(rekey, tmp_path, str(directory.relative_to(tmp_path)), fmt="json", expect=1)
    report = json.loads(result.stdout)
    assert {f["path"] for f in report["findings"]} == {'we"ird\\dir/模型.py'}
    assert '"we\\"ird\\\\dir/模型.py"' in result.stdout, "quotes and backslashes escaped, UTF-8 kept as is"


# --- GitHub annotations ------------------------------------------------------------------------

GITHUB_LINE = re.compile(
    r"^::warning file=(?P<file>[^,:]*),line=(?P<line>\d+),col=(?P<col>\d+),endLine=(?P<endLine>\d+),"
    r"endColumn=(?P<endColumn>\d+),title=rekey \((?P<code>RK\d+)\)::(?P<message>[^\r\n]*)$"
)


def unescape_property(value: str) -> str:
    return value.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def unescape_data(value: str) -> str:
    return value.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def test_github_annotations_match_json(rekey: Path, tmp_path: Path):
    tree = fixture_tree(tmp_path)
    (tree / "a,b: 100%").mkdir()
    (tree / "a,b: 100%" / "m.py").write_text(MULTIBYTE, encoding="utf-8")
    report = check_json(rekey, tree, ".", expect=2)
    result = check(rekey, tree, ".", fmt="github", expect=2)
    lines = result.stdout.splitlines()
    warnings = [line for line in lines if line.startswith("::warning ")]
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(warnings) + len(errors) == len(lines), f"unexpected lines:\n{result.stdout}"
    assert len(warnings) == len(report["findings"])
    for line, finding in zip(warnings, report["findings"]):
        match = GITHUB_LINE.match(line)
        assert match, f"not an annotation: {line!r}"
        assert unescape_property(match["file"]) == finding["path"]
        assert (int(match["line"]), int(match["col"]), int(match["endLine"]), int(match["endColumn"])) == (
            finding["start"]["line"], finding["start"]["column"], finding["end"]["line"], finding["end"]["column"])
        assert match["code"] == finding["code"]
        message = unescape_data(match["message"])
        first, _, remedy = message.partition("\n")
        assert first == finding["message"]
        if finding["manual_reason"] is not None:
            assert remedy == f"Manual migration: {finding['manual_reason']}"
        else:
            assert finding["fix"]["title"] in remedy
    assert any("file=a%2Cb%3A 100%25/m.py," in line for line in warnings), "path not escaped as a property"
    assert sorted(errors) == sorted(f"::error file={d['path']}::{d['message']}" for d in report["diagnostics"])


# --- GitLab Code Quality --------------------------------------------------------------------------

# GitLab's documented report format (docs.gitlab.com, "Code Quality report format"): an array of
# issues with these members; GitLab's severities.
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def check_gitlab(rekey: Path, cwd: Path, *args: str, expect: int | None = None) -> list[dict]:
    result = check(rekey, cwd, *args, fmt="gitlab", expect=expect)
    issues = json.loads(result.stdout)
    assert isinstance(issues, list), result.stdout[:200]
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert re.fullmatch(r"rekey/(RK\d{3}|error|warning)", issue["check_name"]), issue
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        path = issue["location"]["path"]
        assert isinstance(path, str) and not path.startswith(("/", "./")), path
        begin = issue["location"].get("positions", {}).get("begin", {}).get("line") or issue["location"]["lines"]["begin"]
        assert isinstance(begin, int) and begin >= 1
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints), "GitLab shows one issue per fingerprint"
    return issues


def test_gitlab_code_quality_matches_json(rekey: Path, tmp_path: Path):
    tree = fixture_tree(tmp_path)
    report = check_json(rekey, tree, ".", expect=2)
    issues = check_gitlab(rekey, tree, ".", expect=2)
    findings = [issue for issue in issues if re.fullmatch(r"rekey/RK\d{3}", issue["check_name"])]
    assert len(findings) == len(report["findings"]) > 100
    for issue, finding in zip(findings, report["findings"]):
        assert issue["check_name"] == f"rekey/{finding['code']}"
        assert issue["location"]["path"] == finding["path"].removeprefix("./")
        positions = issue["location"]["positions"]
        assert (positions["begin"]["line"], positions["begin"]["column"], positions["end"]["line"], positions["end"]["column"]) == (
            finding["start"]["line"], finding["start"]["column"], finding["end"]["line"], finding["end"]["column"])
        assert issue["description"].startswith(finding["message"] + "\n")
    problems = [issue for issue in issues if issue["check_name"] in {"rekey/error", "rekey/warning"}]
    assert sorted(p["location"]["path"] for p in problems) == sorted(d["path"] for d in report["diagnostics"])
    assert any(p["severity"] == "critical" and p["location"]["path"] == "broken.py" for p in problems)

    # Stable across runs and line shifts: GitLab compares fingerprints between a merge request's
    # base and head.
    target = tree / "clean.py"
    target.write_text("# a line above everything\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    for shifted in (tree / "fixtures").glob("*.py"):
        shifted.write_bytes(b"\n\n" + shifted.read_bytes())
    again = check_gitlab(rekey, tree, ".", expect=2)
    assert sorted(i["fingerprint"] for i in again) == sorted(i["fingerprint"] for i in issues)


def test_gitlab_paths_are_relative_to_the_working_directory(rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER, tmp_path / "src", "layer.py")
    issues = check_gitlab(rekey, tmp_path, str(tmp_path / "src"), "./src/layer.py", expect=1)
    assert {issue["location"]["path"] for issue in issues} == {"src/layer.py"}


# --- reviewdog (rdjson) ----------------------------------------------------------------------------

# reviewdog's DiagnosticResult (proto/rdf/jsonschema/DiagnosticResult.jsonschema of
# reviewdog/reviewdog, not committed here): the members and types it defines, checked one by one.


def assert_rdjson_position(position: dict) -> None:
    assert set(position) <= {"line", "column"} and isinstance(position["line"], int) and position["line"] >= 1
    assert isinstance(position.get("column", 1), int) and position.get("column", 1) >= 1


def assert_rdjson_range(range_: dict) -> None:
    assert set(range_) <= {"start", "end"}
    assert_rdjson_position(range_["start"])
    if "end" in range_:
        assert_rdjson_position(range_["end"])


def check_rdjson(rekey: Path, cwd: Path, *args: str, expect: int | None = None) -> dict:
    result = check(rekey, cwd, *args, fmt="rdjson", expect=expect)
    result_document = json.loads(result.stdout)
    assert set(result_document) <= {"source", "severity", "diagnostics"}
    assert result_document["source"]["name"] == "rekey"
    assert isinstance(result_document["severity"], (str, int))
    for diagnostic in result_document["diagnostics"]:
        assert set(diagnostic) <= {"message", "location", "severity", "source", "code", "suggestions", "original_output"}
        assert isinstance(diagnostic["message"], str) and diagnostic["message"]
        location = diagnostic["location"]
        assert isinstance(location["path"], str) and not location["path"].startswith(("/", "./"))
        if "range" in location:
            assert_rdjson_range(location["range"])
        assert diagnostic["severity"] in {"ERROR", "WARNING", "INFO"}
        if "code" in diagnostic:
            assert re.fullmatch(r"RK\d{3}", diagnostic["code"]["value"])
        for suggestion in diagnostic.get("suggestions", []):
            assert_rdjson_range(suggestion["range"])
            assert isinstance(suggestion["text"], str)
    return result_document


def byte_offset(text: bytes, position: dict) -> int:
    """An rdjson position (1-based line, 1-based column in UTF-8 bytes) as a byte offset."""
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[:position["line"] - 1]) + position["column"] - 1


def code_point_column_as_bytes(text: bytes, line: int, column: int) -> int:
    return len(text.splitlines(keepends=True)[line - 1].decode("utf-8")[:column - 1].encode("utf-8")) + 1


def test_rdjson_matches_json_and_its_suggestions_are_the_fixes(rekey: Path, tmp_path: Path):
    tree = fixture_tree(tmp_path)
    report = check_json(rekey, tree, ".", "--unsafe-fixes", expect=2)
    document = check_rdjson(rekey, tree, ".", "--unsafe-fixes", expect=2)
    diagnostics = [d for d in document["diagnostics"] if "code" in d]
    assert len(diagnostics) == len(report["findings"]) > 100
    suggested = 0
    for diagnostic, finding in zip(diagnostics, report["findings"]):
        path = finding["path"].removeprefix("./")
        assert (diagnostic["code"]["value"], diagnostic["location"]["path"]) == (finding["code"], path)
        assert diagnostic["message"].startswith(finding["message"] + "\n")
        text = (tree / path).read_bytes()
        range_ = diagnostic["location"]["range"]
        for end in ("start", "end"):
            assert range_[end]["line"] == finding[end]["line"]
            assert range_[end]["column"] == code_point_column_as_bytes(text, finding[end]["line"], finding[end]["column"])
        fix = finding["fix"]
        single_file = fix is not None and {edit["path"] for edit in fix["edits"]} == {finding["path"]}
        if not single_file or fix["applicability"] == "display-only":
            assert "suggestions" not in diagnostic, diagnostic
            if fix is not None and not single_file:
                assert "so `rekey fix` makes it)" in diagnostic["message"]
            continue
        # One suggestion, and accepting it alone is exactly the finding's fix.
        [suggestion] = diagnostic["suggestions"]
        start, end = byte_offset(text, suggestion["range"]["start"]), byte_offset(text, suggestion["range"]["end"])
        accepted = text[:start] + suggestion["text"].encode("utf-8") + text[end:]
        assert accepted == apply_edits(text, fix["edits"]), f"{path}: {diagnostic}"
        suggested += 1
    assert suggested > 20
    problems = [d for d in document["diagnostics"] if "code" not in d]
    assert sorted(p["location"]["path"] for p in problems) == sorted(d["path"] for d in report["diagnostics"])
    assert any(p["severity"] == "ERROR" and p["location"]["path"] == "broken.py" for p in problems)


def test_rdjson_suggests_unsafe_fixes_only_when_enabled(rekey: Path, tmp_path: Path):
    tree = fixture_tree(tmp_path)
    report = check_json(rekey, tree, ".", expect=2)
    unsafe = {(f["path"].removeprefix("./"), f["start"]["line"], f["code"]) for f in report["findings"]
              if f["fix"] and f["fix"]["applicability"] == "unsafe" and {e["path"] for e in f["fix"]["edits"]} == {f["path"]}}
    assert unsafe
    for enabled, args in ((False, ()), (True, ("--unsafe-fixes",))):
        document = check_rdjson(rekey, tree, ".", *args, expect=2)
        for diagnostic in document["diagnostics"]:
            site = (diagnostic["location"]["path"], diagnostic["location"].get("range", {}).get("start", {}).get("line"),
                    diagnostic.get("code", {}).get("value"))
            if site in unsafe:
                assert ("suggestions" in diagnostic) == enabled, diagnostic


# --- exit codes and usage ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_codes_in_every_format(fmt: str, rekey: Path, tmp_path: Path):
    (tmp_path / "clean.py").write_text(CLEAN, encoding="utf-8")
    copy_as(MY_LAYER, tmp_path, "my_layer.py")
    clean = check(rekey, tmp_path, "clean.py", fmt=fmt, expect=0)
    if fmt in {"text", "github"}:
        assert clean.stdout == ""
    found = check(rekey, tmp_path, "my_layer.py", fmt=fmt, expect=1)
    assert "RK001" in found.stdout
    missing = check(rekey, tmp_path, "my_layer.py", "missing.py", fmt=fmt, expect=2)
    assert "missing.py" in missing.stderr, "diagnostics still go to standard error"
    if fmt in {"json", "sarif", "gitlab", "rdjson"}:
        json.loads(missing.stdout)


@pytest.mark.parametrize("args", [
    ["check", "--output-format", "xml", "x.py"],
    ["check", "--select", "RK999", "x.py"],
    ["check", "--ignore", "RK001,NOPE", "x.py"],
    ["diff", "--select", "E501", "x.py"],
    ["fix", "--ignore", "RK9", "x.py"],
])
def test_usage_errors_exit_2(args: list[str], rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER, tmp_path, "x.py")
    result = run_rekey(rekey, args, cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert result.stdout == ""
    assert (tmp_path / "x.py").read_bytes() == MY_LAYER.read_bytes()


# --- suppressions and selection ----------------------------------------------------------------


def test_suppression_comments(rekey: Path, tmp_path: Path):
    (tmp_path / "s.py").write_text(SUPPRESSED, encoding="utf-8")
    rk001 = [(f["start"]["line"], f["code"]) for f in check_json(rekey, tmp_path, "--select", "RK001", "s.py")["findings"]]
    # Lines 3 and 4 are silenced; line 5's noqa names another code (RK004); a noqa in a string is no comment.
    assert rk001 == [(5, "RK001"), (6, "RK001")]
    all_codes = check_json(rekey, tmp_path, "s.py")["findings"]
    assert not [f for f in all_codes if f["start"]["line"] in (3, 4)], all_codes


def test_report_unused_suppressions(rekey: Path, tmp_path: Path):
    (tmp_path / "s.py").write_text(SUPPRESSED, encoding="utf-8")
    without = check_json(rekey, tmp_path, "s.py")
    assert "RK100" not in without["summary"]["by_code"]
    report = check_json(rekey, tmp_path, "--report-unused-suppressions", "--select", "RK001", "s.py", expect=1)
    unused = [(f["start"]["line"], f["message"]) for f in report["findings"] if f["code"] == "RK100"]
    assert unused == [(7, "unused suppression `# rekey: ignore[RK001, RK999]` (unused: RK001; unknown: RK999)")]
    assert all(f["name"] == "unused-suppression" for f in report["findings"] if f["code"] == "RK100")
    ignored = check_json(rekey, tmp_path, "--report-unused-suppressions", "--ignore", "RK100", "s.py")
    assert "RK100" not in ignored["summary"]["by_code"]


def test_suppressed_and_ignored_findings_are_not_fixed(rekey: Path, tmp_path: Path):
    source = MY_LAYER.read_text(encoding="utf-8").replace("key = jax.random.PRNGKey(0)", "key = jax.random.PRNGKey(0)  # noqa: RK001", 1)
    assert "# noqa: RK001" in source
    (tmp_path / "s.py").write_text(source, encoding="utf-8")
    diff = run_rekey(rekey, ["diff", "s.py"], cwd=tmp_path)
    assert diff.returncode == 0 and "RK001" not in diff.stderr and diff.stdout == "", diff.describe()
    copy_as(MY_LAYER, tmp_path, "m.py")
    assert run_rekey(rekey, ["diff", "m.py"], cwd=tmp_path).stdout != ""
    for args in (["--ignore", "RK001"], ["--select", "RK004"], ["--select", "rk00", "--ignore", "RK001"]):
        ignored = run_rekey(rekey, ["diff", *args, "m.py"], cwd=tmp_path)
        assert ignored.returncode == 0 and ignored.stdout == "", ignored.describe()
        fixed = run_rekey(rekey, ["fix", *args, "m.py"], cwd=tmp_path)
        assert fixed.returncode == 0, fixed.describe()
        assert (tmp_path / "m.py").read_bytes() == MY_LAYER.read_bytes()


def test_select_and_ignore_filter_findings(rekey: Path, tmp_path: Path):
    tree = fixture_tree(tmp_path)
    shutil.rmtree(tree / "odd dir, #1")
    everything = check_json(rekey, tree, ".")
    codes = sorted(everything["summary"]["by_code"])
    assert len(codes) >= 2, f"the fixtures should trigger several rules: {codes}"
    first, rest = codes[0], codes[1:]
    only_first = check_json(rekey, tree, "--select", first.lower(), ".")
    assert sorted(only_first["summary"]["by_code"]) == [first]
    assert json_findings(only_first) == [f for f in json_findings(everything) if f[3] == first]
    without_first = check_json(rekey, tree, "--ignore", first, ".")
    assert sorted(without_first["summary"]["by_code"]) == rest
    repeated = check_json(rekey, tree, "--select", ",".join(codes), "--select", first, "--ignore", ",".join(rest), ".")
    assert json_findings(repeated) == json_findings(only_first)
