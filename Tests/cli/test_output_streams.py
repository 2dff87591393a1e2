"""What rekey writes, and what happens when it cannot (the reliability issue, items 3, 12, 13, 15).

Standard output or standard error that cannot be written (`>/dev/full`, `>&-`) is exit 2 with a
message (on standard error, when that still works), never a trap and never a silent success; a
`fix` whose standard error fails still writes its files and its `--report`. Patch headers quote
file names as git does, and both `git apply` and `patch -p1` take them. A file name that starts
with `-` is a usage error with a hint, and `--` makes it a path.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import TIMEOUT_SECONDS, assert_diff_status, assert_patch_applies, copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

MY_LAYER = FIXTURES_ROOT / "RK001" / "my_layer"
BEFORE = (MY_LAYER / "before.py").read_bytes()
AFTER = (MY_LAYER / "after.py").read_bytes()


def run_with_streams(rekey: Path, args: list[str], cwd: Path, stdout, stderr, close: tuple[int, ...] = ()):
    """Runs rekey with the given stdout/stderr targets; descriptors in `close` are closed in the child."""

    def close_descriptors():
        for descriptor in close:
            os.close(descriptor)

    return subprocess.run(
        [str(rekey), *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
        timeout=TIMEOUT_SECONDS, preexec_fn=close_descriptors if close else None,
    )


# --- standard output --------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["dev-full", "closed"])
@pytest.mark.parametrize("subcommand", ["diff", "check"])
def test_unwritable_standard_output_is_exit_2_with_a_message(how: str, subcommand: str, rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    with open("/dev/full", "wb") as full:
        process = run_with_streams(
            rekey, [subcommand, "m.py"], tmp_path,
            stdout=full if how == "dev-full" else subprocess.DEVNULL, stderr=subprocess.PIPE,
            close=(1,) if how == "closed" else ())
    stderr = process.stderr.decode(errors="replace")
    assert process.returncode == 2, f"the {subcommand} output was lost, yet exit {process.returncode}\n{stderr}"
    assert "cannot write to standard output" in stderr, stderr
    assert (tmp_path / "m.py").read_bytes() == BEFORE


# --- standard error ---------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["dev-full", "closed"])
def test_unwritable_standard_error_does_not_trap_and_fix_still_writes_files_and_report(how: str, rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    with open("/dev/full", "wb") as full:
        process = run_with_streams(
            rekey, ["fix", "--report", "report.json", "m.py"], tmp_path, stdout=subprocess.PIPE,
            stderr=full if how == "dev-full" else subprocess.DEVNULL, close=(2,) if how == "closed" else ())
    assert process.returncode == 2, f"expected exit 2 (the summary was lost), got {process.returncode}"
    assert (tmp_path / "m.py").read_bytes() == AFTER, "fix must still write the files"
    assert (tmp_path / "report.json").is_file(), "fix must still write the report"
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("m.py", "report.json"))
    assert not leftovers, f"temporary files left behind: {leftovers}"


def test_a_closed_standard_error_is_not_reused_for_a_file(rekey: Path, tmp_path: Path):
    # With descriptor 2 closed, the next file rekey opens would get number 2, and the summary
    # would be written into it: the written file must be exactly the fixed source.
    copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    process = run_with_streams(rekey, ["fix", "m.py"], tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, close=(2,))
    assert process.returncode == 2
    assert (tmp_path / "m.py").read_bytes() == AFTER


# --- patch file names -------------------------------------------------------------------------------

SPECIAL_NAMES = ["sp ace.py", "t\tab.py", "nl\nx.py", "é.py", 'q"uote.py', "back\\slash.py", "s p\tt.py"]


@pytest.mark.parametrize("name", SPECIAL_NAMES, ids=lambda name: name.encode("unicode_escape").decode())
def test_patch_names_are_quoted_as_git_quotes_them_and_both_clients_apply_them(name: str, rekey: Path, tmp_path: Path):
    work = tmp_path / "work"
    copy_as(MY_LAYER / "before.py", work, name)
    result = run_rekey(rekey, ["diff", "."], cwd=work)
    assert_diff_status(result)
    original = copy_as(MY_LAYER / "before.py", tmp_path / "original", "before.py")
    assert_patch_applies(result.stdout.encode("utf-8", errors="surrogateescape"), original, name, AFTER, tmp_path)


def test_the_header_is_what_git_writes(rekey: Path, tmp_path: Path):
    # git's own diff of the same change, in a repository, is the reference for the header lines.
    name = "s p\tt.py"
    repo = tmp_path / "repo"
    copy_as(MY_LAYER / "before.py", repo, name)
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    for command in (["git", "init", "-q", "."], ["git", "add", "-A"], ["git", "commit", "-qm", "before"]):
        subprocess.run(command, cwd=repo, check=True, env=env, capture_output=True)
    result = run_rekey(rekey, ["diff", "."], cwd=repo)
    (repo / name).write_bytes(AFTER)
    git = subprocess.run(["git", "diff"], cwd=repo, check=True, env=env, capture_output=True).stdout.decode()
    ours = [line for line in result.stdout.splitlines() if line.startswith(("diff --git", "---", "+++"))]
    theirs = [line for line in git.splitlines() if line.startswith(("diff --git", "---", "+++"))]
    assert ours == theirs, f"ours:\n{ours}\ngit:\n{theirs}"


# --- arguments that look like options ---------------------------------------------------------------


def test_a_file_name_starting_with_a_dash_is_a_usage_error_with_a_hint(rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER / "before.py", tmp_path, "-dash.py")
    result = run_rekey(rekey, ["check", "-dash.py"], cwd=tmp_path)
    assert result.returncode == 2, f"`rekey check -dash.py` must not show the help and pass\n{result.describe()}"
    assert "--" in result.stderr and "-dash.py" in result.stderr, result.describe()
    result = run_rekey(rekey, ["check", "--", "-dash.py"], cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    assert "-dash.py:4:1: RK001" in result.stdout, result.describe()
