"""`rekey fix --interactive` (issue 9), through a real pseudo-terminal: each fix is shown as a
patch with its rule, message and tier on standard error, and answered on standard input: y applies
it, n skips it (the summary counts it as declined), a applies it and every later fix of its rule
without asking, q applies nothing more, and the end of the input counts as q. Standard input must
be a terminal. Accepting every fix writes what `rekey fix` writes.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import termios
from dataclasses import dataclass
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import TIMEOUT_SECONDS, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

PROMPT = re.compile(r"Apply this fix\? \[y\]es, \[n\]o, \[a\]ll of (RK\d+), \[q\]uit: ")
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
END_OF_INPUT = b"\x04"  # Ctrl-D at the start of a line: the terminal's reader sees the end of input
INTERRUPT = "\x03"  # Ctrl-C: the terminal sends SIGINT

# A module-level key read by a function (RK001, a safe fix; RK003, by hand) and two keys in
# defaults (RK007, a safe fix each).
SNIPPET = """\
import jax
import jax.random as jr

rng = jax.random.PRNGKey(42)


def features(x):
    return jax.random.normal(rng, (3,)) + x


def test_features():
    assert features(1.0).shape == (3,)


def test_sample_shape(key=jr.PRNGKey(0)):
    assert jr.normal(key, (3,)).shape == (3,)


def test_sample_mean(key=jr.PRNGKey(1)):
    assert abs(float(jr.normal(key, (1000,)).mean())) < 0.2
"""


@dataclass
class Dialogue:
    status: int
    # What the terminal showed before each prompt (the question), colours kept, and each
    # prompt's rule code.
    questions: list[str]
    codes: list[str]
    transcript: str
    stdout: bytes

    def describe(self) -> str:
        return f"exit {self.status}\n--- terminal\n{self.transcript[-6000:]}"


def converse(rekey: Path, args: list[str], cwd: Path, answers: list[str], **environment: str) -> Dialogue:
    """`rekey fix --interactive ARGS` with standard input and error on a pseudo-terminal and
    standard output piped: each prompt gets the next answer, and the end of input once there is
    none left."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    # No progress line between the questions: the transcript is the dialogue alone.
    env.update({"NO_COLOR": "1", "REKEY_PROGRESS_AFTER": "100000"})
    env.update(environment)
    env = {key: value for key, value in env.items() if value}
    controller, terminal = pty.openpty()
    # As a shell starts it: in a session of its own whose controlling terminal is the pty, so
    # Ctrl-C there sends SIGINT, with SIGINT's default action (a test run started in the
    # background inherits it ignored, which rekey keeps).
    def as_a_shell_starts_it():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    process = subprocess.Popen(
        [str(rekey), "fix", "--interactive", *args], cwd=cwd, env=env,
        stdin=terminal, stderr=terminal, stdout=subprocess.PIPE,
        start_new_session=True, preexec_fn=as_a_shell_starts_it)
    os.close(terminal)
    shown, answered, pending = b"", 0, list(answers)
    while True:
        ready, _, _ = select.select([controller], [], [], TIMEOUT_SECONDS)
        if not ready:
            process.kill()
            pytest.fail("rekey neither asked nor ended:\n" + shown.decode(errors="replace"))
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal's other end closed (Linux reports EIO)
            break
        if not chunk:
            break
        shown += chunk
        if len(PROMPT.findall(shown.decode(errors="replace"))) > answered:
            answered += 1
            os.write(controller, (pending.pop(0) + "\n").encode() if pending else END_OF_INPUT)
    os.close(controller)
    stdout = process.stdout.read()
    process.stdout.close()
    status = process.wait(timeout=TIMEOUT_SECONDS)
    transcript = shown.decode(errors="replace").replace("\r\n", "\n")
    parts = PROMPT.split(transcript)
    # split() gives text, code, text, code, …, text: each question is the text before its code.
    return Dialogue(status, parts[0:-1:2], parts[1::2], transcript, stdout)


def snippet(tmp_path: Path, name: str = "tree") -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / "m.py").write_text(SNIPPET, encoding="utf-8")
    return root


def summary_line(dialogue: Dialogue) -> str:
    lines = [line for line in dialogue.transcript.splitlines() if line.startswith("rekey: ")]
    assert lines, dialogue.describe()
    return lines[-1]


def python_files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*.py"))}


def test_each_question_shows_the_finding_its_tier_and_its_patch(rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    dialogue = converse(rekey, ["m.py"], root, ["y", "y", "y"])
    assert dialogue.status == 0 and dialogue.codes == ["RK001", "RK007", "RK007"], dialogue.describe()
    first = dialogue.questions[0]
    assert "m.py:4:1: RK001 `rng` is a PRNG key created at import time" in first and "[safe fix]" in first
    assert "  fix: " in first
    assert "diff --git a/m.py b/m.py\n--- a/m.py\n+++ b/m.py\n@@ " in first
    assert "\n-rng = jax.random.PRNGKey(42)\n" in first
    # Only this fix's changes: the defaults are the next questions'.
    assert "-def test_sample_shape(key=jr.PRNGKey(0)):" not in first
    assert "-def test_sample_shape(key=jr.PRNGKey(0)):" in dialogue.questions[1]
    assert "\x1b" not in dialogue.transcript, "NO_COLOR is set"
    assert dialogue.stdout == b"", "standard output stays empty, as with fix"


def test_yes_to_every_fix_writes_what_fix_writes(rekey: Path, tmp_path: Path):
    interactive, plain = snippet(tmp_path, "interactive"), snippet(tmp_path, "plain")
    assert run_rekey(rekey, ["fix", "m.py"], cwd=plain).returncode == 0
    dialogue = converse(rekey, ["m.py"], interactive, ["y"] * 3)
    assert dialogue.status == 0 and len(dialogue.codes) == 3, dialogue.describe()
    assert (interactive / "m.py").read_bytes() == (plain / "m.py").read_bytes() != SNIPPET.encode()
    assert "0 left" in summary_line(dialogue) and "declined" not in summary_line(dialogue)


def test_yes_to_every_fix_of_a_fixture_tree_over_several_rounds(rekey: Path, tmp_path: Path):
    """Fixes that later rounds expose are asked about too, and the result is `fix --unsafe-fixes`'s."""
    interactive, plain = tmp_path / "interactive", tmp_path / "plain"
    for root in (interactive, plain):
        shutil.copytree(FIXTURES_ROOT / "RK008", root)
    result = run_rekey(rekey, ["fix", "--unsafe-fixes", "--report", "report.json", "."], cwd=plain)
    assert result.returncode == 0, result.describe()
    rounds = json.loads((plain / "report.json").read_text())["summary"]["rounds"]
    dialogue = converse(rekey, ["--unsafe-fixes", "."], interactive, ["y"] * 200)
    assert dialogue.status == 0, dialogue.describe()
    assert rounds > 1, "the tree should need more than one round"
    assert python_files(interactive) == python_files(plain) != python_files(FIXTURES_ROOT / "RK008")
    assert "declined" not in summary_line(dialogue)


def test_no_leaves_the_file_as_it_was_and_the_summary_says_declined(rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    dialogue = converse(rekey, ["--report", "report.json", "m.py"], root, ["n", "n", "n"])
    assert dialogue.status == 0 and len(dialogue.codes) == 3, dialogue.describe()
    assert (root / "m.py").read_text(encoding="utf-8") == SNIPPET
    line = summary_line(dialogue)
    assert "4 findings: 0 fixed, 4 left: 1 for hand migration, 3 fixes declined (--interactive). " in line, line
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["fixes_declined"] == 3
    declined = [site for site in report["sites"] if site["kind"] == "declined"]
    assert [site["code"] for site in declined] == ["RK001", "RK007", "RK007"]
    assert all("declined at the prompt" in site["reason"] for site in declined)


def test_all_applies_every_fix_of_one_rule_without_asking_again(rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    dialogue = converse(rekey, ["m.py"], root, ["n", "a"])
    assert dialogue.status == 0 and dialogue.codes == ["RK001", "RK007"], dialogue.describe()
    text = (root / "m.py").read_text(encoding="utf-8")
    assert "\nrng = jax.random.PRNGKey(42)\n" in text, "RK001 was declined"
    assert "=jr.PRNGKey(" not in text, "both RK007 fixes were applied"
    assert "RK007: 2" in summary_line(dialogue) and "1 fix declined" in summary_line(dialogue)


def test_quit_applies_what_was_accepted_and_nothing_more(rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    dialogue = converse(rekey, ["m.py"], root, ["y", "q"])
    assert dialogue.status == 0 and dialogue.codes == ["RK001", "RK007"], dialogue.describe()
    text = (root / "m.py").read_text(encoding="utf-8")
    assert "\nrng = jax.random.PRNGKey(42)\n" not in text, "RK001 was accepted"
    assert text.count("=jr.PRNGKey(") == 2, "no RK007 fix after q"
    assert "2 fixes declined" in summary_line(dialogue), dialogue.describe()


def test_end_of_input_is_quit(rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    dialogue = converse(rekey, ["--report", "report.json", "m.py"], root, [])
    assert dialogue.status == 0 and dialogue.codes == ["RK001"], dialogue.describe()
    assert (root / "m.py").read_text(encoding="utf-8") == SNIPPET
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    reasons = [site["reason"] for site in report["sites"] if site["kind"] == "declined"]
    assert len(reasons) == 3 and sum("the review was stopped (q) before it was accepted" in reason for reason in reasons) == 3


def test_interrupting_at_a_question_writes_nothing(rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    dialogue = converse(rekey, ["m.py"], root, ["y", INTERRUPT])
    assert dialogue.status == -signal.SIGINT and dialogue.codes == ["RK001", "RK007"], dialogue.describe()
    assert (root / "m.py").read_text(encoding="utf-8") == SNIPPET, "the accepted fix was not written either"


def test_an_unknown_answer_is_asked_again(rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    dialogue = converse(rekey, ["m.py"], root, ["maybe", "q"])
    assert dialogue.codes == ["RK001", "RK001"], dialogue.describe()
    assert "Answer y, n, a or q." in dialogue.questions[1]
    assert (root / "m.py").read_text(encoding="utf-8") == SNIPPET


def test_a_fix_over_two_files_is_one_question_with_both_patches(rekey: Path, tmp_path: Path):
    package = tmp_path / "tree" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "noise.py").write_text(
        "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef noise(shape):\n    return jax.random.normal(KEY, shape)\n",
        encoding="utf-8")
    (package / "main.py").write_text(
        "from pkg.noise import noise\n\n\ndef test_noise():\n    assert noise((2,)).shape == (2,)\n", encoding="utf-8")
    dialogue = converse(rekey, ["--unsafe-fixes", "pkg"], tmp_path / "tree", ["y"])
    assert dialogue.status == 0 and dialogue.codes == ["RK001"], dialogue.describe()
    question = dialogue.questions[0]
    assert "[unsafe fix]" in question
    assert "diff --git a/pkg/main.py b/pkg/main.py" in question and "diff --git a/pkg/noise.py b/pkg/noise.py" in question
    assert "noise((2,), key=key)" in (package / "main.py").read_text(encoding="utf-8")


def test_the_patch_is_coloured_on_a_colour_terminal(rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    dialogue = converse(rekey, ["m.py"], root, [], NO_COLOR="", TERM="xterm")
    assert "\x1b[31m-rng = jax.random.PRNGKey(42)\x1b[0m" in dialogue.questions[0], dialogue.describe()
    assert PROMPT.search(ESCAPE.sub("", dialogue.transcript))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--interactive reads its answers from the terminal, and standard input is not one"),
        (["--quiet"], "--interactive and --quiet exclude each other"),
    ])
def test_interactive_needs_a_terminal_and_a_summary(args: list[str], message: str, rekey: Path, tmp_path: Path):
    root = snippet(tmp_path)
    result = run_rekey(rekey, ["fix", "--interactive", *args, "m.py"], cwd=root)
    assert result.returncode == 2 and message in result.stderr, result.describe()
    assert (root / "m.py").read_text(encoding="utf-8") == SNIPPET
