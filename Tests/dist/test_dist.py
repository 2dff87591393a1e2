"""rekey without Swift: scripts/dist's binary loads only glibc, its wheel is tagged and recorded
correctly, and `rekey` installed from it (or by `pip install .` through the in-tree build backend,
or by the GitHub Action's install step) runs with no Swift toolchain on PATH and no
LD_LIBRARY_PATH, printing what the debug build prints.

scripts/dist builds in its own .build-dist: cold, a few minutes on two cores; after that, with the
sources unchanged, SwiftPM links nothing and the script takes seconds, `pip install .` too.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 30 * 60
RUN_TIMEOUT = 300
sys.path.insert(0, str(ROOT / "Packaging"))
try:
    import rekey_build  # the wheel writer, whose list of what the binary may load this test holds it to
finally:
    sys.path.pop(0)
sys.path.insert(0, str(ROOT / "Tests/cli"))
try:
    # The GitHub Action's steps as the runner runs them, and the SARIF check, of Tests/cli.
    from action_runner import ACTION, STEPS, Runner
    from sarif_schema import assert_valid_sarif, sarif_validator
finally:
    sys.path.pop(0)

# glibc's own libraries, and the kernel's vDSO that ldd also lists.
GLIBC = rekey_build.GLIBC_LIBRARIES | {"linux-vdso.so.1"}

@dataclass
class Dist:
    binary: Path
    wheel: Path


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [str(ROOT / "scripts/dist"), "--out", str(out)],
        stdout=subprocess.PIPE,
        text=True,
        timeout=BUILD_TIMEOUT,
        env={**os.environ, "PYTHON": sys.executable},
    )
    assert built.returncode == 0, "scripts/dist failed (its output is above)"
    wheel = Path(built.stdout.strip().splitlines()[-1])
    assert wheel.parent == out and wheel.is_file()
    return Dist(binary=out / "rekey", wheel=wheel)


def fresh_venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=RUN_TIMEOUT)
    return path / "bin"


def pip_install(bin_dir: Path, target: str) -> None:
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--no-index", "--disable-pip-version-check", target],
        check=True,
        timeout=BUILD_TIMEOUT,
    )


def without_swift(bin_dir: Path | None = None) -> dict[str, str]:
    """An environment as on a machine without Swift: no toolchain on PATH, no LD_LIBRARY_PATH."""
    return {"PATH": os.pathsep.join(([str(bin_dir)] if bin_dir else []) + ["/usr/bin", "/bin"])}


def run(rekey: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [rekey, *args], cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=RUN_TIMEOUT
    )


def assert_runs_as_the_debug_build(rekey: str, env: dict[str, str]) -> None:
    check = run(rekey, ["check", "Fixtures"], env)
    assert check.returncode == 1, check.stderr
    assert "RK001" in check.stdout
    rule = run(rekey, ["rule", "RK001"], env)
    assert rule.returncode == 0 and rule.stdout.startswith("## RK001"), rule.stderr
    debug = os.environ.get("REKEY")
    if not debug:
        pytest.skip("REKEY is not set: no debug build to compare with (scripts/test sets it)")
    for got, args in ((check, ["check", "Fixtures"]), (rule, ["rule", "RK001"])):
        want = run(debug, args)
        assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr), args


def newest_glibc(binary: Path) -> tuple[int, int]:
    symbols = subprocess.run(["objdump", "-T", str(binary)], check=True, capture_output=True, text=True).stdout
    return max((int(a), int(b)) for a, b in re.findall(r"\bGLIBC_(\d+)\.(\d+)", symbols))


def test_binary_loads_only_glibc(dist: Dist) -> None:
    ldd = subprocess.run(["ldd", str(dist.binary)], check=True, capture_output=True, text=True).stdout
    loaded = {Path(line.split()[0]).name for line in ldd.splitlines() if line.strip()}
    assert loaded <= GLIBC, ldd
    assert "not found" not in ldd and "/opt/swift" not in ldd, ldd


def test_binary_runs_without_swift(dist: Dist) -> None:
    assert_runs_as_the_debug_build(str(dist.binary), without_swift())


def test_wheel_tags_metadata_and_record(dist: Dist) -> None:
    version = run(str(dist.binary), ["--version"]).stdout.strip()
    major, minor = newest_glibc(dist.binary)
    tag = f"py3-none-manylinux_{major}_{minor}_{platform.machine()}"
    assert dist.wheel.name == f"rekey_jax-{version}-{tag}.whl"
    stem = f"rekey_jax-{version}"

    with zipfile.ZipFile(dist.wheel) as wheel:
        names = set(wheel.namelist())
        script = wheel.getinfo(f"{stem}.data/scripts/rekey")
        assert script.external_attr >> 16 & 0o111, "the script is not executable"
        assert wheel.read(script) == dist.binary.read_bytes()
        wheel_file = wheel.read(f"{stem}.dist-info/WHEEL").decode()
        assert f"Tag: {tag}\n" in wheel_file and "Root-Is-Purelib: false\n" in wheel_file
        metadata = wheel.read(f"{stem}.dist-info/METADATA").decode()
        assert "Name: rekey-jax\n" in metadata and f"Version: {version}\n" in metadata
        record = list(csv.reader(io.StringIO(wheel.read(f"{stem}.dist-info/RECORD").decode())))
        assert {row[0] for row in record} == names
        for name, digest, size in record:
            if name.endswith(".dist-info/RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = wheel.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert (digest, size) == (f"sha256={expected}", str(len(data))), name


def test_installed_wheel_runs_without_swift(dist: Dist, tmp_path: Path) -> None:
    bin_dir = fresh_venv(tmp_path / "venv")
    pip_install(bin_dir, str(dist.wheel))
    env = without_swift(bin_dir)
    rekey = shutil.which("rekey", path=env["PATH"])
    assert rekey == str(bin_dir / "rekey")
    assert_runs_as_the_debug_build(rekey, env)


def test_pip_install_of_the_source_tree(dist: Dist, tmp_path: Path) -> None:
    # After the fixture's build, the backend's scripts/dist links nothing: seconds, not minutes.
    bin_dir = fresh_venv(tmp_path / "venv")
    pip_install(bin_dir, str(ROOT))
    installed = bin_dir / "rekey"
    assert installed.read_bytes() == dist.binary.read_bytes()
    assert_runs_as_the_debug_build(str(installed), without_swift(bin_dir))


def test_sdist_holds_the_tracked_files(tmp_path: Path) -> None:
    name = rekey_build.build_sdist(str(tmp_path))
    stem = f"rekey_jax-{rekey_build.version()}"
    assert name == f"{stem}.tar.gz"
    with tarfile.open(tmp_path / name) as sdist:
        members = {member.name.removeprefix(f"{stem}/") for member in sdist.getmembers()}
        assert b"Name: rekey-jax\n" in sdist.extractfile(f"{stem}/PKG-INFO").read()
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    present = {path for path in tracked.splitlines() if (ROOT / path).is_file()}
    assert members == present | {"PKG-INFO"}
    assert {"pyproject.toml", "Package.swift", "scripts/dist", "Packaging/rekey_build.py"} <= members


def test_the_github_action_installs_the_wheel_with_pip_and_checks_without_swift(dist: Dist, tmp_path: Path) -> None:
    """action.yml's steps with `install` the wheel's path: install.sh pip-installs it into a fresh
    venv of the runner's python3 and adds it to GITHUB_PATH, and run.sh's check runs that rekey,
    with no Swift toolchain on PATH and no LD_LIBRARY_PATH. PIP_NO_INDEX: whatever the wheel needed
    from an index would fail the step here (there is no network), not hang on it."""
    workspace = tmp_path / "workspace"
    (workspace / "src").mkdir(parents=True)
    shutil.copyfile(ROOT / "Fixtures/RK001/plain_function/before.py", workspace / "src/model.py")
    system_path = without_swift()["PATH"]
    assert shutil.which("rekey", path=system_path) is None and shutil.which("python3", path=system_path)
    (tmp_path / "home").mkdir()
    env = {"HOME": str(tmp_path / "home"), "PIP_NO_INDEX": "1"}
    runner = Runner(tmp_path, workspace, system_path, env=env)
    version = run(str(dist.binary), ["--version"]).stdout.strip()
    inputs = {name: spec["default"] for name, spec in ACTION["inputs"].items()} | {"install": str(dist.wheel)}
    assert inputs["mode"] == "check"

    install = runner.run_step(STEPS[0], inputs)
    assert install.status == 0, install.describe()
    venv_bin = runner.temp / "rekey-venv" / "bin"
    assert runner.github_path.read_text(encoding="utf-8") == f"{venv_bin}\n"
    assert f"rekey action: {venv_bin / 'rekey'}: rekey {version}" in install.stderr, install.describe()
    assert (venv_bin / "rekey").read_bytes() == dist.binary.read_bytes()
    shown = subprocess.run(
        [str(venv_bin / "python"), "-m", "pip", "show", "--disable-pip-version-check", "rekey-jax"],
        capture_output=True, text=True, timeout=RUN_TIMEOUT, env={"PATH": system_path, **env})
    assert f"Version: {version}\n" in shown.stdout, shown.stdout + shown.stderr

    check = runner.run_step(STEPS[1], inputs)
    assert check.status == 0, check.describe()
    assert shutil.which("rekey", path=runner.last_path) == str(venv_bin / "rekey")
    assert shutil.which("swift", path=runner.last_path) is None
    sarif = runner.temp / "rekey.sarif"
    assert check.outputs == {"sarif-file": str(sarif), "findings": "true"}
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert_valid_sarif(sarif_validator(), log)
    assert log["runs"][0]["tool"]["driver"]["version"] == version
    results = log["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == ["RK001", "RK003"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {"src/model.py"}
