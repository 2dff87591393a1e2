"""The recipes under examples/batch agree with the CLI: the YAML files parse, every `rekey` command
line in them and in the multi-gitter script uses options `rekey batch` has, the shard counts match
the matrix and the Job's completions, the manifest they share parses, and the multi-gitter
script's per-repository half applies a real `rekey batch` patch to a fresh clone.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from rekey_cli import TIMEOUT_SECONDS, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "batch"
FIXTURES = Path(__file__).resolve().parents[2] / "Fixtures"


def strings(node):
    """Every string in a YAML document, depth first."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def rekey_commands(text: str) -> list[list[str]]:
    """The `rekey …` command lines in a text, as words (up to a shell operator or a comment); a
    GitHub expression (`${{ matrix.shard }}`) is one word. A bare `rekey batch` is a title."""
    commands = []
    text = re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: "${{" + m.group(1).replace(" ", "") + "}}", text)
    for line in text.splitlines():
        found = re.search(r"(?:^|[\s;&|(])(rekey (?:batch|check|diff|fix)\b.*)", line)
        if not found or line.lstrip().startswith("#"):
            continue
        words = []
        for word in shlex.split(found.group(1), comments=True):
            if word in ("||", "&&", "|", ";"):
                break
            words.append(word)
        if len(words) > 2:
            commands.append(words)
    return commands


def options_of(rekey: Path, subcommand: list[str]) -> set[str]:
    help_text = run_rekey(rekey, [*subcommand, "--help"], cwd=EXAMPLES).stdout
    return set(re.findall(r"--[a-z][a-z-]*", help_text))


@pytest.fixture(scope="module")
def documents():
    return {
        name: list(yaml.safe_load_all((EXAMPLES / name).read_text()))
        for name in ("github-actions.yml", "kubernetes-indexed-job.yaml")
    }


@pytest.fixture(scope="module")
def commands(documents):
    found = {name: [c for text in strings(docs) for c in rekey_commands(text)] for name, docs in documents.items()}
    found["multi-gitter.sh"] = rekey_commands((EXAMPLES / "multi-gitter.sh").read_text())
    return found


@pytest.mark.parametrize("name", ["github-actions.yml", "kubernetes-indexed-job.yaml", "multi-gitter.sh"])
def test_every_rekey_command_uses_options_that_exist(rekey, commands, name):
    assert commands[name], f"no rekey command found in {name}"
    for words in commands[name]:
        assert words[:2] == ["rekey", "batch"], words
        subcommand = ["batch", "merge"] if words[2] == "merge" else ["batch", "run"]
        known = options_of(rekey, subcommand)
        used = {word for word in words if word.startswith("--")}
        assert used <= known, f"{name}: {shlex.join(words)} uses {sorted(used - known)}"
        if subcommand[1] == "run":
            assert "--out" in used, words


def shard_counts(words: list[str]) -> set[int]:
    return {int(words[i + 1].rsplit("/", 1)[1]) for i, word in enumerate(words) if word == "--shard"}


def test_the_matrix_runs_every_shard_and_merges_them(documents, commands):
    (workflow,) = documents["github-actions.yml"]
    shards = workflow["jobs"]["migrate"]["strategy"]["matrix"]["shard"]
    runs = [words for words in commands["github-actions.yml"] if "--shard" in words]
    assert runs and all(shard_counts(words) == {len(shards)} for words in runs)
    assert shards == list(range(len(shards)))
    (merge,) = [words for words in commands["github-actions.yml"] if words[2] == "merge"]
    assert merge[3:3 + len(shards)] == [f"shard-{index}" for index in shards]


def test_the_indexed_job_runs_every_shard(documents, commands):
    manifest, _, job = documents["kubernetes-indexed-job.yaml"]
    assert job["kind"] == "Job" and job["spec"]["completionMode"] == "Indexed"
    (words,) = commands["kubernetes-indexed-job.yaml"]
    assert shard_counts(words) == {job["spec"]["completions"]}
    assert "$JOB_COMPLETION_INDEX/" in words[words.index("--shard") + 1]
    mounted = {m["mountPath"] for m in job["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]}
    assert words[2].startswith("/manifest/") and "/manifest" in mounted
    assert words[2].rsplit("/", 1)[1] in manifest["data"]


def test_the_shared_manifest_parses(rekey):
    listed = run_rekey(rekey, ["batch", "repos.txt", "--list"], cwd=EXAMPLES)
    assert listed.returncode == 0, listed.describe()
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["models", "training", "utils", "other-utils"]


def git(*args: str, cwd: Path) -> str:
    process = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
        env=dict(os.environ, GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.invalid",
                 GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="t@example.invalid"),
    )
    assert process.returncode == 0, process.stderr
    return process.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="the multi-gitter script needs jq")
def test_the_multi_gitter_command_applies_the_batch_patch(rekey, tmp_path):
    origin = tmp_path / "origin"
    origin.mkdir()
    shutil.copyfile(FIXTURES / "RK001/alias_jr/before.py", origin / "noise.py")
    git("init", "--quiet", cwd=origin)
    git("add", "--all", cwd=origin)
    git("commit", "--quiet", "-m", "initial", cwd=origin)
    (tmp_path / "repos.txt").write_text("origin   models-renamed\n")
    out = tmp_path / "migration"
    assert run_rekey(rekey, ["batch", "repos.txt", "--out", str(out)], cwd=tmp_path).returncode == 0
    # The summary as a GitHub-hosted run writes it: the source is the repository's URL.
    summary = (out / "summary.json").read_text().replace('"source" : "origin"', '"source" : "https://github.com/org/models.git"')
    (out / "summary.json").write_text(summary)

    clone = tmp_path / "clone"
    git("clone", "--quiet", str(origin), str(clone), cwd=tmp_path)
    environment = dict(os.environ, REPOSITORY="org/models", REKEY_BATCH_OUT=str(out), PATH=f"{rekey.parent}:{os.environ['PATH']}")
    process = subprocess.run(
        ["bash", str(EXAMPLES / "multi-gitter.sh")], cwd=clone, env=environment, capture_output=True, text=True,
        timeout=TIMEOUT_SECONDS,
    )
    assert process.returncode == 0, process.stderr
    migrated = out / "clones" / "models-renamed" / "noise.py"
    assert (clone / "noise.py").read_bytes() == migrated.read_bytes()
    assert git("diff", "--cached", "--name-only", cwd=clone).split() == ["noise.py"]
