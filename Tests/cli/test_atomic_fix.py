"""`rekey fix` writes as a unit, and loses nothing (the reliability issue, items 4 to 8 and 15).

The files one fix edits are committed together: all, or none. An edit made while rekey writes
is kept, never overwritten. An interrupted run leaves no temporary file and no half-migrated
package; a killed one leaves a journal the next run finishes or rolls back. Owner and mode are
kept; hard-linked and read-only files are refused; `--report` writes through a symbolic link.

Timing-dependent cases hold rekey inside its commit with strace's syscall delay (the way the
issue reproduced them); they are skipped where strace cannot trace.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import TIMEOUT_SECONDS, copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

MY_LAYER = FIXTURES_ROOT / "RK001" / "my_layer"
BEFORE = (MY_LAYER / "before.py").read_bytes()
AFTER = (MY_LAYER / "after.py").read_bytes()

# The item 4: a module key used by `f` in a.py; b.py calls `f`. The fix gives `f` a key
# parameter and b.py's call a key: one fix, two files.
PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/a.py": "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef f(x):\n    return x + jax.random.normal(KEY, (2,))\n",
    "pkg/b.py": "from pkg.a import f\n\n\ndef main():\n    return f(1)\n\n\nif __name__ == \"__main__\":\n    print(main())\n",
}
FIX_PACKAGE = ["fix", "--unsafe-fixes", "pkg"]


def make_package(root: Path) -> dict[str, bytes]:
    for name, text in PACKAGE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return snapshot(root)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root`, hidden ones (temporary files, journals) included."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def fixed_package(tmp_path: Path) -> dict[str, bytes]:
    """What a successful fix of PACKAGE writes, from a run in a scratch copy."""
    scratch = tmp_path / "reference"
    scratch.mkdir(parents=True)
    make_package(scratch)
    result = run_rekey(REKEY, FIX_PACKAGE, cwd=scratch)
    assert result.returncode == 0, result.describe()
    fixed = snapshot(scratch)
    assert fixed != snapshot_of_text(), "the reference fix changed nothing"
    return fixed


def snapshot_of_text() -> dict[str, bytes]:
    return {name: text.encode() for name, text in PACKAGE.items()}


REKEY = Path(os.environ.get("REKEY", "rekey"))


def runs_pkg_b(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pkg.b"], cwd=root, capture_output=True, text=True,
                          timeout=TIMEOUT_SECONDS, env=dict(os.environ, JAX_PLATFORMS="cpu", PYTHONDONTWRITEBYTECODE="1"))


# --- a unit that cannot be written (item 4) ---------------------------------------------------------


def immutable(path: Path) -> bool:
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("how", ["chattr", "read-only"])
def test_a_fix_across_two_files_is_written_to_both_or_neither(how: str, rekey: Path, tmp_path: Path):
    before = make_package(tmp_path)
    blocked = tmp_path / "pkg" / "b.py"
    if how == "chattr":
        if shutil.which("chattr") is None or not immutable(blocked):
            pytest.skip("chattr +i is not available here (needs root and a file system with attributes)")
    else:
        blocked.chmod(0o444)
    try:
        result = run_rekey(rekey, [*FIX_PACKAGE, "--report", "report.json"], cwd=tmp_path)
    finally:
        if how == "chattr":
            subprocess.run(["chattr", "-i", str(blocked)], check=True)
    assert result.returncode == 2, result.describe()
    after = snapshot(tmp_path)
    after.pop("report.json")
    assert after == before, f"a file was written, or a temporary file left\n{result.describe()}"
    assert "pkg/a.py: error: not written: a fix also edits pkg/b.py" in result.stderr, result.describe()
    assert runs_pkg_b(tmp_path).returncode == 0, "the package must still run"
    # Item 15: nothing of the files not written counts as fixed.
    assert ": 0 fixed, " in result.stderr and "0 fixes applied in 0 files; 2 changed files not written" in result.stderr, result.describe()
    summary = json.loads((tmp_path / "report.json").read_text())["summary"]
    assert summary["fixes_applied"] == 0 and summary["files_changed"] == 0, summary


def test_an_unrelated_file_is_still_fixed_when_another_unit_fails(rekey: Path, tmp_path: Path):
    make_package(tmp_path)
    copy_as(MY_LAYER / "before.py", tmp_path / "pkg", "layer.py")
    (tmp_path / "pkg" / "b.py").chmod(0o444)
    result = run_rekey(rekey, FIX_PACKAGE, cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert (tmp_path / "pkg" / "layer.py").read_bytes() == AFTER, result.describe()
    assert (tmp_path / "pkg" / "a.py").read_text() == PACKAGE["pkg/a.py"], result.describe()
    assert "1 fix applied in 1 file (RK001: 1)" in result.stderr, result.describe()


# --- owner, mode, hard links, read-only files (item 8) ----------------------------------------------


def test_mode_and_owner_are_kept(rekey: Path, tmp_path: Path):
    target = copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    target.chmod(0o640)
    as_root = os.geteuid() == 0
    if as_root:
        os.chown(target, 4321, 4322)
    result = run_rekey(rekey, ["fix", "m.py"], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    status = target.stat()
    assert target.read_bytes() == AFTER
    assert status.st_mode & 0o7777 == 0o640
    if as_root:
        assert (status.st_uid, status.st_gid) == (4321, 4322), "a run as root made the user's file root-owned"


def test_a_hard_linked_file_is_refused_and_its_links_kept(rekey: Path, tmp_path: Path):
    target = copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    os.link(target, tmp_path / "snapshot.py")
    result = run_rekey(rekey, ["fix", "m.py"], cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "has 2 hard links" in result.stderr, result.describe()
    assert target.read_bytes() == BEFORE and os.path.samefile(target, tmp_path / "snapshot.py")


def test_a_read_only_file_is_refused(rekey: Path, tmp_path: Path):
    target = copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    target.chmod(0o444)
    result = run_rekey(rekey, ["fix", "m.py"], cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "read-only (mode 444)" in result.stderr, result.describe()
    assert target.read_bytes() == BEFORE and target.stat().st_mode & 0o777 == 0o444


# --- the report (item 7) ----------------------------------------------------------------------------


def test_a_report_over_a_symbolic_link_is_written_through_and_keeps_its_mode(rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "report.json"
    real.write_text("{}")
    real.chmod(0o640)
    os.symlink("reports/report.json", tmp_path / "report.json")
    result = run_rekey(rekey, ["fix", "--report", "report.json", "m.py"], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert (tmp_path / "report.json").is_symlink(), "the link was replaced by a file"
    assert json.loads(real.read_text())["command"] == "fix"
    assert real.stat().st_mode & 0o777 == 0o640


def test_a_report_over_a_dangling_link_is_refused(rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    os.symlink("nowhere/report.json", tmp_path / "report.json")
    result = run_rekey(rekey, ["fix", "--report", "report.json", "m.py"], cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "report not written: a symbolic link to nowhere/report.json, which does not exist" in result.stderr, result.describe()


# --- inside the commit: races, signals, kills (items 4, 5, 6) ---------------------------------------


def strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    return subprocess.run(["strace", "-f", "-o", "/dev/null", "true"], capture_output=True).returncode == 0


needs_strace = pytest.mark.skipif(not strace_works(), reason="strace is missing or may not trace here")


def held_in_commit(rekey: Path, args: list[str], cwd: Path, nth_swap: int, seconds: float = 4) -> tuple[subprocess.Popen, int]:
    """Starts rekey under strace with its `nth_swap` renameat2 call held for `seconds`; returns
    strace's process and rekey's pid once the hold has begun. SIGINT has its default action there
    (a test run started in the background inherits it ignored, which rekey keeps)."""
    process = subprocess.Popen(
        ["strace", "-f", "-o", "/dev/null", "-e", "trace=renameat2",
         "-e", f"inject=renameat2:delay_enter={int(seconds * 1_000_000)}:when={nth_swap}", str(rekey), *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # strace forks probes of its own before the tracee: the child wanted is the one running rekey.
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        for pid in (children.read_text().split() if children.exists() else []):
            try:
                if os.readlink(f"/proc/{pid}/exe") == os.path.realpath(rekey):
                    return process, int(pid)
            except OSError:
                pass
        time.sleep(0.005)
    raise AssertionError("rekey did not start under strace")


def wait_until(condition, what: str):
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def side_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*") if p.is_file())


@needs_strace
def test_an_edit_made_while_rekey_replaces_the_file_is_kept(rekey: Path, tmp_path: Path):
    # The item 5: rekey has compared the file and is about to put its version in place;
    # an append lands in between. It must survive, and the run must say the file was not written.
    target = copy_as(MY_LAYER / "before.py", tmp_path, "m.py")
    process, _ = held_in_commit(rekey, ["fix", "m.py"], tmp_path, nth_swap=1)
    wait_until(lambda: any(name.startswith(".m.py.rekey-") for name in os.listdir(tmp_path)), "the staged file")
    time.sleep(0.5)  # inside the held swap
    with open(target, "ab") as file:
        file.write(b"appended = True\n")
    _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    assert process.returncode == 2, stderr.decode(errors="replace")
    assert b"changed on disk" in stderr
    assert target.read_bytes() == BEFORE + b"appended = True\n"
    assert side_files(tmp_path) == []


@needs_strace
@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_commit_puts_every_file_back(sent: signal.Signals, rekey: Path, tmp_path: Path):
    before = make_package(tmp_path)
    # Held long enough for this test to see the first swap on a loaded machine (4 s was not, once);
    # the signal is handled when the hold ends.
    process, child = held_in_commit(rekey, FIX_PACKAGE, tmp_path, nth_swap=2, seconds=8)
    wait_until(lambda: (tmp_path / "pkg" / "a.py").read_bytes() != before["pkg/a.py"], "the first file's swap")
    os.kill(child, sent)
    process.communicate(timeout=TIMEOUT_SECONDS)
    assert process.returncode == -sent, f"rekey should end by {sent.name}, got {process.returncode}"
    assert snapshot(tmp_path) == before, "a file was left replaced, or a temporary file left behind"


@needs_strace
def test_a_killed_commit_is_rolled_back_by_the_next_fix_which_says_so(rekey: Path, tmp_path: Path):
    before = make_package(tmp_path)
    process, child = held_in_commit(rekey, FIX_PACKAGE, tmp_path, nth_swap=2)
    wait_until(lambda: (tmp_path / "pkg" / "a.py").read_bytes() != before["pkg/a.py"], "the first file's swap")
    os.kill(child, signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    assert (tmp_path / "pkg" / "b.py").read_bytes() == before["pkg/b.py"], "the kill came too late to test anything"
    assert any(".rekey-journal-" in name for name in side_files(tmp_path)), "no journal was left"

    # Without the cache, so the tree holds only what fix wrote.
    check = run_rekey(rekey, ["check", "--no-cache", "pkg"], cwd=tmp_path)
    assert "an interrupted `rekey fix` left this journal" in check.stderr, check.describe()

    (tmp_path / "pkg" / "b.py").chmod(0o444)  # so that the second run rolls back and writes nothing new
    result = run_rekey(rekey, FIX_PACKAGE, cwd=tmp_path)
    assert "was rolled back: restored pkg/a.py" in result.stderr, result.describe()
    assert snapshot(tmp_path) == before, result.describe()


@needs_strace
def test_after_a_killed_commit_the_next_fix_completes_the_migration(rekey: Path, tmp_path: Path):
    before = make_package(tmp_path)
    process, child = held_in_commit(rekey, FIX_PACKAGE, tmp_path, nth_swap=2)
    wait_until(lambda: (tmp_path / "pkg" / "a.py").read_bytes() != before["pkg/a.py"], "the first file's swap")
    os.kill(child, signal.SIGKILL)
    process.communicate(timeout=TIMEOUT_SECONDS)
    result = run_rekey(rekey, FIX_PACKAGE, cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert snapshot(tmp_path) == fixed_package(tmp_path / "ref"), result.describe()
    assert runs_pkg_b(tmp_path).returncode == 0
