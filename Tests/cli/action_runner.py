"""action.yml's steps run as a GitHub runner runs them: each step's `run` with
`bash --noprofile --norc -eo pipefail`, its `env` with the `${{ inputs.* }}` expressions replaced
by the inputs given or their defaults in action.yml, in GITHUB_WORKSPACE, with GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY, GITHUB_PATH, RUNNER_TEMP and GITHUB_ACTION_PATH set, and the folders a step
appends to GITHUB_PATH on the next steps' PATH. Shared by Tests/cli/test_github_action.py (a
preinstalled rekey) and Tests/dist (the wheel installed by the action's pip step)."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from rekey_cli import TIMEOUT_SECONDS

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
INPUT_EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")


@dataclass
class StepRun:
    status: int
    stdout: str
    stderr: str
    outputs: dict[str, str]

    def describe(self) -> str:
        return f"exit {self.status}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}"


class Runner:
    """One job's runner: a workspace, its temporary folder and the files the steps write to."""

    def __init__(self, tmp_path: Path, workspace: Path, path: str, env: dict[str, str] | None = None):
        self.workspace = workspace
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        self.output = tmp_path / "github-output"
        self.summary = tmp_path / "step-summary.md"
        self.github_path = tmp_path / "github-path"
        for file in (self.output, self.summary, self.github_path):
            file.write_text("", encoding="utf-8")
        self.path = path
        # More variables for every step (e.g. HOME, pip's settings); the runner's own win.
        self.env = env or {}

    def run_action(self, **inputs: str) -> StepRun:
        """Every step, stopping at the first that fails, as a job does; the last step's result."""
        unknown = set(inputs) - set(ACTION["inputs"])
        assert not unknown, f"not inputs of the action: {unknown}"
        values = {name: inputs.get(name, spec["default"]) for name, spec in ACTION["inputs"].items()}
        for step in STEPS:
            result = self.run_step(step, values)
            if result.status != 0:
                break
        return result

    def run_step(self, step: dict, inputs: dict[str, str]) -> StepRun:
        self.output.write_text("", encoding="utf-8")
        added = [line for line in self.github_path.read_text(encoding="utf-8").splitlines() if line]
        env = {
            "HOME": os.environ.get("HOME", "/root"),
            **self.env,
            "PATH": os.pathsep.join([*reversed(added), self.path]),
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_PATH": str(self.github_path),
            "RUNNER_TEMP": str(self.temp),
        }
        for name, value in step.get("env", {}).items():
            env[name] = INPUT_EXPRESSION.sub(lambda match: inputs[match.group(1)], value)
        script = self.temp / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        # The runner starts a step in the workspace.
        process = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        self.last_path = env["PATH"]
        outputs = dict(line.split("=", 1) for line in self.output.read_text(encoding="utf-8").splitlines() if line)
        return StepRun(process.returncode, process.stdout, process.stderr, outputs)
