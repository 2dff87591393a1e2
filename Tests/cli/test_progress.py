"""The progress line (the structure issue, "Speed and memory at scale"): on a terminal, for runs
longer than about a second, `rekey: analysing N/M files` redrawn in place on standard error and
erased before anything else is written; nothing at all when standard error is not a terminal.

`REKEY_PROGRESS_AFTER` sets how long a run goes before the line appears (1 s by default), so a
run over a handful of files can show it here.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from fixture_cases import FIXTURES_ROOT
from rekey_cli import TIMEOUT_SECONDS, copy_as, rekey_path_or_skip, run_on_terminal

rekey_path_or_skip()

ERASE = b"\r\x1b[2K"


def project(tmp_path: Path, files: int = 6) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for index in range(files):
        copy_as(FIXTURES_ROOT / "RK004" / "neg_fold_in_twice" / "before.py", tmp_path, f"m{index}.py")
    copy_as(FIXTURES_ROOT / "RK001" / "my_layer" / "before.py", tmp_path, "layer.py")
    return tmp_path


def run(rekey: Path, args: list[str], cwd: Path, *, terminal: bool, after: str | None) -> tuple[int, bytes, bytes]:
    """Runs rekey with standard output piped and standard error a terminal (or a pipe)."""
    env = dict(os.environ)
    env.pop("REKEY_PROGRESS_AFTER", None)
    if after is not None:
        env["REKEY_PROGRESS_AFTER"] = after
    if not terminal:
        done = subprocess.run([str(rekey), *args], cwd=cwd, env=env, capture_output=True, timeout=TIMEOUT_SECONDS)
        return done.returncode, done.stdout, done.stderr
    return run_on_terminal(rekey, args, cwd, env, terminal="stderr")


def test_terminal_shows_files_done_then_erases_the_line(rekey: Path, tmp_path: Path):
    status, output, error = run(rekey, ["check", "."], project(tmp_path), terminal=True, after="0")
    assert status == 1
    assert b"rekey: analysing 7/7 files" in error
    # Erased before the report went to standard output.
    assert error.endswith(ERASE)
    assert b"RK001" in output


def test_diff_shows_its_fix_rounds(rekey: Path, tmp_path: Path):
    status, output, error = run(rekey, ["diff", "."], project(tmp_path), terminal=True, after="0")
    assert status == 1, error
    assert b"rekey: applying fixes, round 1" in error
    # The summary starts on a line of its own.
    summary = re.search(rb"rekey: \d+ findings?: ", error).start()
    assert error[:summary].endswith(ERASE)
    assert output.startswith(b"diff --git a/layer.py")


def test_quick_run_shows_nothing(rekey: Path, tmp_path: Path):
    _, _, error = run(rekey, ["check", "."], project(tmp_path), terminal=True, after=None)
    assert b"analysing" not in error and ERASE not in error


def test_nothing_when_standard_error_is_not_a_terminal(rekey: Path, tmp_path: Path):
    _, _, error = run(rekey, ["check", "."], project(tmp_path), terminal=False, after="0")
    assert b"analysing" not in error and b"\r" not in error and b"\x1b" not in error
