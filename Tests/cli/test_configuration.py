"""Configuration and file selection (issue 9), with ruff as the model: `[tool.rekey]` in the
nearest pyproject.toml (or `--config FILE`, or none with `--isolated`), the command line over it,
the current directory when no path is given, what git ignores left out, and `--force-exclude` for
the files pre-commit names. Each test runs the binary in a real git repository.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from rekey_cli import rekey_path_or_skip, run_rekey

rekey_path_or_skip()

# RK001 (the import-time key, a safe fix) and RK003 (the function reading it, by hand).
IMPORT_TIME_KEY = '''\
import jax

KEY = jax.random.PRNGKey(0)


def noise(x):
    return x + jax.random.normal(KEY)
'''


def make_repo(root: Path, files: dict[str, str], pyproject: str | None = None) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def reported(stdout: str) -> set[tuple[str, str]]:
    """(path, code) of every finding line of `check`'s text output."""
    found = set()
    for line in stdout.splitlines():
        parts = line.split(": ", 1)
        if len(parts) == 2 and parts[0].count(":") == 2 and parts[1][:2] == "RK":
            found.add((parts[0].split(":")[0], parts[1].split()[0]))
    return found


def test_select_and_ignore_in_the_file_and_over_it(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"pkg/a.py": IMPORT_TIME_KEY}, '[tool.rekey]\nselect = ["RK001"]\n')
    result = run_rekey(rekey, ["check", "pkg"], cwd=repo)
    assert reported(result.stdout) == {("pkg/a.py", "RK001")}, result.describe()
    # --select replaces the file's select.
    result = run_rekey(rekey, ["check", "--select", "RK003", "pkg"], cwd=repo)
    assert reported(result.stdout) == {("pkg/a.py", "RK003")}, result.describe()
    (repo / "pyproject.toml").write_text('[tool.rekey]\nignore = ["RK001"]\n')
    result = run_rekey(rekey, ["check", "pkg"], cwd=repo)
    assert reported(result.stdout) == {("pkg/a.py", "RK003")}, result.describe()
    # --ignore adds to the file's ignore.
    result = run_rekey(rekey, ["check", "--ignore", "RK003", "pkg"], cwd=repo)
    assert result.returncode == 0 and reported(result.stdout) == set(), result.describe()


def test_per_file_ignores(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"pkg/a.py": IMPORT_TIME_KEY, "tests/test_a.py": IMPORT_TIME_KEY},
                     '[tool.rekey.per-file-ignores]\n"tests/*" = ["RK001", "RK003"]\n')
    result = run_rekey(rekey, ["check"], cwd=repo)
    assert reported(result.stdout) == {("pkg/a.py", "RK001"), ("pkg/a.py", "RK003")}, result.describe()
    diff = run_rekey(rekey, ["diff"], cwd=repo)
    assert "tests/test_a.py" not in diff.stdout and "pkg/a.py" in diff.stdout, diff.describe()


def test_configuration_from_a_subfolder_and_unsafe_fixes(rekey: Path, tmp_path: Path):
    shared_key = (Path(__file__).resolve().parents[2] / "Fixtures" / "RK001" / "two_classes_shared_key" / "before.py").read_text()
    repo = make_repo(tmp_path / "repo", {"src/model.py": shared_key}, "[tool.rekey]\nunsafe-fixes = true\n")
    assert run_rekey(rekey, ["diff", "model.py"], cwd=repo / "src").stdout, "unsafe-fixes = true is not applied"
    result = run_rekey(rekey, ["diff", "--no-unsafe-fixes", "model.py"], cwd=repo / "src")
    assert result.stdout == "", result.describe()


def test_unknown_key_or_wrong_type_is_exit_2_naming_both(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"a.py": IMPORT_TIME_KEY}, '[tool.rekey]\nselct = ["RK001"]\n')
    for command in ("check", "diff", "fix"):
        result = run_rekey(rekey, [command, "a.py"], cwd=repo)
        assert result.returncode == 2, result.describe()
        assert "pyproject.toml" in result.stderr and "unknown key 'selct'" in result.stderr, result.describe()
    assert (repo / "a.py").read_text() == IMPORT_TIME_KEY
    (repo / "pyproject.toml").write_text('[tool.rekey]\nline-length = "long"\n')
    result = run_rekey(rekey, ["check", "a.py"], cwd=repo)
    assert result.returncode == 2, result.describe()
    assert f"{repo / 'pyproject.toml'}: error: [tool.rekey] line-length: expected a positive integer" in result.stderr


def test_isolated_and_config_choose_the_file(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"a.py": IMPORT_TIME_KEY}, '[tool.rekey]\nselct = ["RK001"]\n')
    result = run_rekey(rekey, ["check", "--isolated", "a.py"], cwd=repo)
    assert reported(result.stdout) == {("a.py", "RK001"), ("a.py", "RK003")}, result.describe()
    other = tmp_path / "other.toml"
    other.write_text('[tool.rekey]\nignore = ["RK003"]\n')
    result = run_rekey(rekey, ["check", "--config", str(other), "a.py"], cwd=repo)
    assert reported(result.stdout) == {("a.py", "RK001")}, result.describe()
    result = run_rekey(rekey, ["check", "--config", str(tmp_path / "missing.toml"), "a.py"], cwd=repo)
    assert result.returncode == 2 and "missing.toml" in result.stderr, result.describe()


def test_no_path_means_the_current_directory(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"pkg/a.py": IMPORT_TIME_KEY})
    result = run_rekey(rekey, ["check"], cwd=repo)
    assert result.returncode == 1 and reported(result.stdout) == {("pkg/a.py", "RK001"), ("pkg/a.py", "RK003")}, result.describe()
    diff = run_rekey(rekey, ["diff"], cwd=repo)
    assert diff.returncode == 1 and "+++ b/pkg/a.py" in diff.stdout, diff.describe()
    fixed = run_rekey(rekey, ["fix"], cwd=repo)
    assert fixed.returncode == 0 and (repo / "pkg" / "a.py").read_text() != IMPORT_TIME_KEY, fixed.describe()


def test_what_git_ignores_is_not_reported(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {
        "pkg/a.py": IMPORT_TIME_KEY,
        "generated/g.py": IMPORT_TIME_KEY,
        "pkg/scratch/s.py": IMPORT_TIME_KEY,
        "pkg/local.py": IMPORT_TIME_KEY,
        ".gitignore": "generated/\n",
        "pkg/.gitignore": "scratch/\n",
    })
    (repo / ".git" / "info" / "exclude").write_text("local.py\n")
    result = run_rekey(rekey, ["check"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {"pkg/a.py"}, result.describe()
    result = run_rekey(rekey, ["check", "--no-respect-gitignore"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {
        "pkg/a.py", "generated/g.py", "pkg/scratch/s.py", "pkg/local.py"}, result.describe()
    # Named on the command line, an ignored file is checked, as ruff checks it.
    result = run_rekey(rekey, ["check", "generated/g.py"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {"generated/g.py"}, result.describe()
    # So is a folder git ignores as a whole (an unpacked sdist under an ignored folder), from
    # above it or from inside it.
    result = run_rekey(rekey, ["check", "generated"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {"generated/g.py"}, result.describe()
    result = run_rekey(rekey, ["check"], cwd=repo / "generated")
    assert {path for path, _ in reported(result.stdout)} == {"g.py"}, result.describe()


def test_force_exclude_applies_to_named_files(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"pkg/a.py": IMPORT_TIME_KEY, "legacy/old.py": IMPORT_TIME_KEY},
                     '[tool.rekey]\nextend-exclude = ["legacy"]\n')
    result = run_rekey(rekey, ["check"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {"pkg/a.py"}, result.describe()
    # pre-commit names every staged file: without --force-exclude an excluded one is checked.
    result = run_rekey(rekey, ["check", "legacy/old.py", "pkg/a.py"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {"pkg/a.py", "legacy/old.py"}, result.describe()
    result = run_rekey(rekey, ["check", "--force-exclude", "legacy/old.py", "pkg/a.py"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {"pkg/a.py"}, result.describe()
    fixed = run_rekey(rekey, ["fix", "--force-exclude", "legacy/old.py"], cwd=repo)
    assert fixed.returncode == 0 and (repo / "legacy" / "old.py").read_text() == IMPORT_TIME_KEY, fixed.describe()
    # --exclude replaces `exclude`; the file's extend-exclude still adds to it, as in ruff.
    result = run_rekey(rekey, ["check", "--exclude", "pkg"], cwd=repo)
    assert result.returncode == 0 and reported(result.stdout) == set(), result.describe()
    result = run_rekey(rekey, ["check", "--isolated", "--exclude", "pkg"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {"legacy/old.py"}, result.describe()


def test_a_nested_repository_answers_for_its_own_files(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"a.py": IMPORT_TIME_KEY})
    make_repo(repo / "sub", {"pkg/b.py": IMPORT_TIME_KEY, "pkg/ignored.py": IMPORT_TIME_KEY, ".gitignore": "ignored.py\n"})
    result = run_rekey(rekey, ["check"], cwd=repo)
    assert {path for path, _ in reported(result.stdout)} == {"a.py", "sub/pkg/b.py"}, result.describe()
