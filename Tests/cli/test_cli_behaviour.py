"""The `rekey` command line as a user meets it: exit codes, what each command writes, what it skips.

Contract (issue 2): `check` exits 0 with no finding, 1 with findings, 2 on a usage or I/O error;
`diff` prints the patch and writes nothing; `fix` writes in place, atomically; files that are not
UTF-8, that do not parse, or that are symlinks leading outside the tree given are skipped with a
diagnostic on stderr; directories are walked for `*.py`, skipping hidden folders, virtual
environments, `build` and `__pycache__`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT, FixtureCase, discover
from rekey_cli import assert_diff_status, assert_patch_applies, copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

MY_LAYER = FIXTURES_ROOT / "RK001" / "my_layer"
SHARED_KEY = FIXTURES_ROOT / "RK001" / "two_classes_shared_key"
FIXED_CASES = [case for case in discover() if not case.report_only]
SUBCOMMANDS = ["check", "diff", "fix"]

CLEAN_SOURCE = '''\
"""Explicit keys only: nothing for rekey to do."""
import jax


def init(shape, *, key):
    return jax.random.normal(key, shape)


if __name__ == "__main__":
    key = jax.random.PRNGKey(0)
    print(init((2,), key=key))
'''


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `directory` (not following symlinks): bytes and mtime in ns."""
    state = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.is_symlink():
            state[str(path.relative_to(directory))] = (path.read_bytes(), path.stat().st_mtime_ns)
    return state


# --- exit codes ------------------------------------------------------------------------------------


def test_check_clean_file_exits_0(rekey: Path, tmp_path: Path):
    (tmp_path / "clean.py").write_text(CLEAN_SOURCE, encoding="utf-8")
    result = run_rekey(rekey, ["check", "clean.py"], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert "clean.py:" not in result.stdout, f"no finding expected\n{result.describe()}"


def test_check_fixture_exits_1(rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER / "before.py", tmp_path, "before.py")
    result = run_rekey(rekey, ["check", "before.py"], cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert "before.py:" in result.stdout and "RK001" in result.stdout, result.describe()


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_nonexistent_path_exits_2(subcommand: str, rekey: Path, tmp_path: Path):
    result = run_rekey(rekey, [subcommand, "no_such_file.py"], cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "no_such_file.py" in result.stderr, f"the error should name the path\n{result.describe()}"


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_unknown_option_exits_2(subcommand: str, rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER / "before.py", tmp_path, "before.py")
    before = snapshot(tmp_path)
    result = run_rekey(rekey, [subcommand, "--no-such-option", "before.py"], cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "--no-such-option" in result.stderr, result.describe()
    assert snapshot(tmp_path) == before, "a usage error must not touch any file"


# --- diff writes nothing ---------------------------------------------------------------------------


def test_diff_writes_nothing(rekey: Path, tmp_path: Path):
    tree = tmp_path / "tree"
    copy_as(MY_LAYER / "before.py", tree, "before.py")
    before = snapshot(tree)
    result = run_rekey(rekey, ["diff", "before.py"], cwd=tree)
    assert_diff_status(result)
    assert result.stdout, f"expected a diff on stdout\n{result.describe()}"
    assert snapshot(tree) == before, "`rekey diff` changed a file, its mtime, or left a file behind"


def test_unsafe_fix_is_withheld_without_flag(rekey: Path, tmp_path: Path):
    # Splitting one key into two changes the random stream: only --unsafe-fixes applies it.
    assert "--unsafe-fixes" in FixtureCase("RK001", "", SHARED_KEY, SHARED_KEY / "before.py", SHARED_KEY / "after.py").extra_args
    copy_as(SHARED_KEY / "before.py", tmp_path, "before.py")
    result = run_rekey(rekey, ["diff", "before.py"], cwd=tmp_path)
    assert_diff_status(result)
    assert result.stdout == "", f"an unsafe fix was offered without --unsafe-fixes\n{result.describe()}"


# --- fix writes in place ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", FIXED_CASES, ids=lambda case: case.id)
def test_fix_rewrites_before_into_after(case: FixtureCase, rekey: Path, tmp_path: Path):
    copy_as(case.before, tmp_path, "before.py")
    result = run_rekey(rekey, ["fix", "before.py", *case.extra_args], cwd=tmp_path)
    assert result.returncode == 0, f"everything was fixable: expected exit 0\n{result.describe()}"
    assert (tmp_path / "before.py").read_bytes() == case.after.read_bytes(), result.describe()
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "before.py")
    assert not leftovers, f"fix left temporary files behind: {leftovers}"


def test_fix_of_directory_fixes_good_files_and_skips_bad_ones(rekey: Path, tmp_path: Path):
    tree = tmp_path / "tree"
    copy_as(MY_LAYER / "before.py", tree, "good.py")
    source = (MY_LAYER / "before.py").read_bytes()
    # Not UTF-8: a Latin-1 é in a comment (would otherwise be fixable).
    (tree / "latin1.py").write_bytes(source.replace(b"# import-time", b"# import-time, caf\xe9"))
    # Does not parse: the same file with a broken definition appended.
    (tree / "broken.py").write_bytes(source + b"\ndef broken(:\n    pass\n")
    before = snapshot(tree)
    result = run_rekey(rekey, ["fix", "tree"], cwd=tmp_path)
    assert result.returncode in (0, 1, 2), f"crashed\n{result.describe()}"
    after = snapshot(tree)
    assert after["latin1.py"] == before["latin1.py"], "a non-UTF-8 file was changed"
    assert after["broken.py"] == before["broken.py"], "a file that does not parse was changed"
    assert "latin1.py" in result.stderr, f"no diagnostic for the non-UTF-8 file\n{result.describe()}"
    assert "broken.py" in result.stderr, f"no diagnostic for the unparsable file\n{result.describe()}"
    assert (tree / "good.py").read_bytes() == (MY_LAYER / "after.py").read_bytes(), (
        f"skipping bad files must not stop the good one from being fixed\n{result.describe()}"
    )


@pytest.mark.parametrize(
    "name, content",
    [
        ("latin1.py", (MY_LAYER / "before.py").read_bytes().replace(b"# import-time", b"# import-time, caf\xe9")),
        ("broken.py", (MY_LAYER / "before.py").read_bytes() + b"\ndef broken(:\n    pass\n"),
    ],
    ids=["not-utf8", "does-not-parse"],
)
def test_fix_skips_single_bad_file(name: str, content: bytes, rekey: Path, tmp_path: Path):
    (tmp_path / name).write_bytes(content)
    result = run_rekey(rekey, ["fix", name], cwd=tmp_path)
    assert result.returncode in (0, 1, 2), f"crashed\n{result.describe()}"
    assert (tmp_path / name).read_bytes() == content, f"{name} was changed\n{result.describe()}"
    assert name in result.stderr, f"no diagnostic naming {name}\n{result.describe()}"


def test_fix_does_not_follow_symlink_out_of_tree(rekey: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    target = copy_as(MY_LAYER / "before.py", outside, "target.py")
    tree = tmp_path / "tree"
    copy_as(MY_LAYER / "before.py", tree, "inside.py")
    os.symlink(os.path.join("..", "outside", "target.py"), tree / "link.py")
    target_before = (target.read_bytes(), target.stat().st_mtime_ns)
    result = run_rekey(rekey, ["fix", "tree"], cwd=tmp_path)
    assert result.returncode in (0, 1, 2), f"crashed\n{result.describe()}"
    assert (target.read_bytes(), target.stat().st_mtime_ns) == target_before, "fix wrote through a symlink out of the tree"
    assert (tree / "link.py").is_symlink(), "the symlink itself was replaced"
    assert "link.py" in result.stderr, f"no diagnostic for the skipped symlink\n{result.describe()}"
    assert (tree / "inside.py").read_bytes() == (MY_LAYER / "after.py").read_bytes(), result.describe()


# --- directories -----------------------------------------------------------------------------------


def test_directory_walk_skips_hidden_venv_build_and_pycache(rekey: Path, tmp_path: Path):
    tree = tmp_path / "project"
    copy_as(MY_LAYER / "before.py", tree / "pkg", "model.py")
    for skipped in (".hidden", "venv", ".venv", "build", "__pycache__"):
        copy_as(MY_LAYER / "before.py", tree / skipped, "skipped_module.py")
    (tree / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    copy_as(MY_LAYER / "before.py", tree / "pkg", "notes.txt")  # not *.py
    result = run_rekey(rekey, ["diff", "project"], cwd=tmp_path)
    assert_diff_status(result)
    headers = [line for line in result.stdout.splitlines() if line.startswith("diff --git ")]
    assert headers == ["diff --git a/project/pkg/model.py b/project/pkg/model.py"], result.describe()


# --- diff format edge cases ------------------------------------------------------------------------


def test_crlf_file_gets_a_crlf_diff(rekey: Path, tmp_path: Path):
    before = (MY_LAYER / "before.py").read_bytes().replace(b"\n", b"\r\n")
    after = (MY_LAYER / "after.py").read_bytes().replace(b"\n", b"\r\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "before.py").write_bytes(before)
    original = tmp_path / "original.py"
    original.write_bytes(before)
    result = run_rekey(rekey, ["diff", "before.py"], cwd=work)
    assert_diff_status(result)
    assert_patch_applies(result.stdout.encode("utf-8", errors="surrogateescape"), original, "before.py", after, tmp_path)


def test_missing_final_newline_is_kept(rekey: Path, tmp_path: Path):
    before = (MY_LAYER / "before.py").read_bytes().rstrip(b"\n")
    after = (MY_LAYER / "after.py").read_bytes().rstrip(b"\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "before.py").write_bytes(before)
    original = tmp_path / "original.py"
    original.write_bytes(before)
    result = run_rekey(rekey, ["diff", "before.py"], cwd=work)
    assert_diff_status(result)
    assert "\\ No newline at end of file" in result.stdout, result.describe()
    assert_patch_applies(result.stdout.encode("utf-8", errors="surrogateescape"), original, "before.py", after, tmp_path)


# --- help ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_subcommand_help_shows_an_example(subcommand: str, rekey: Path, tmp_path: Path):
    result = run_rekey(rekey, [subcommand, "--help"], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    text = result.stdout + result.stderr
    assert "example" in text.lower(), f"`rekey {subcommand} --help` shows no example\n{result.describe()}"
    # The usage line names the command too; the example must be a command line of its own.
    examples = [line for line in text.splitlines() if f"rekey {subcommand} " in line and "USAGE" not in line.upper()]
    assert examples, f"the example should be a `rekey {subcommand} ...` command line\n{result.describe()}"


CLOSURE_OVER_FOUR_KEYS = '''\
import jax


def test_draws():
    a, b, c, d = jax.random.split(jax.random.PRNGKey(0), 4)

    def draw():
        return (jax.random.normal(a), jax.random.normal(b), jax.random.normal(c), jax.random.normal(d))

    draw()
    draw()
'''


def test_output_does_not_depend_on_hash_order(rekey: Path, tmp_path: Path):
    # Swift seeds its hashing per process: a finding named after whichever key a set yields first
    # would change from run to run (found on trax, a closure over `rng_1` and `rng_2`).
    (tmp_path / "test_draws.py").write_text(CLOSURE_OVER_FOUR_KEYS)
    # Every run analyses afresh (a cached report would repeat the first run's order).
    outputs = {run_rekey(rekey, ["check", "--no-cache", "--output-format", "json", "."], cwd=tmp_path).stdout for _ in range(8)}
    assert len(outputs) == 1, "\n----\n".join(outputs)
