"""Helpers for the end-to-end tests of the built `rekey` binary (path in the REKEY env variable)."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMEOUT_SECONDS = 120


def rekey_path_or_skip() -> str:
    """REKEY's value; skips the calling test module when it is unset (call at module level)."""
    value = os.environ.get("REKEY", "")
    if not value:
        pytest.skip(
            "REKEY is not set: these tests run the built binary; scripts/test sets "
            "REKEY=$(swift build --show-bin-path)/rekey",
            allow_module_level=True,
        )
    return value


def checked_rekey_path(value: str) -> Path:
    """REKEY must name an executable file when it is set: a wrong path fails, it does not skip."""
    path = Path(value)
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"REKEY={value} is not an executable file (build it with 'swift build' first)")
    return path


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (
            f"rekey {' '.join(self.args)} -> exit {self.returncode}\n"
            f"--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}"
        )


def run_rekey(rekey: Path, args: list[str], cwd: Path) -> Result:
    # newline="" semantics: keep "\r\n" in the output as it is, CRLF files produce CRLF diffs.
    process = subprocess.run(
        [str(rekey), *args],
        cwd=cwd,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        stdin=subprocess.DEVNULL,
    )
    return Result(
        args,
        process.returncode,
        process.stdout.decode("utf-8", errors="surrogateescape"),
        process.stderr.decode("utf-8", errors="surrogateescape"),
    )


def compiles(source: bytes) -> bool:
    """Whether CPython compiles `source` (as the files rekey reads and writes must)."""
    try:
        compile(source, "<input>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def copy_as(source: Path, directory: Path, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    shutil.copyfile(source, target)
    return target


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        stdin=subprocess.DEVNULL,
        # Outside any repository, `git apply` behaves like patch(1) on the work tree.
        env=dict(os.environ, GIT_CEILING_DIRECTORIES=str(cwd.parent)),
    )


def git_apply(patch_file: Path, tree: Path, check_only: bool) -> subprocess.CompletedProcess:
    command = ["git", "apply", "--verbose"]
    if check_only:
        command.append("--check")
    return _run([*command, str(patch_file)], tree)


def patch_apply(patch_file: Path, tree: Path, dry_run: bool) -> subprocess.CompletedProcess:
    # --fuzz=0: the diff was made from exactly this file, so its context must match exactly.
    command = ["patch", "-p1", "--batch", "--fuzz=0", "--no-backup-if-mismatch", "-i", str(patch_file)]
    if dry_run:
        command.append("--dry-run")
    return _run(command, tree)


def assert_patch_applies(diff: bytes, original: Path, name: str, expected: bytes, workdir: Path) -> None:
    """The diff (made for `name` with cwd = its folder) passes `git apply --check` and
    `patch -p1 --dry-run`, and applying it with each client turns `original` into `expected`."""
    patch_file = workdir / "rekey.diff"
    patch_file.write_bytes(diff)
    for client in ("git", "patch"):
        tree = workdir / f"tree-{client}"
        copy_as(original, tree, name)
        if client == "git":
            check, apply = (git_apply(patch_file, tree, check_only=flag) for flag in (True, False))
        else:
            check = patch_apply(patch_file, tree, dry_run=True)
            # patch reports hunks found at another line as "offset": the hunk headers are wrong.
            assert "offset" not in check.stdout, f"patch needed offsets (wrong hunk headers):\n{check.stdout}"
            apply = patch_apply(patch_file, tree, dry_run=False)
        assert check.returncode == 0, f"{client} refuses the diff (check):\n{check.stdout}{check.stderr}\n--- diff\n{diff.decode(errors='replace')}"
        assert apply.returncode == 0, f"{client} failed to apply the diff:\n{apply.stdout}{apply.stderr}"
        got = (tree / name).read_bytes()
        assert got == expected, (
            f"applying the diff with {client} does not give the expected file\n--- got\n"
            f"{got.decode(errors='replace')}\n--- expected\n{expected.decode(errors='replace')}"
        )
        leftovers = sorted(p.name for p in tree.iterdir() if p.name != name)
        assert not leftovers, f"{client} left extra files (rejects?): {leftovers}"


def assert_diff_status(result: Result) -> None:
    """`rekey diff` exits 1 when its patch is not empty and 0 when it is (as `ruff check --diff`)."""
    expected = 1 if result.stdout else 0
    assert result.returncode == expected, f"expected exit {expected}\n{result.describe()}"


def run_on_terminal(
    rekey: Path, args: list[str], cwd: Path, env: dict[str, str], *, terminal: str
) -> tuple[int, bytes, bytes]:
    """Runs rekey with one standard stream (`terminal`: "stdout" or "stderr") a pseudo-terminal and
    the other piped; returns the exit status, standard output and standard error. For small
    outputs: the pipe is read once the terminal closes."""
    controller, terminal_end = pty.openpty()
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, terminal: terminal_end}
    process = subprocess.Popen([str(rekey), *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, **streams)
    os.close(terminal_end)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal's other end closed (Linux reports EIO)
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    pipe = process.stderr if terminal == "stdout" else process.stdout
    piped = pipe.read()
    pipe.close()
    status = process.wait(timeout=TIMEOUT_SECONDS)
    return (status, shown, piped) if terminal == "stdout" else (status, piped, shown)
