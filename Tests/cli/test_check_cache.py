"""`rekey check`'s cache (.rekey_cache): an unchanged re-run prints the kept report without
parsing, and any change to what the report depends on (a file's text, a file added or removed,
the project's settings and documents, the options, rekey's build) checks afresh, with the output of a run
without the cache."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import Result, copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

CACHED = "unchanged: the cached report"


def project(tmp_path: Path) -> Path:
    """A git project of some fixtures: findings with safe, unsafe and no fixes, across files."""
    root = tmp_path / "project"
    for case in ("RK001/my_layer", "RK004/global_key_consumed_twice_in_function", "RK007/lambda_key_default"):
        source = FIXTURES_ROOT / case / "before.py"
        if source.exists():
            copy_as(source, root / "pkg", case.replace("/", "_") + ".py")
    assert len(list((root / "pkg").glob("*.py"))) == 3
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def check(rekey: Path, cwd: Path, *args: str) -> Result:
    return run_rekey(rekey, ["check", "-v", *args], cwd=cwd)


def without_timings(stderr: str) -> str:
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("rekey: checked "))


def assert_same_report(cached: Result, fresh: Result) -> None:
    assert (cached.returncode, cached.stdout, without_timings(cached.stderr)) == (
        fresh.returncode, fresh.stdout, without_timings(fresh.stderr)), cached.describe() + "\n" + fresh.describe()


def test_an_unchanged_rerun_prints_the_kept_report(rekey: Path, tmp_path: Path):
    root = project(tmp_path)
    first = check(rekey, root)
    assert first.returncode == 1 and CACHED not in first.stderr, first.describe()
    # The kept report is the findings: every format is written from it (--unsafe-fixes is an
    # entry of its own).
    check(rekey, root, "--unsafe-fixes")
    for args in ((), ("--output-format", "json"), ("--output-format", "sarif"), ("--unsafe-fixes", "--output-format", "rdjson")):
        first = check(rekey, root, "--no-cache", *args)
        again = check(rekey, root, *args)
        assert CACHED in again.stderr, again.describe()
        assert_same_report(again, first)
        assert_same_report(again, check(rekey, root, "--no-cache", *args))
    # The folder says what it is, and git leaves it alone.
    cache = root / ".rekey_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=root, capture_output=True, text=True, check=True)
    assert ".rekey_cache" not in status.stdout.replace("!! .rekey_cache/", "")


@pytest.mark.parametrize("change", ["edit", "add", "remove", "settings", "config", "exclude", "document"])
def test_a_change_is_checked_afresh(change: str, rekey: Path, tmp_path: Path):
    root = project(tmp_path)
    check(rekey, root)
    assert CACHED in check(rekey, root).stderr
    files = sorted((root / "pkg").glob("*.py"))
    if change == "edit":
        files[0].write_text(files[0].read_text() + "\nimport jax\nEXTRA = jax.random.PRNGKey(3)\n")
    elif change == "add":
        copy_as(FIXTURES_ROOT / "RK001" / "my_layer" / "before.py", root / "pkg", "added.py")
    elif change == "remove":
        files[-1].unlink()
    elif change == "settings":
        # Line length reaches the fixes a report offers.
        (root / "pyproject.toml").write_text("[project]\nname = 'p'\n[tool.ruff]\nline-length = 40\n", encoding="utf-8")
    elif change == "config":
        (root / "pyproject.toml").write_text("[project]\nname = 'p'\n[tool.rekey]\nignore = ['RK003']\n", encoding="utf-8")
    elif change == "exclude":
        (root / ".gitignore").write_text(files[0].name + "\n", encoding="utf-8")
    elif change == "document":
        # An example in a document may refuse a fix that changes a signature.
        (root / "README.md").write_text(">>> 1 + 1\n2\n", encoding="utf-8")
    after = check(rekey, root)
    assert CACHED not in after.stderr, after.describe()
    assert_same_report(after, check(rekey, root, "--no-cache"))
    assert CACHED in check(rekey, root).stderr, "the new inputs are kept in turn"


def test_options_and_paths_have_entries_of_their_own(rekey: Path, tmp_path: Path):
    root = project(tmp_path)
    runs = [("pkg",), ("--select", "RK001", "pkg"), ("--unsafe-fixes", "pkg"), (sorted((root / "pkg").glob("*.py"))[0].name,)]
    runs[-1] = ("pkg/" + runs[-1][0],)
    fresh = {args: check(rekey, root, "--no-cache", *args) for args in runs}
    for args in runs:
        assert CACHED not in check(rekey, root, *args).stderr
    for args in runs:
        again = check(rekey, root, *args)
        assert CACHED in again.stderr, again.describe()
        assert_same_report(again, fresh[args])


def test_another_build_of_rekey_does_not_read_the_entries(rekey: Path, tmp_path: Path):
    root = project(tmp_path)
    check(rekey, root)
    other = tmp_path / "bin" / "rekey"
    other.parent.mkdir()
    shutil.copy(rekey, other)
    os.utime(other, ns=(1_000_000_000, 1_000_000_000))
    assert CACHED not in check(other, root).stderr
    assert CACHED in check(other, root).stderr
    assert CACHED in check(rekey, root).stderr


def test_a_damaged_entry_is_a_miss(rekey: Path, tmp_path: Path):
    root = project(tmp_path)
    fresh = check(rekey, root)
    cache = root / ".rekey_cache"
    [entry] = [path for path in cache.glob("check-v1-*.json") if not path.name.endswith(".analyses.json")]
    [analyses] = cache.glob("check-v1-*.analyses.json")
    document = json.loads(entry.read_text())
    document["report"]["findings"][0]["start"] = 10**6  # after its end: no such range
    entry.write_text(json.dumps(document))
    damaged = check(rekey, root)
    assert CACHED not in damaged.stderr
    assert_same_report(damaged, fresh)
    entry.write_text("{ not json")
    assert_same_report(check(rekey, root), fresh)
    assert CACHED in check(rekey, root).stderr

    # A damaged analysis is analysed afresh; the others are still taken.
    records = json.loads(analyses.read_text())
    record = next(record for record in records.values() if record["findings"])
    record["findings"][0]["end"] = -1
    analyses.write_text(json.dumps(records))
    entry.unlink()
    partly = check(rekey, root)
    assert reused(partly) == len(records) - 1, partly.describe()
    assert_same_report(partly, fresh)
    analyses.write_text("[")
    entry.unlink()
    assert reused(check(rekey, root)) == 0


def test_no_cache_and_unwritable_folders(rekey: Path, tmp_path: Path):
    root = project(tmp_path)
    assert check(rekey, root, "--no-cache").returncode == 1
    assert not (root / ".rekey_cache").exists()
    elsewhere = tmp_path / "cache-here"
    assert check(rekey, root, "--cache-dir", str(elsewhere)).returncode == 1
    assert list(elsewhere.glob("check-v1-*.json")) and not (root / ".rekey_cache").exists()
    assert CACHED in check(rekey, root, "--cache-dir", str(elsewhere)).stderr
    # A folder rekey cannot write to costs the cache, never the run.
    if os.geteuid() != 0:
        root.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            result = check(rekey, root)
            assert result.returncode == 1 and "error" not in without_timings(result.stderr), result.describe()
        finally:
            root.chmod(stat.S_IRWXU)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would be")
    result = check(rekey, root, "--cache-dir", str(blocked))
    assert result.returncode == 1 and "error" not in without_timings(result.stderr), result.describe()
    usage = run_rekey(rekey, ["check", "--no-cache", "--cache-dir", "x", "."], cwd=root)
    assert usage.returncode == 2 and "exclude each other" in usage.stderr


OPS = """import jax


def sample(key):
    return jax.random.normal(key, (2,))
"""

MODEL = """import jax

from pkg.ops import sample


def weights(key):
    return sample(key) + sample(key)
"""

OTHER = """import jax


def noise(key):
    return jax.random.normal(key, (2,)) + jax.random.uniform(key, (2,))
"""

LEAF = """import jax

KEY = jax.random.PRNGKey(0)
"""


def reused(result: Result) -> int:
    """How many files' analyses the run took from the cache (`-v`)."""
    line = next(line for line in result.stderr.splitlines() if line.startswith("rekey: checked "))
    if " of them analysed before" not in line:
        return 0
    return int(line.split(" parsed, ")[1].split(" of them")[0])


# model.py has no JAX cue of its own (the prefilter skips it): it is analysed in a round of
# cross-file facts, when sample() is known to consume its key, and such an analysis reads the
# facts of the whole project, so it is done again when any file's facts change.
@pytest.mark.parametrize("edit, expected_reused", [
    ("leaf.py text", 3),  # imported by none, facts unchanged: only itself is analysed again
    ("leaf.py facts", 2),  # a new module-level key: the project's facts changed, model.py's round too
    ("ops.py comment", 3),  # its text changed, not what it tells model.py
    ("ops.py facts", 2),  # sample() no longer consumes its key: model.py is analysed again
])
def test_a_change_reanalyses_exactly_what_depends_on_it(edit: str, expected_reused: int, rekey: Path, tmp_path: Path):
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n", encoding="utf-8")
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    for name, text in (("ops.py", OPS), ("model.py", MODEL), ("other.py", OTHER), ("leaf.py", LEAF)):
        (root / "pkg" / name).write_text(text, encoding="utf-8")
    first = check(rekey, root, "--output-format", "json")
    assert "model.py" in first.stdout, "model.py reuses its key through sample()"
    if edit == "leaf.py text":
        (root / "pkg" / "leaf.py").write_text(LEAF + "SIZE = 3\n", encoding="utf-8")
    elif edit == "leaf.py facts":
        (root / "pkg" / "leaf.py").write_text(LEAF + "OTHER_KEY = jax.random.PRNGKey(1)\n", encoding="utf-8")
    elif edit == "ops.py comment":
        (root / "pkg" / "ops.py").write_text("# a comment\n" + OPS, encoding="utf-8")
    else:
        (root / "pkg" / "ops.py").write_text(OPS.replace("jax.random.normal(key, (2,))", "key"), encoding="utf-8")
    after = check(rekey, root, "--output-format", "json")
    assert reused(after) == expected_reused, after.describe()
    assert_same_report(after, check(rekey, root, "--no-cache", "--output-format", "json"))
    findings = {(f["path"], f["code"]) for f in json.loads(after.stdout)["findings"]}
    assert (("pkg/model.py", "RK004") in findings) == (edit != "ops.py facts"), findings
