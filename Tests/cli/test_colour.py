"""`--color auto|always|never` (the ways-people-run-rekey issue, "Exit codes, output and review"):
the text report and the patch in ANSI colour on a terminal, as ruff and git colour theirs;
`NO_COLOR` turns the default off and `FORCE_COLOR` on; never when the output is not a terminal
(a patch piped to `git apply` must stay a patch). Stripped of its colour, the output is exactly
the plain one.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import TIMEOUT_SECONDS, copy_as, rekey_path_or_skip, run_on_terminal, run_rekey

rekey_path_or_skip()

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
RED, GREEN = "\x1b[31m", "\x1b[32m"


def tree(tmp_path: Path) -> Path:
    copy_as(FIXTURES_ROOT / "RK001" / "my_layer" / "before.py", tmp_path, "m.py")
    return tmp_path


def on_terminal(rekey: Path, args: list[str], cwd: Path, **environment: str) -> str:
    """Standard output of rekey when it is a terminal (with `environment` over the test's)."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(environment)
    _, output, _ = run_on_terminal(rekey, args, cwd, env, terminal="stdout")
    return output.decode().replace("\r\n", "\n")


@pytest.mark.parametrize("command", ["check", "diff"])
def test_always_colours_and_strips_to_the_plain_output(command: str, rekey: Path, tmp_path: Path):
    root = tree(tmp_path)
    plain = run_rekey(rekey, [command, "m.py"], cwd=root).stdout
    coloured = run_rekey(rekey, [command, "--color", "always", "m.py"], cwd=root).stdout
    assert RED in coloured and coloured != plain
    assert ESCAPE.sub("", coloured) == plain
    if command == "diff":
        added = [line for line in coloured.splitlines() if ESCAPE.sub("", line).startswith("+ ")]
        assert added and all(line.startswith(GREEN) for line in added), coloured


@pytest.mark.parametrize("command", ["check", "diff"])
def test_no_colour_when_not_a_terminal(command: str, rekey: Path, tmp_path: Path):
    root = tree(tmp_path)
    for args in ([], ["--color", "auto"], ["--color", "never"]):
        assert "\x1b" not in run_rekey(rekey, [command, *args, "m.py"], cwd=root).stdout


def test_terminal_default_and_the_environment(rekey: Path, tmp_path: Path):
    root = tree(tmp_path)
    assert RED in on_terminal(rekey, ["check", "m.py"], root)
    assert "\x1b" not in on_terminal(rekey, ["check", "m.py"], root, NO_COLOR="1")
    assert "\x1b" not in on_terminal(rekey, ["check", "--color", "never", "m.py"], root)
    assert RED in on_terminal(rekey, ["check", "--color", "always", "m.py"], root, NO_COLOR="1")


def test_force_colour_without_a_terminal(rekey: Path, tmp_path: Path):
    root = tree(tmp_path)
    result = subprocess.run([str(rekey), "check", "m.py"], cwd=root, capture_output=True, text=True,
                            env=dict(os.environ, FORCE_COLOR="1"), timeout=TIMEOUT_SECONDS)
    assert RED in result.stdout
