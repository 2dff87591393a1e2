"""The GitHub Action (action.yml, issue 9's CI bot): a composite action whose steps run
scripts/action/*.sh. The steps are run here as the runner runs them: each step's `run` with
`bash --noprofile --norc -eo pipefail`, its `env` with the `${{ inputs.* }}` expressions
replaced by the inputs given or their defaults in action.yml, in GITHUB_WORKSPACE, with
GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH, RUNNER_TEMP and GITHUB_ACTION_PATH set, and the
folders a step appends to GITHUB_PATH on the next steps' PATH (action_runner.Runner). The rekey
under test is on PATH and the action is told it is preinstalled: installing the wheel with pip
is tested in Tests/dist, beside the fixture that builds it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from action_runner import ACTION, INPUT_EXPRESSION, STEPS, Runner
from fixture_cases import FIXTURES_ROOT
from rekey_cli import TIMEOUT_SECONDS, rekey_path_or_skip, run_rekey
from sarif_schema import assert_valid_sarif, sarif_validator

REKEY = rekey_path_or_skip()
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = re.compile(r"\$GITHUB_ACTION_PATH/([\w./-]+)")
# A module-level key read by a function: one safe fix (RK001) and a hand migration (RK003) that
# the fix resolves.
LEGACY = FIXTURES_ROOT / "RK001" / "plain_function" / "before.py"
CLEAN = "import jax\n\n\ndef sample(key):\n    return jax.random.normal(key, (2,))\n"


# --- action.yml --------------------------------------------------------------------------------


def test_the_action_is_composite_and_every_input_is_used():
    assert ACTION["runs"]["using"] == "composite"
    assert all(step["shell"] == "bash" for step in STEPS)
    used = {name for step in STEPS for value in step.get("env", {}).values() for name in INPUT_EXPRESSION.findall(value)}
    assert used == set(ACTION["inputs"]), "every input reaches a step, and every input a step reads is declared"
    assert all("default" in spec and spec.get("description") for spec in ACTION["inputs"].values())
    step_ids = {step["id"] for step in STEPS if "id" in step}
    for name, spec in ACTION["outputs"].items():
        step_id, output = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}", spec["value"]).groups()
        assert step_id in step_ids and output == name, (name, spec)


def test_every_script_the_action_runs_exists_and_is_executable():
    scripts = [script for step in STEPS for script in SCRIPT.findall(step["run"])]
    assert len(scripts) == len(STEPS), "each step runs one script of the action"
    for script in scripts:
        path = ROOT / script
        assert path.is_file() and os.access(path, os.X_OK), f"{script} is not an executable file"


def readme_workflows() -> list[dict]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## GitHub Action\n", 1)[1].split("\n## ", 1)[0]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, flags=re.S)]


def test_the_readme_workflows_use_the_action_as_it_is_declared():
    workflows = readme_workflows()
    assert len(workflows) == 2
    uses = []
    for workflow in workflows:
        for job in workflow["jobs"].values():
            steps = job["steps"]
            ours = [step for step in steps if step.get("uses", "").split("@")[0].endswith("/rekey")]
            assert len(ours) == 1
            uses.append(ours[0].get("with", {}).get("mode", "check"))
            assert set(ours[0].get("with", {})) <= set(ACTION["inputs"])
            text = yaml.safe_dump(steps)
            outputs = re.findall(r"steps\.rekey\.outputs\.([\w-]+)", text)
            assert outputs and set(outputs) <= set(ACTION["outputs"]), outputs
    assert uses == ["check", "fix"]


# --- the steps, as the runner runs them ---------------------------------------------------------


def git(workspace: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t",
               GIT_CEILING_DIRECTORIES=str(workspace.parent))
    result = subprocess.run(["git", *args], cwd=workspace, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr
    return result.stdout


def repository(tmp_path: Path, files: dict[str, str]) -> Path:
    """A committed git repository, as actions/checkout leaves the workspace."""
    workspace = tmp_path / "workspace"
    for name, text in files.items():
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(text, encoding="utf-8")
    git(workspace, "init", "-q")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "start")
    return workspace


def with_rekey_on_path(tmp_path: Path) -> str:
    """A PATH with the rekey under test first, as a user's earlier install step would leave it."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "rekey").symlink_to(Path(REKEY).resolve())
    return os.pathsep.join([str(folder), os.environ.get("PATH", "")])


def legacy_files() -> dict[str, str]:
    return {"src/model.py": LEGACY.read_text(encoding="utf-8"), "src/clean.py": CLEAN}


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    return Runner(tmp_path, repository(tmp_path, legacy_files()), with_rekey_on_path(tmp_path))


def test_check_writes_a_valid_sarif_log_outside_the_work_tree(runner: Runner):
    result = runner.run_action(mode="check", install="preinstalled")
    assert result.status == 0, result.describe()
    sarif = Path(result.outputs["sarif-file"])
    assert sarif == runner.temp / "rekey.sarif" and result.outputs["findings"] == "true"
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert_valid_sarif(sarif_validator(), log)
    expected = json.loads(run_rekey(Path(REKEY), ["check", "--output-format", "json", "."], cwd=runner.workspace).stdout)
    results = log["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == sorted(f["code"] for f in expected["findings"]) == ["RK001", "RK003"]
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert locations == {"src/model.py"}, "paths relative to the workspace, as code scanning reads them"
    assert git(runner.workspace, "status", "--porcelain") == "", "check changes nothing in the work tree"


def test_check_fails_on_findings_only_when_asked(runner: Runner, tmp_path: Path):
    target = tmp_path / "out" / "rekey.sarif"
    target.parent.mkdir()
    result = runner.run_action(install="preinstalled", **{"fail-on-findings": "true", "sarif-file": str(target)})
    assert result.status == 1, result.describe()
    assert result.outputs == {"sarif-file": str(target), "findings": "true"}
    assert_valid_sarif(sarif_validator(), json.loads(target.read_text(encoding="utf-8")))


def test_paths_and_args_reach_rekey(runner: Runner):
    result = runner.run_action(install="preinstalled", paths="src/clean.py src/model.py", args="--select RK003")
    assert result.status == 0, result.describe()
    results = json.loads(Path(result.outputs["sarif-file"]).read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["RK003"]
    clean = runner.run_action(install="preinstalled", paths="src/clean.py")
    assert clean.outputs["findings"] == "false"


def test_check_on_a_clean_repository(tmp_path: Path):
    runner = Runner(tmp_path, repository(tmp_path, {"src/clean.py": CLEAN}), with_rekey_on_path(tmp_path))
    result = runner.run_action(install="preinstalled")
    assert result.status == 0 and result.outputs["findings"] == "false", result.describe()
    log = json.loads(Path(result.outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert_valid_sarif(sarif_validator(), log)
    assert log["runs"][0]["results"] == []


def test_a_file_rekey_cannot_read_fails_the_step_but_the_log_is_written(tmp_path: Path):
    files = {**legacy_files(), "src/broken.py": "import jax.random\ndef f(:\n"}
    runner = Runner(tmp_path, repository(tmp_path, files), with_rekey_on_path(tmp_path))
    result = runner.run_action(install="preinstalled")
    assert result.status == 2, result.describe()
    assert "findings" not in result.outputs
    log = json.loads(Path(result.outputs["sarif-file"]).read_text(encoding="utf-8"))
    assert_valid_sarif(sarif_validator(), log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("broken.py" in json.dumps(note) for note in notes), notes


def test_fix_rewrites_the_files_and_writes_the_report_and_the_summary(runner: Runner, tmp_path: Path):
    expected = tmp_path / "expected"
    shutil.copytree(runner.workspace / "src", expected / "src")
    assert run_rekey(Path(REKEY), ["fix", "."], cwd=expected).returncode == 0

    result = runner.run_action(mode="fix", install="preinstalled")
    assert result.status == 0, result.describe()
    assert result.outputs["changed"] == "true"
    assert (runner.workspace / "src/model.py").read_text() == (expected / "src/model.py").read_text() != LEGACY.read_text()
    assert git(runner.workspace, "status", "--porcelain") == " M src/model.py\n", "only the fixed file: the report is elsewhere"
    report = Path(result.outputs["report-file"])
    assert report == runner.temp / "rekey-report.md"
    body = report.read_text(encoding="utf-8")
    assert body.startswith("# rekey fix report\n") and "| RK001 |" in body
    assert runner.summary.read_text(encoding="utf-8") == body


def test_fix_on_a_clean_repository_changes_nothing(tmp_path: Path):
    runner = Runner(tmp_path, repository(tmp_path, {"src/clean.py": CLEAN}), with_rekey_on_path(tmp_path))
    result = runner.run_action(mode="fix", install="preinstalled")
    assert result.status == 0, result.describe()
    assert result.outputs["changed"] == "false"
    assert git(runner.workspace, "status", "--porcelain") == ""
    assert "None: every finding was fixed." in runner.summary.read_text(encoding="utf-8")


def test_fix_with_a_report_file_that_is_not_markdown_fails(runner: Runner, tmp_path: Path):
    result = runner.run_action(mode="fix", install="preinstalled", **{"report-file": str(tmp_path / "report.txt")})
    assert result.status == 2 and "must end in .json or .md" in result.stderr, result.describe()
    assert "changed" not in result.outputs
    assert git(runner.workspace, "status", "--porcelain") == ""


def test_an_unknown_mode_fails(runner: Runner):
    result = runner.run_action(mode="review", install="preinstalled")
    assert result.status == 2 and "mode must be check or fix, not 'review'" in result.stderr, result.describe()


# --- installing ---------------------------------------------------------------------------------


def test_preinstalled_uses_the_rekey_on_path(runner: Runner):
    result = runner.run_step(STEPS[0], {"install": "preinstalled"})
    assert result.status == 0, result.describe()
    version = run_rekey(Path(REKEY), ["--version"], cwd=runner.workspace).stdout.strip()
    assert f": rekey {version}" in result.stderr
    assert runner.github_path.read_text(encoding="utf-8") == "", "nothing installed, nothing added to PATH"


def test_preinstalled_without_rekey_on_path_fails(tmp_path: Path):
    runner = Runner(tmp_path, repository(tmp_path, {"src/clean.py": CLEAN}), "/usr/bin:/bin")
    result = runner.run_step(STEPS[0], {"install": "preinstalled"})
    assert result.status == 2 and "there is no rekey on PATH" in result.stderr, result.describe()


def test_a_failed_pip_install_fails_the_step_and_adds_nothing_to_path(runner: Runner, tmp_path: Path):
    missing = tmp_path / "rekey_jax-0.1.0-py3-none-manylinux_2_36_x86_64.whl"
    result = runner.run_step(STEPS[0], {"install": str(missing)})
    assert result.status != 0, result.describe()
    assert f"pip install {missing}" in result.stderr
    assert runner.github_path.read_text(encoding="utf-8") == ""
