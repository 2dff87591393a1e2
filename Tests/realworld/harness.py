"""The real-world proof suite's machinery: fetch pinned sdists, run rekey on copies of them, run
the projects' own tests in each copy, and judge the results.

Everything it downloads or unpacks lives under `.realworld/` at the repository root (ignored by
git), so a clean checkout rebuilds it and a second run reuses the downloads and the venv.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

SUITE_DIR = Path(__file__).resolve().parent
ROOT = SUITE_DIR.parents[1]
WORK = ROOT / ".realworld"
VENV = WORK / "venv"
VENV_PYTHON = VENV / "bin" / "python"
REQUIREMENTS = SUITE_DIR / "requirements.txt"
BASE_VENV = ROOT / ".venv"

REKEY_TIMEOUT_SECONDS = 600
INSTALL_TIMEOUT_SECONDS = 1200


@dataclass(frozen=True)
class Project:
    """One pinned release: an sdist on PyPI, and the test subset run in each copy."""

    name: str
    version: str
    sha256: str
    note: str
    # pytest arguments relative to the unpacked tree; empty for a check-only (legacy) project.
    tests: tuple[str, ...] = ()
    # A file with a fix, rewritten alone (`rekey fix FILE`) as pre-commit would.
    precommit_file: str | None = None
    # "all": every finding is hand-classified, so an unclassified one fails strict mode.
    classified: str = "sample"
    # Where pytest runs, relative to the tree (some tests open data files relative to it).
    cwd: str = "."
    timeout_seconds: int = 900

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def runs_tests(self) -> bool:
        return bool(self.tests)


def load_projects(path: Path = SUITE_DIR / "projects.toml") -> list[Project]:
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    projects = []
    for entry in table["project"]:
        entry = dict(entry)
        entry["tests"] = tuple(entry.get("tests", ()))
        projects.append(Project(**entry))
    return projects


# ---------------------------------------------------------------- downloads and trees


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_sdist(project: Project, log=print) -> Path:
    """The project's sdist from PyPI (pip, in hash-checking mode), cached under .realworld/sdists."""
    cache = WORK / "sdists"
    cache.mkdir(parents=True, exist_ok=True)
    for candidate in cache.glob(f"{_sdist_stem(project)}*.tar.gz"):
        if sha256_of(candidate) == project.sha256:
            return candidate
        candidate.unlink()  # a stale or corrupt download: fetch it again
    requirement_file = cache / f"{project.name}.requirement.txt"
    requirement_file.write_text(f"{project.requirement} --hash=sha256:{project.sha256}\n")
    log(f"downloading {project.requirement}")
    # pip prepares an sdist's metadata after downloading it, which needs its build backend (build
    # isolation fetches it); --require-hashes makes pip refuse a file with another hash.
    _checked_run(
        [str(_pip_python()), "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "--require-hashes", "-r", str(requirement_file), "-d", str(cache)],
        cwd=cache, timeout=INSTALL_TIMEOUT_SECONDS,
    )
    for candidate in cache.glob(f"{_sdist_stem(project)}*.tar.gz"):
        if sha256_of(candidate) == project.sha256:
            return candidate
    raise RuntimeError(f"{project.requirement}: no sdist with sha256 {project.sha256} after download")


def _sdist_stem(project: Project) -> str:
    # Sdist names normalise '-' to '_' in newer releases (dm_haiku-0.0.9.tar.gz).
    return f"{project.name.replace('-', '_')}-{project.version}".replace("_", "[-_]")


def _pip_python() -> Path:
    return VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable)


def unpack(sdist: Path, destination: Path) -> Path:
    """A fresh copy of the sdist's tree at `destination` (the sdist's top folder itself)."""
    if destination.exists():
        shutil.rmtree(destination)
    staging = destination.with_name(destination.name + ".unpacking")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    with tarfile.open(sdist) as archive:
        archive.extractall(staging, filter="data")
    (top,) = list(staging.iterdir())
    top.rename(destination)
    staging.rmdir()
    return destination


def python_files(tree: Path) -> dict[str, bytes]:
    return {
        path.relative_to(tree).as_posix(): path.read_bytes()
        for path in sorted(tree.rglob("*.py"))
        if path.is_file()
    }


def changed_files(before: dict[str, bytes], tree: Path) -> list[str]:
    after = python_files(tree)
    return sorted(name for name, text in after.items() if before.get(name) != text)


# ---------------------------------------------------------------- virtual environment


def ensure_venv(log=print) -> Path:
    """`.realworld/venv`: the projects' test dependencies (requirements.txt, pinned) layered over
    the repository's `.venv`, which supplies jax, jaxlib, flax, equinox, optax and pytest at the
    versions every other suite uses. A `.pth` file adds `.venv`'s site-packages; nothing is ever
    installed into `.venv` itself. Rebuilt when requirements.txt changes."""
    base_python = BASE_VENV / "bin" / "python"
    if not base_python.exists():
        raise RuntimeError(f"{BASE_VENV} is missing: run scripts/bootstrap first")
    # Resolved, so a worktree whose `.venv` links to a shared one matches the shared stamp.
    base_site = os.path.realpath(_site_packages(base_python))
    stamp = VENV / ".requirements-sha256"
    want = sha256_of(REQUIREMENTS) + ":" + base_site
    if VENV_PYTHON.exists() and stamp.exists() and stamp.read_text() == want:
        return VENV_PYTHON
    if VENV.is_symlink():
        raise RuntimeError(f"{VENV} links to a shared venv that is out of date: rebuild it where it lives")
    if VENV.exists():
        shutil.rmtree(VENV)
    log("creating .realworld/venv")
    base_interpreter = _checked_run(
        [str(base_python), "-c", "import sys; print(sys._base_executable)"], cwd=ROOT
    ).stdout.strip()
    _checked_run([base_interpreter, "-m", "venv", str(VENV)], cwd=ROOT)
    own_site = _site_packages(VENV_PYTHON)
    Path(own_site, "_rekey_base_venv.pth").write_text(base_site + "\n")
    log("installing Tests/realworld/requirements.txt into .realworld/venv")
    _checked_run(
        [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(REQUIREMENTS)],
        cwd=ROOT, timeout=INSTALL_TIMEOUT_SECONDS,
    )
    stamp.write_text(want)
    return VENV_PYTHON


def _site_packages(python: Path) -> str:
    return _checked_run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=ROOT
    ).stdout.strip()


def _checked_run(command, cwd, timeout=300) -> subprocess.CompletedProcess:
    process = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} failed ({process.returncode}):\n"
            f"{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
        )
    return process


# ---------------------------------------------------------------- rekey


@dataclass
class RekeyRun:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        return f"rekey {' '.join(self.args)} -> exit {self.returncode}\n{self.stderr[-2000:]}"


def rekey_binary() -> Path | None:
    value = os.environ.get("REKEY", "")
    return Path(value) if value else None


def run_rekey(rekey: Path, args: list[str], cwd: Path) -> RekeyRun:
    start = time.monotonic()
    process = subprocess.run(
        ["nice", str(rekey), *args], cwd=cwd, capture_output=True, timeout=REKEY_TIMEOUT_SECONDS,
        stdin=subprocess.DEVNULL,
    )
    return RekeyRun(
        args, process.returncode,
        process.stdout.decode("utf-8", errors="replace"),
        process.stderr.decode("utf-8", errors="replace"),
        time.monotonic() - start,
    )


def check_findings(rekey: Path, tree: Path) -> tuple[RekeyRun, dict]:
    """`rekey check --output-format json .` in `tree`; exit 0 or 1 is a result, anything else
    (2: usage or I/O error, a crash) is raised. Without the cache: its time is a cold check's."""
    run = run_rekey(rekey, ["check", "--no-cache", "--output-format", "json", "."], tree)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"rekey check crashed or failed in {tree}:\n{run.describe()}")
    return run, json.loads(run.stdout)


def finding_key(project: str, finding: dict) -> str:
    """Stable across rekey versions on a pinned sdist: project, path, line, column, rule."""
    start = finding["start"]
    return f"{project}:{finding['path']}:{start['line']}:{start['column']}:{finding['code']}"


def fix_tier(finding: dict) -> str:
    """'safe', 'unsafe', 'display-only' or 'none' (no fix offered: a hand migration)."""
    return finding["fix"]["applicability"] if finding.get("fix") else "none"


def site_signature(finding: dict, tree: Path) -> tuple[str, str, str]:
    """A finding's path, rule and the text of its line: how a finding left after a fix (whose
    positions moved) is matched to the finding it was before the fix."""
    lines = _lines_of(tree / finding["path"])
    line_number = finding["start"]["line"]
    text = lines[line_number - 1].strip() if 0 < line_number <= len(lines) else ""
    return finding["path"], finding["code"], text


_line_cache: dict[Path, list[str]] = {}


def _lines_of(path: Path) -> list[str]:
    if path not in _line_cache:
        try:
            _line_cache[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            _line_cache[path] = []
    return _line_cache[path]


_COMPILE_SCRIPT = """
import json, sys
errors = []
for name in sys.argv[1:]:
    try:
        compile(open(name, "rb").read(), name, "exec")
    except (SyntaxError, ValueError) as error:
        errors.append(f"{name}:{getattr(error, 'lineno', '?')}: {error}")
print(json.dumps(errors))
"""


def compile_errors(python: Path, tree: Path, files: list[str]) -> list[str]:
    """Each rewritten file must still compile (what `py_compile` checks, without writing .pyc
    files into the copy): returns 'path:line: error' for those that do not."""
    if not files:
        return []
    process = subprocess.run(
        [str(python), "-c", _COMPILE_SCRIPT, *files], cwd=tree, capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL,
    )
    if process.returncode != 0:
        raise RuntimeError(f"compiling the rewritten files failed:\n{process.stderr[-2000:]}")
    return json.loads(process.stdout)


# ---------------------------------------------------------------- pytest


@dataclass
class TestOutcome:
    outcome: str  # passed, failed, error, skipped
    kind: str = ""  # exception type of a failure or error ("AssertionError", "fixture-not-found")
    message: str = ""


@dataclass
class TestRun:
    label: str
    returncode: int
    seconds: float
    outcomes: dict[str, TestOutcome] = field(default_factory=dict)
    output_tail: str = ""

    def ids_with(self, outcome: str) -> set[str]:
        return {test for test, result in self.outcomes.items() if result.outcome == outcome}

    def counts(self) -> dict[str, int]:
        counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        for result in self.outcomes.values():
            counts[result.outcome] += 1
        return counts


# Checks JAX's key-reuse detector on legacy keys too: typed keys for every PRNGKey (FACTS.md).
KEY_REUSE_PLUGIN = "key_reuse_plugin"


def run_pytest(project: Project, tree: Path, label: str, junit: Path, key_reuse: bool = False) -> TestRun:
    """The project's test subset in `tree`, importing the project from the tree itself (its root
    first on PYTHONPATH), on CPU, at low priority; per-test outcomes from junit XML."""
    junit.parent.mkdir(parents=True, exist_ok=True)
    if junit.exists():
        junit.unlink()
    command = [
        "nice", str(VENV_PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider",
        # The project's own addopts (coverage, xdist, report options) are for its CI, not this run.
        "-o", "addopts=", "-o", "junit_family=xunit2", f"--junitxml={junit}",
    ]
    if key_reuse:
        command += ["-p", KEY_REUSE_PLUGIN]
    command += list(project.tests)
    python_path = [str(tree)]
    if key_reuse:
        python_path.append(str(SUITE_DIR))
    env = dict(
        os.environ,
        JAX_PLATFORMS="cpu",
        PYTHONPATH=os.pathsep.join(python_path),
        PYTHONDONTWRITEBYTECODE="1",
        MPLBACKEND="Agg",
    )
    start = time.monotonic()
    try:
        process = subprocess.run(
            command, cwd=tree / project.cwd, capture_output=True, text=True, timeout=project.timeout_seconds,
            stdin=subprocess.DEVNULL, env=env,
        )
        returncode, output = process.returncode, process.stdout + process.stderr
    except subprocess.TimeoutExpired as expired:
        returncode, output = -1, f"timed out after {project.timeout_seconds}s\n{expired.stdout or ''}"
    run = TestRun(label, returncode, time.monotonic() - start, output_tail=output[-3000:])
    if junit.exists():
        run.outcomes = parse_junit(junit)
    return run


_EXCEPTION_NAME = re.compile(r"^\s*(?:E\s+)?([A-Za-z_][\w.]*(?:Error|Exception|Exit|Warning|Failure))\b", re.M)


def parse_junit(path: Path) -> dict[str, TestOutcome]:
    outcomes: dict[str, TestOutcome] = {}
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        result = TestOutcome("passed")
        for child in case:
            if child.tag in ("failure", "error"):
                text = f"{child.get('message', '')}\n{child.text or ''}"
                # A failure wins over a teardown error on the same test.
                if result.outcome != "failed":
                    result = TestOutcome("failed" if child.tag == "failure" else "error",
                                         failure_kind(text), _first_line(child.get("message", "")))
            elif child.tag == "skipped" and result.outcome == "passed":
                # An xfail-marked test that fails is reported as skipped: keep that it failed.
                xfail = child.get("type") == "pytest.xfail"
                result = TestOutcome("skipped", "xfail" if xfail else "", _first_line(child.get("message", "")))
        outcomes[test_id] = result
    return outcomes


def failure_kind(text: str) -> str:
    """What a failure was: pytest's missing fixture, JAX's KeyReuseError, or the exception type
    (`AssertionError` for a test that ran and compared values)."""
    if re.search(r"fixture '[^']+' not found", text):
        return "fixture-not-found"
    if "KeyReuseError" in text:
        return "KeyReuseError"
    if re.match(r"\s*assert\b", text):
        return "AssertionError"  # a plain `assert` (pytest reports its rewritten expression)
    message_type = re.match(r"\s*([A-Za-z_][\w.]*(?:Error|Exception))\b", text)
    if message_type:
        return message_type.group(1).rsplit(".", 1)[-1]
    names = _EXCEPTION_NAME.findall(text)
    return names[-1].rsplit(".", 1)[-1] if names else "unknown"


def _first_line(message: str) -> str:
    return (message.strip().splitlines() or [""])[0][:240]


# An unsafe fix may change the numbers a test draws: such a test can fail an exact-value
# assertion (listed in expectations.toml with the reason). Any other failure is the fix's fault.
VALUE_CHANGE_KINDS = {"AssertionError"}


# ---------------------------------------------------------------- classification


def load_classification(path: Path = SUITE_DIR / "classification.json") -> dict[str, dict]:
    entries = json.loads(path.read_text())
    by_key: dict[str, dict] = {}
    for entry in entries:
        key = f"{entry['project']}:{entry['path']}:{entry['line']}:{entry['column']}:{entry['code']}"
        if key in by_key:
            raise ValueError(f"classification.json: {key} is classified twice")
        if entry["verdict"] not in ("true", "intended", "false-alarm"):
            raise ValueError(f"classification.json: {key}: unknown verdict {entry['verdict']!r}")
        if not entry.get("reason", "").strip():
            raise ValueError(f"classification.json: {key}: a verdict needs its reason")
        if "resolved" in entry and (entry["verdict"] != "false-alarm" or not entry["resolved"].strip()):
            raise ValueError(f"classification.json: {key}: `resolved` is a note on a false alarm")
        by_key[key] = entry
    return by_key


@dataclass
class ClassificationCheck:
    """The hand classification against rekey's findings now, for the projects checked."""

    unclassified: list[str] = field(default_factory=list)
    vanished: dict[str, list[str]] = field(default_factory=dict)  # verdict -> keys, not resolved
    # False alarms marked `resolved` (rekey stopped reporting them): still not reported, and
    # reported again (a failure: the false alarm came back).
    resolved: list[str] = field(default_factory=list)
    reappeared: list[str] = field(default_factory=list)
    # (project, code) -> verdict -> count, over classified findings rekey still reports.
    counts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    def precision(self, project: str | None = None, code: str | None = None) -> tuple[int, int]:
        """(false alarms, classified findings) over the selected cells."""
        false_alarms = findings = 0
        for (cell_project, cell_code), verdicts in self.counts.items():
            if project not in (None, cell_project) or code not in (None, cell_code):
                continue
            false_alarms += verdicts.get("false-alarm", 0)
            findings += sum(verdicts.values())
        return false_alarms, findings


def recheck_classification(
    findings_by_project: dict[str, list[dict]], classification: dict[str, dict]
) -> ClassificationCheck:
    result = ClassificationCheck()
    current: set[str] = set()
    for project, findings in findings_by_project.items():
        for finding in findings:
            key = finding_key(project, finding)
            current.add(key)
            entry = classification.get(key)
            if entry is None:
                result.unclassified.append(key)
                continue
            if "resolved" in entry:
                result.reappeared.append(key)
            cell = result.counts.setdefault((project, finding["code"]), {})
            cell[entry["verdict"]] = cell.get(entry["verdict"], 0) + 1
    for key, entry in classification.items():
        if entry["project"] not in findings_by_project or key in current:
            continue
        if "resolved" in entry:
            result.resolved.append(key)
        else:
            result.vanished.setdefault(entry["verdict"], []).append(key)
    return result


def load_expectations(path: Path = SUITE_DIR / "expectations.toml") -> dict[tuple[str, str], str]:
    """(project, test id) -> why the test may fail after `rekey fix --unsafe-fixes`. An entry names
    one test (`test`) or several with one reason (`tests`: parametrized cases)."""
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    expected = {}
    for entry in table.get("unsafe_changes_values", []):
        for test in entry.get("tests", [entry.get("test")]):
            expected[(entry["project"], test)] = entry["reason"]
    return expected
