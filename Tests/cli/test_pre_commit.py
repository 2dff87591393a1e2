"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit from PyPI as a user's
repository runs them (`pre-commit try-repo`, on the staged files), with the rekey under test on
PATH (the hooks are `language: system`).

- `rekey`: a staged file with a module-level key is fixed, the hook fails because it changed a
  file, and once the fix is staged the next run passes;
- `rekey-check`: fails on the staged legacy file, passes on the fixed one;
- a commit touching one file of a project breaks no caller in the others: the fix would also edit
  an unstaged test file, so it is refused with a warning and the project's tests still pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import TIMEOUT_SECONDS, rekey_path_or_skip

REKEY = rekey_path_or_skip()
ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
CASE = FIXTURES_ROOT / "RK001" / "plain_function"

if not PRE_COMMIT.exists():
    pytest.skip("pre-commit is not installed in this Python's environment (scripts/bootstrap installs it)", allow_module_level=True)


def environment(tmp_path: Path) -> dict[str, str]:
    """pre-commit's environment: `rekey` on PATH is the binary under test."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "rekey").symlink_to(Path(REKEY).resolve())
    env = dict(os.environ)
    env.update(
        PATH=os.pathsep.join([str(bin_dir), str(PRE_COMMIT.parent), env.get("PATH", "")]),
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_CEILING_DIRECTORIES=str(tmp_path),
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t",
    )
    return env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)


def git(cwd: Path, env: dict[str, str], *args: str) -> None:
    result = run(["git", *args], cwd, env)
    assert result.returncode == 0, result.stderr


def hook_repository(tmp_path: Path, env: dict[str, str]) -> Path:
    """A git repository holding this checkout's hook definitions, as pre-commit clones one."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copyfile(ROOT / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml")
    git(hooks, env, "init", "-q", ".")
    git(hooks, env, "add", "-A")
    git(hooks, env, "commit", "-qm", "hooks")
    return hooks


def project(tmp_path: Path, env: dict[str, str], files: dict[str, bytes]) -> Path:
    """A committed project: pyproject.toml and `files`."""
    repo = tmp_path / "project"
    repo.mkdir()
    (repo / "pyproject.toml").write_text("[project]\nname = 'features'\nrequires-python = '>=3.10'\n")
    for name, content in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(content)
    git(repo, env, "init", "-q", ".")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-qm", "start")
    return repo


def try_hook(hooks: Path, hook: str, repo: Path, env: dict[str, str], *options: str) -> subprocess.CompletedProcess:
    return run([str(PRE_COMMIT), "try-repo", str(hooks), hook, *options], repo, env)


def test_fix_hook_fixes_the_staged_file_then_passes(tmp_path: Path):
    env = environment(tmp_path)
    hooks = hook_repository(tmp_path, env)
    repo = project(tmp_path, env, {"features.py": b'"""Placeholder."""\n'})
    shutil.copyfile(CASE / "before.py", repo / "features.py")
    git(repo, env, "add", "features.py")

    check = try_hook(hooks, "rekey-check", repo, env)
    assert check.returncode == 1 and "RK001" in check.stdout, check.stdout + check.stderr

    first = try_hook(hooks, "rekey", repo, env)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout, first.stdout
    assert (repo / "features.py").read_bytes() == (CASE / "after.py").read_bytes()

    git(repo, env, "add", "features.py")
    second = try_hook(hooks, "rekey", repo, env)
    assert second.returncode == 0, second.stdout + second.stderr
    check = try_hook(hooks, "rekey-check", repo, env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_commit_of_one_file_breaks_no_caller_in_the_others(tmp_path: Path):
    env = environment(tmp_path)
    hooks = hook_repository(tmp_path, env)
    before = (CASE / "before.py").read_text()
    library, _, test = before.partition("\n\ndef test_random_features_shape")
    caller = "from features import NUM_FEATURES, random_features\nimport jax.numpy as jnp\n\n\ndef test_random_features_shape" + test
    repo = project(tmp_path, env, {"features.py": b'"""Placeholder."""\n', "tests/test_features.py": caller.encode()})
    (repo / "features.py").write_text(library + "\n")
    git(repo, env, "add", "features.py")

    # --verbose: a hook that passes shows its output too.
    hook = try_hook(hooks, "rekey", repo, env, "--verbose")
    assert hook.returncode == 0, hook.stdout + hook.stderr
    assert "tests/test_features.py, which is not among the files given" in hook.stdout, hook.stdout
    assert (repo / "features.py").read_text() == library + "\n"
    assert (repo / "tests" / "test_features.py").read_text() == caller
    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], repo,
                dict(env, PYTHONPATH=str(repo), JAX_PLATFORMS="cpu"))
    assert tests.returncode == 0, tests.stdout + tests.stderr
