"""`rekey batch MANIFEST --out DIR` and `rekey batch merge`, end to end with real git repositories
built from Fixtures: branches, patches (applied with `git am`), reports, the summary against
`rekey check`, a failing entry, re-runs, `--jobs`, options passed through, shards and their merge;
and git URLs, served by a `git daemon` of the test's own (git://) and by path (file://): cloned,
re-run against the remote's HEAD, and an unreachable one failing alone.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from rekey_cli import TIMEOUT_SECONDS, Result, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

FIXTURES = Path(__file__).resolve().parents[2] / "Fixtures"
BRANCH = "rekey/explicit-keys"
SUBJECT = "Migrate to explicit JAX PRNG keys"
# Commits made by the tests themselves; the batch's own use whatever git is configured with.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}

# Each repository's files: (path in the repository, fixture file or literal text).
REPOSITORIES = {
    # A safe fix (RK001, RK003) and a hand migration (RK002), in two folders.
    "models": [
        ("noise.py", FIXTURES / "RK001/alias_jr/before.py"),
        ("layers/eqx_layer.py", FIXTURES / "RK002/eqx_layer_at_module_scope/before.py"),
    ],
    # Only unsafe fixes: clean without --unsafe-fixes, changed with it.
    "reuse": [("attention.py", FIXTURES / "SPLIT/attention_qkv_named_subkeys/before.py")],
    # Nothing to report.
    "tidy": [("folds.py", FIXTURES / "RK004/neg_fold_in_twice/before.py")],
    # Its own [tool.rekey] selects a rule the file does not break: clean, as `rekey fix` leaves it.
    "configured": [
        ("noise.py", FIXTURES / "RK001/alias_jr/before.py"),
        ("pyproject.toml", '[tool.rekey]\nselect = ["RK002"]\n'),
    ],
}
MISSING = "missing-repo"


def git(*args: str, cwd: Path) -> str:
    process = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
        env=dict(os.environ, **GIT_IDENTITY),
    )
    assert process.returncode == 0, f"git {' '.join(args)} in {cwd}:\n{process.stderr}"
    return process.stdout


def make_repository(path: Path, files) -> None:
    for relative, content in files:
        target = path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_text(content)
    git("init", "--quiet", "--initial-branch=main", cwd=path)
    git("add", "--all", cwd=path)
    git("commit", "--quiet", "-m", "initial", cwd=path)


def snapshot(path: Path) -> dict:
    """Everything a batch could change in a repository: its files, refs and index."""
    files = {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*")) if p.is_file() and ".git" not in p.relative_to(path).parts
    }
    return {
        "files": files,
        "refs": git("show-ref", cwd=path),
        "status": git("status", "--porcelain", "--ignored", cwd=path),
        "head": git("rev-parse", "HEAD", cwd=path),
    }


def build(root: Path, names=tuple(REPOSITORIES), missing: bool = True) -> Path:
    """The repositories under root/repos and a manifest listing them (relative paths, a comment,
    a blank line) and, with `missing`, an entry whose path does not exist."""
    lines = ["# repositories to migrate", ""]
    for name in names:
        make_repository(root / "repos" / name, REPOSITORIES[name])
        lines.append(f"repos/{name}")
    if missing:
        lines.append(f"repos/{MISSING}   # never created")
    manifest = root / "manifest.txt"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


def batch(rekey: Path, manifest: Path, out: Path, *options: str) -> Result:
    return run_rekey(rekey, ["batch", str(manifest), "--out", str(out), *options], cwd=manifest.parent)


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


def by_name(out: Path) -> dict:
    return {repository["name"]: repository for repository in summary(out)["repositories"]}


@pytest.fixture(scope="module")
def run(rekey: Path, tmp_path_factory):
    """One batch over every repository, with the originals' state before it. DIR is in a folder
    whose pyproject.toml selects only RK002: a clone's settings are its own, never those above."""
    root = tmp_path_factory.mktemp("batch")
    manifest = build(root)
    before = {name: snapshot(root / "repos" / name) for name in REPOSITORIES}
    (root / "work").mkdir()
    (root / "work" / "pyproject.toml").write_text('[tool.rekey]\nselect = ["RK002"]\n')
    out = root / "work" / "out"
    result = batch(rekey, manifest, out)
    return root, manifest, out, result, before


def test_exit_status_is_1_when_a_repository_fails_and_the_others_are_done(run):
    _, _, out, result, _ = run
    assert result.returncode == 1, result.describe()
    repositories = by_name(out)
    assert sorted(repositories) == sorted([*REPOSITORIES, MISSING])
    missing = repositories[MISSING]
    assert missing["status"] == "failed"
    assert "does not appear to be a git repository" in missing["reason"], missing
    assert f"{MISSING}: failed" in result.stderr
    statuses = {name: repositories[name]["status"] for name in REPOSITORIES}
    assert statuses == {"models": "changed", "reuse": "clean", "tidy": "clean", "configured": "clean"}


def test_each_changed_repository_has_its_branch_with_one_commit(run):
    root, _, out, _, before = run
    clone = out / "clones" / "models"
    original = before["models"]["head"].strip()
    assert git("rev-list", f"{original}..{BRANCH}", cwd=clone).split() == [git("rev-parse", BRANCH, cwd=clone).strip()]
    message = git("log", "-1", "--format=%B", BRANCH, cwd=clone)
    assert message.startswith(SUBJECT), message
    assert "RK001 import-time-key" in message, message
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=clone).strip() == BRANCH
    for name in ("reuse", "tidy", "configured"):
        assert not (out / f"{name}.patch").exists(), name
        assert git("rev-list", "--count", BRANCH, cwd=out / "clones" / name).strip() == "1", name


def test_the_patch_applies_with_git_am_and_gives_what_rekey_fix_gives(rekey, run, tmp_path):
    root, _, out, _, before = run
    source = root / "repos" / "models"
    applied = tmp_path / "applied"
    git("clone", "--quiet", str(source), str(applied), cwd=tmp_path)
    git("am", "--quiet", str(out / "models.patch"), cwd=applied)
    assert git("log", "-1", "--format=%s", cwd=applied).strip().startswith(SUBJECT)

    fixed = tmp_path / "fixed"
    shutil.copytree(source, fixed)
    result = run_rekey(rekey, ["fix"], cwd=fixed)
    assert result.returncode == 0, result.describe()
    assert snapshot(applied)["files"] == snapshot(fixed)["files"]
    assert snapshot(applied)["files"] != before["models"]["files"]


def test_the_summary_counts_what_rekey_check_finds(rekey, run):
    root, _, out, _, _ = run
    repositories = by_name(out)
    for name in REPOSITORIES:
        check = run_rekey(rekey, ["check", "--no-cache", "--output-format", "json"], cwd=root / "repos" / name)
        counts = repositories[name]["counts"]
        assert counts["findings"] == len(json.loads(check.stdout)["findings"]), name
        assert counts["findings"] == counts["fixed_safe"] + counts["fixed_unsafe"] + counts["fixed_by_other_fixes"] + counts["left"]
    assert repositories["configured"]["counts"]["findings"] == 0  # its own select applies
    assert repositories["models"]["counts"]["fixed_safe"] > 0
    assert repositories["models"]["counts"]["left_by_hand"] > 0
    assert repositories["reuse"]["counts"]["left"] == repositories["reuse"]["counts"]["findings"] > 0
    totals = summary(out)["totals"]
    assert (totals["repositories"], totals["changed"], totals["clean"], totals["failed"]) == (5, 1, 3, 1)
    assert totals["counts"]["findings"] == sum(r["counts"]["findings"] for r in repositories.values())
    markdown = (out / "summary.md").read_text()
    for name in [*REPOSITORIES, MISSING]:
        assert f"| {name} |" in markdown


def test_reports_are_the_fix_reports_with_paths_in_the_repository(run):
    _, _, out, _, _ = run
    for name in REPOSITORIES:
        report = json.loads((out / f"{name}.report.json").read_text())
        assert report["command"] == "fix"
        assert report["summary"]["findings"] == by_name(out)[name]["counts"]["findings"]
        assert (out / f"{name}.report.md").read_text().startswith("# rekey fix report")
    models = json.loads((out / "models.report.json").read_text())
    assert sorted(models["changed_files"]) == ["noise.py"]
    assert {site["path"] for site in models["sites"]} == {"layers/eqx_layer.py"}
    assert not (out / f"{MISSING}.report.json").exists()


def test_the_original_repositories_are_unchanged(run):
    root, _, _, _, before = run
    for name in REPOSITORIES:
        assert snapshot(root / "repos" / name) == before[name], name


def test_jobs_2_writes_the_same_summary(rekey, run):
    root, manifest, out, _, _ = run
    parallel = root / "out-jobs-2"
    result = batch(rekey, manifest, parallel, "--jobs", "2")
    assert result.returncode == 1, result.describe()
    for name in ("summary.json", "summary.md"):
        assert (parallel / name).read_text() == (out / name).read_text()


def test_a_rerun_skips_what_is_done_and_redoes_a_repository_whose_commit_changed(rekey, tmp_path):
    manifest = build(tmp_path, names=("models", "tidy"))
    out = tmp_path / "out"
    first = batch(rekey, manifest, out)
    assert first.returncode == 1, first.describe()
    first_summary = summary(out)

    again = batch(rekey, manifest, out)
    assert "models: already changed" in again.stderr and "tidy: already clean" in again.stderr, again.describe()
    assert f"{MISSING}: failed" in again.stderr  # a failed repository is tried again
    assert summary(out) == first_summary

    models = tmp_path / "repos" / "models"
    shutil.copyfile(FIXTURES / "RK001/alias_from_jax_import_random/before.py", models / "more.py")
    git("add", "more.py", cwd=models)
    git("commit", "--quiet", "-m", "more", cwd=models)
    redone = batch(rekey, manifest, out)
    assert "tidy: already clean" in redone.stderr and "models: changed" in redone.stderr, redone.describe()
    assert by_name(out)["models"]["commit"] == git("rev-parse", "HEAD", cwd=models).strip()
    assert by_name(out)["models"]["counts"]["files_changed"] == 2
    assert "more.py" in (out / "models.patch").read_text()
    assert git("rev-list", "--count", f"HEAD~1..{BRANCH}", cwd=out / "clones" / "models").strip() == "1"


def test_options_pass_through_and_other_options_redo_the_repository(rekey, tmp_path):
    manifest = build(tmp_path, names=("reuse", "models"), missing=False)
    out = tmp_path / "out"
    assert batch(rekey, manifest, out).returncode == 0
    assert by_name(out)["reuse"]["status"] == "clean"

    unsafe = batch(rekey, manifest, out, "--unsafe-fixes", "--select", "RK004", "--branch", "rekey/unsafe")
    assert unsafe.returncode == 0, unsafe.describe()
    assert "already" not in unsafe.stderr
    document = summary(out)
    assert document["options"]["unsafe_fixes"] is True and document["options"]["select"] == ["RK004"]
    reuse = by_name(out)["reuse"]
    assert reuse["status"] == "changed" and reuse["counts"]["fixed_unsafe"] > 0
    # --select RK004 leaves the models' RK001 alone: only their (absent) RK004 findings count.
    assert by_name(out)["models"]["counts"]["findings"] == 0
    assert git("rev-list", "--count", "rekey/unsafe", cwd=out / "clones" / "reuse").strip() == "2"


def test_shards_partition_the_manifest_and_merge_into_the_whole_summary(rekey, run, tmp_path):
    root, manifest, out, _, _ = run
    shard_outs = [tmp_path / f"shard-{index}" for index in range(3)]
    shares = []
    for index, shard_out in enumerate(shard_outs):
        result = batch(rekey, manifest, shard_out, "--shard", f"{index}/3")
        shares.append(set(by_name(shard_out)))
        assert summary(shard_out)["shard"] == f"{index}/3"
        assert result.returncode == (1 if MISSING in shares[-1] else 0), result.describe()
    assert set().union(*shares) == set(by_name(out))
    assert sum(len(share) for share in shares) == len(by_name(out))

    merged = tmp_path / "merged"
    result = run_rekey(rekey, ["batch", "merge", *map(str, shard_outs), "--out", str(merged)], cwd=tmp_path)
    assert result.returncode == 1, result.describe()  # the missing repository failed
    for name in ("summary.json", "summary.md"):
        assert (merged / name).read_text() == (out / name).read_text()

    # Adding repositories (first in the manifest) moves none of the others to another shard.
    for extra in ("alpha", "beta", "gamma"):
        make_repository(root / "repos" / extra, REPOSITORIES["tidy"])
    longer = root / "longer.txt"
    longer.write_text("".join(f"repos/{extra}\n" for extra in ("alpha", "beta", "gamma")) + manifest.read_text())
    for index, share in enumerate(shares):
        shard_out = tmp_path / f"longer-{index}"
        batch(rekey, longer, shard_out, "--shard", f"{index}/3")
        assert share <= set(by_name(shard_out)), index


def test_merge_refuses_an_incomplete_set_of_shards(rekey, run, tmp_path):
    _, manifest, _, _, _ = run
    shard_out = tmp_path / "shard-0"
    batch(rekey, manifest, shard_out, "--shard", "0/3")
    result = run_rekey(rekey, ["batch", "merge", str(shard_out), "--out", str(tmp_path / "merged")], cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "missing shards: 1/3, 2/3" in result.stderr
    repeated = run_rekey(rekey, ["batch", "merge", str(shard_out), str(shard_out), "--out", str(tmp_path / "m")], cwd=tmp_path)
    assert repeated.returncode == 2 and "shards given twice: 0/3" in repeated.stderr, repeated.describe()


def test_list_prints_the_share_of_a_shard_and_clones_nothing(rekey, run, tmp_path):
    _, manifest, out, _, _ = run
    names = []
    for index in range(3):
        listed = run_rekey(rekey, ["batch", str(manifest), "--list", "--shard", f"{index}/3"], cwd=tmp_path)
        assert listed.returncode == 0, listed.describe()
        names += [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert sorted(names) == sorted(by_name(out))
    everything = run_rekey(rekey, ["batch", str(manifest), "--list"], cwd=tmp_path)
    assert [line.split("\t") for line in everything.stdout.splitlines()] == [
        [name, f"repos/{name}"] for name in [*REPOSITORIES, MISSING]
    ]
    assert list(tmp_path.iterdir()) == []


def test_out_inside_a_local_repository_is_refused(rekey, tmp_path):
    manifest = build(tmp_path, names=("tidy",), missing=False)
    before = snapshot(tmp_path / "repos" / "tidy")
    result = batch(rekey, manifest, tmp_path / "repos" / "tidy" / "migration")
    assert result.returncode == 2 and "is inside the repository repos/tidy" in result.stderr, result.describe()
    assert snapshot(tmp_path / "repos" / "tidy") == before


def test_out_inside_a_repository_given_by_a_file_url_is_refused(rekey, tmp_path):
    repository = tmp_path / "repos" / "tidy"
    make_repository(repository, REPOSITORIES["tidy"])
    manifest = tmp_path / "manifest.txt"
    manifest.write_text(f"{repository.as_uri()}\n")
    before = snapshot(repository)
    result = batch(rekey, manifest, repository / "migration")
    assert result.returncode == 2, result.describe()
    assert f"is inside the repository {repository.as_uri()}" in result.stderr, result.describe()
    assert snapshot(repository) == before


def test_a_deleted_patch_is_made_again(rekey, tmp_path):
    manifest = build(tmp_path, names=("models",), missing=False)
    out = tmp_path / "out"
    assert batch(rekey, manifest, out).returncode == 0
    patch = (out / "models.patch").read_text()
    (out / "models.patch").unlink()
    again = batch(rekey, manifest, out)
    assert "models: changed" in again.stderr, again.describe()
    # The same change, in a commit made at another time.
    assert (out / "models.patch").read_text().split("\n---\n", 1)[1] == patch.split("\n---\n", 1)[1]


def test_a_broken_configuration_fails_its_repository_only(rekey, tmp_path):
    manifest = build(tmp_path, names=("tidy",), missing=False)
    make_repository(tmp_path / "repos" / "broken", [
        ("noise.py", FIXTURES / "RK001/alias_jr/before.py"), ("pyproject.toml", "[tool.rekey]\nselekt = []\n"),
    ])
    manifest.write_text(manifest.read_text() + "repos/broken\n")
    out = tmp_path / "out"
    result = batch(rekey, manifest, out)
    assert result.returncode == 1, result.describe()
    broken = by_name(out)["broken"]
    assert broken["status"] == "failed" and "unknown key 'selekt'" in broken["reason"], broken
    assert by_name(out)["tidy"]["status"] == "clean"
    assert git("rev-list", "--count", BRANCH, cwd=out / "clones" / "broken").strip() == "1"


def test_out_is_required_to_run(rekey, run, tmp_path):
    _, manifest, _, _, _ = run
    result = run_rekey(rekey, ["batch", str(manifest)], cwd=tmp_path)
    assert result.returncode == 2 and "--out DIR is required" in result.stderr, result.describe()


@pytest.mark.parametrize(
    "manifest_text, options, message",
    [
        ("repos/a\nother/a\n", [], "line 2: the name 'a' is already used on line 1"),
        ("repos/a extra words\n", [], "line 1: expected a source and an optional name"),
        ("repos/a\n", ["--shard", "3/3"], "--shard"),
        ("repos/a\n", ["--jobs", "0"], "--jobs must be at least 1"),
    ],
)
def test_usage_errors_exit_2(rekey, tmp_path, manifest_text, options, message):
    manifest = tmp_path / "manifest.txt"
    manifest.write_text(manifest_text)
    result = batch(rekey, manifest, tmp_path / "out", *options)
    assert result.returncode == 2, result.describe()
    assert message in result.stderr, result.describe()
    assert not (tmp_path / "out").exists()


# --- git URLs: repositories served by `git daemon` (git://) and by path (file://) -----------------


@dataclass
class Daemon:
    """A `git daemon` serving the bare repositories under `base` at git://127.0.0.1:<port>/."""

    base: Path
    port: int
    log: Path

    def url(self, name: str) -> str:
        return f"git://127.0.0.1:{self.port}/{name}.git"


def serve(root: Path, base: Path, name: str, files) -> Path:
    """`files` committed in root/work/<name> and served as the bare base/<name>.git; the work repository."""
    work = root / "work" / name
    make_repository(work, files)
    git("clone", "--quiet", "--bare", str(work), str(base / f"{name}.git"), cwd=root)
    return work


def push_a_commit(work: Path, served: Path) -> str:
    """A second RK001 file committed in `work` and pushed to `served`, the bare repository served from it."""
    shutil.copyfile(FIXTURES / "RK001/alias_from_jax_import_random/before.py", work / "more.py")
    git("add", "more.py", cwd=work)
    git("commit", "--quiet", "-m", "more", cwd=work)
    git("push", "--quiet", str(served), "main", cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


@pytest.fixture
def daemon(tmp_path: Path):
    base = tmp_path / "served"
    base.mkdir()
    with socket.socket() as probe:  # a free port, as the kernel hands them out
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "git-daemon.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--verbose", f"--base-path={base}", "--export-all",
             "--listen=127.0.0.1", f"--port={port}", str(base)],
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"git daemon exited with {process.returncode}:\n{log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"git daemon does not accept connections:\n{log.read_text()}"
                time.sleep(0.1)
        yield Daemon(base, port, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def url_manifest(tmp_path: Path, lines: list[str]) -> Path:
    manifest = tmp_path / "manifest.txt"
    manifest.write_text("# served repositories\n" + "".join(f"{line}\n" for line in lines))
    return manifest


def test_git_and_file_urls_are_cloned_with_git_and_migrated(rekey, daemon, tmp_path):
    served = {name: serve(tmp_path, daemon.base, name, REPOSITORIES[name]) for name in ("models", "tidy")}
    heads = {name: git("rev-parse", "HEAD", cwd=work).strip() for name, work in served.items()}
    before = {name: git("show-ref", cwd=daemon.base / f"{name}.git") for name in served}
    file_url = (daemon.base / "models.git").as_uri()
    sources = {"models": daemon.url("models"), "tidy": daemon.url("tidy"), "models-file": file_url}
    manifest = url_manifest(tmp_path, [daemon.url("models"), daemon.url("tidy"), f"{file_url}   models-file"])
    out = tmp_path / "out"
    result = batch(rekey, manifest, out)
    assert result.returncode == 0, result.describe()

    repositories = by_name(out)
    assert {name: (r["source"], r["status"]) for name, r in repositories.items()} == {
        "models": (sources["models"], "changed"), "tidy": (sources["tidy"], "clean"),
        "models-file": (file_url, "changed"),
    }
    assert repositories["models"]["commit"] == repositories["models-file"]["commit"] == heads["models"]
    assert repositories["tidy"]["commit"] == heads["tidy"]
    # git fetched them from the daemon (ls-remote, then the clone); the file:// one never reached it.
    requests = daemon.log.read_text()
    assert requests.count("Request upload-pack for '/models.git'") == 2, requests
    assert requests.count("Request upload-pack for '/tidy.git'") == 2, requests

    for name, source in sources.items():
        clone = out / "clones" / name
        assert git("remote", "get-url", "origin", cwd=clone).strip() == source
        assert git("rev-parse", "--is-shallow-repository", cwd=clone).strip() == "true", "a URL's clone has its last commit only"
        assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=clone).strip() == BRANCH
        head = heads[name.removesuffix("-file")]
        if name == "tidy":
            assert git("rev-parse", BRANCH, cwd=clone).strip() == head
            assert not (out / "tidy.patch").exists()
            continue
        assert git("rev-list", "--count", f"{head}..{BRANCH}", cwd=clone).strip() == "1", name
        assert git("rev-parse", f"{BRANCH}~1", cwd=clone).strip() == head, name
        assert git("log", "-1", "--format=%s", BRANCH, cwd=clone).startswith(SUBJECT)
        report = json.loads((out / f"{name}.report.json").read_text())
        assert report["command"] == "fix" and sorted(report["changed_files"]) == ["noise.py"], name
        assert (out / f"{name}.report.md").read_text().startswith("# rekey fix report")

        # The patch, applied with `git am` to a clone of the served repository, gives `rekey fix`'s files.
        applied = tmp_path / f"applied-{name}"
        git("clone", "--quiet", source, str(applied), cwd=tmp_path)
        git("am", "--quiet", str(out / f"{name}.patch"), cwd=applied)
        fixed = tmp_path / f"fixed-{name}"
        shutil.copytree(served["models"], fixed)
        assert run_rekey(rekey, ["fix"], cwd=fixed).returncode == 0
        assert snapshot(applied)["files"] == snapshot(fixed)["files"] != snapshot(served["models"])["files"]

    totals = summary(out)["totals"]
    assert (totals["repositories"], totals["changed"], totals["clean"], totals["failed"]) == (3, 2, 1, 0)
    after = {name: git("show-ref", cwd=daemon.base / f"{name}.git") for name in served}
    assert after == before, "the served repositories are unchanged"


def test_a_rerun_asks_the_remote_and_redoes_only_a_repository_with_a_new_commit(rekey, daemon, tmp_path):
    served = {name: serve(tmp_path, daemon.base, name, REPOSITORIES[name]) for name in ("models", "tidy")}
    manifest = url_manifest(tmp_path, [daemon.url("models"), daemon.url("tidy")])
    out = tmp_path / "out"
    assert batch(rekey, manifest, out).returncode == 0
    first_summary = summary(out)
    first_patch = (out / "models.patch").read_text()

    again = batch(rekey, manifest, out)
    assert again.returncode == 0, again.describe()
    assert "models: already changed" in again.stderr and "tidy: already clean" in again.stderr, again.describe()
    assert summary(out) == first_summary and (out / "models.patch").read_text() == first_patch
    # The re-run only asked for each HEAD (ls-remote, one upload-pack each): nothing was cloned.
    requests = daemon.log.read_text()
    assert requests.count("Request upload-pack for '/models.git'") == 3, requests
    assert requests.count("Request upload-pack for '/tidy.git'") == 3, requests

    pushed = push_a_commit(served["models"], daemon.base / "models.git")
    redone = batch(rekey, manifest, out)
    assert redone.returncode == 0, redone.describe()
    assert "models: changed" in redone.stderr and "tidy: already clean" in redone.stderr, redone.describe()
    models = by_name(out)["models"]
    assert models["commit"] == pushed and models["counts"]["files_changed"] == 2
    assert "more.py" in (out / "models.patch").read_text()
    clone = out / "clones" / "models"
    assert git("rev-parse", f"{BRANCH}~1", cwd=clone).strip() == pushed
    assert by_name(out)["tidy"] == next(r for r in first_summary["repositories"] if r["name"] == "tidy")


def test_an_unreachable_url_fails_its_repository_only(rekey, daemon, tmp_path):
    serve(tmp_path, daemon.base, "models", REPOSITORIES["models"])
    serve(tmp_path, daemon.base, "tidy", REPOSITORIES["tidy"])
    # A port held by a socket that does not listen: a connection to it is refused.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        refused = f"git://127.0.0.1:{closed.getsockname()[1]}/models.git"
        missing_file = (tmp_path / "nowhere" / "gone.git").as_uri()
        manifest = url_manifest(tmp_path, [
            daemon.url("models"), f"{daemon.url('not-served')}   not-served", f"{refused}   refused",
            f"{missing_file}   gone", (daemon.base / "tidy.git").as_uri(),
        ])
        out = tmp_path / "out"
        result = batch(rekey, manifest, out)
    assert result.returncode == 1, result.describe()
    repositories = by_name(out)
    assert {name: r["status"] for name, r in repositories.items()} == {
        "models": "changed", "tidy": "clean", "not-served": "failed", "refused": "failed", "gone": "failed",
    }
    reasons = {name: repositories[name]["reason"] for name in ("not-served", "refused", "gone")}
    assert "repository not exported: /not-served.git" in reasons["not-served"], reasons
    # git says why on the line after "unable to connect to HOST:"; the reason keeps it.
    assert "unable to connect to 127.0.0.1" in reasons["refused"] and "Connection refused" in reasons["refused"], reasons
    assert "does not appear to be a git repository" in reasons["gone"], reasons
    for name, reason in reasons.items():
        assert reason.startswith("git ls-remote: fatal: "), reasons
        assert "commit" not in repositories[name] and repositories[name]["source"] in manifest.read_text()
        assert f"{name}: failed: {reason}" in result.stderr, result.describe()
        assert not (out / "clones" / name).exists() and not (out / f"{name}.report.json").exists()
    totals = summary(out)["totals"]
    assert (totals["repositories"], totals["changed"], totals["clean"], totals["failed"]) == (5, 1, 1, 3)
    markdown = (out / "summary.md").read_text()
    for name in reasons:
        assert f"| {name} | failed |" in markdown
