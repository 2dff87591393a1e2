"""The fixture cases under Fixtures/, found once for both Python suites (Tests/jax and Tests/cli).

Cases live in `Fixtures/<GROUP>/<case>/`. A group is a rule code (`RK004`: cases about one rule,
with findings goldens) or a migration pass (`THREAD`, `SPLIT`: cases about what a pass rewrites,
possibly across rules and files). A case comes in one of two shapes.

Single-file (`kind == "file"`):
- `before.py` and `after.py` — the file as found, and as `rekey diff` must leave it. When they are
  byte-identical the case is *report-only*: rekey must leave the file alone and report it.

Package-shaped (`kind == "tree"`):
- `before/` and `after/` — two directory trees (a small package and its tests, e.g.
  `before/pkg/__init__.py`, `before/pkg/layers.py`, `before/tests/test_model.py`). The golden is
  `rekey diff <args> .` run inside a copy of `before/`; applying it must give `after/` exactly (the
  same files, byte for byte, none extra). Identical trees make the case report-only.
- `seed_check.json` (optional) — `{"before": ["pkg.layers", "KEY"], "after": ["tests.test_model",
  "test_build"]}`: the first key the after entry point creates (`"test_build"`, a function called
  with no arguments, or `"__main__"` to run the module as a script) must equal the before module's
  global key (`jax.random.key_data` of both are compared).

A single-file case may hold a `seed_check.json` too, naming the global of before.py and the entry
point of after.py: `{"before": "KEY", "after": "test_build"}`.

Either shape may also hold:
- `args` (optional) — extra command-line arguments for rekey, one per line (e.g. `--unsafe-fixes`);
  blank lines and lines starting with `#` are ignored.
- `findings.txt` (optional) — the exact stdout of `rekey check before.py` (run with cwd = the case's
  folder). An *empty* findings.txt makes the case a *negative* one: rekey must find nothing, and
  before.py (identical to after.py) must run clean under JAX.
- `pending` (optional, usually empty; any text in it is the reason shown, else "not implemented
  yet") — after is the target of work rekey does not do yet: the golden
  diff test is an expected failure (strict: it fails once rekey produces the golden, so that the marker
  gets removed), while the JAX checks of before and after must pass already.

A single-file case written as a jupytext script (a line starting with `# %%`) is a script to rekey:
its top level is the run, so the JAX suite counts the jax.random calls made there as the run's work
rather than as import-time calls (`FixtureCase.is_script`).

A positive case whose bug JAX cannot show at all (no import-time `jax.random` call, no
`KeyReuseError` on any entry point) says so in a comment line of before.py (of any .py file of a
before/ tree) starting with `# jax-cannot-show:` followed by the reason; the JAX suite then skips
its bug check with that reason. Keep such cases rare.

`discover()` returns single-file cases only unless `trees=True` (suites that copy `case.before` as
one file keep working); the golden and JAX suites ask for both shapes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES_ROOT = REPO_ROOT / "Fixtures"
JAX_CANNOT_SHOW = "# jax-cannot-show:"
PENDING_REASON = "not implemented yet"
# Never part of a tree's contents: caches Python, pytest or an editor may leave behind.
IGNORED_TREE_NAMES = frozenset({"__pycache__", ".pytest_cache", ".DS_Store"})


def tree_files(root: Path) -> dict[str, Path]:
    """Every file under `root` by its POSIX path relative to `root`, sorted, caches excluded."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in IGNORED_TREE_NAMES or part.endswith(".pyc") for part in relative.parts):
            continue
        if path.is_file():
            files[relative.as_posix()] = path
    return files


def trees_equal(a: Path, b: Path) -> bool:
    files_a, files_b = tree_files(a), tree_files(b)
    return files_a.keys() == files_b.keys() and all(
        files_a[name].read_bytes() == files_b[name].read_bytes() for name in files_a
    )


@dataclass(frozen=True)
class FixtureCase:
    rule: str
    name: str
    directory: Path
    before: Path
    after: Path
    kind: str = "file"

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.name}"

    @property
    def is_tree(self) -> bool:
        return self.kind == "tree"

    @property
    def is_rule_group(self) -> bool:
        """True for `Fixtures/RK004/…` (a rule's cases), False for a pass group (`THREAD`, `SPLIT`)."""
        return re.fullmatch(r"RK\d+", self.rule) is not None

    @property
    def report_only(self) -> bool:
        """after == before: rekey must not change the file (it only reports it)."""
        if self.is_tree:
            return trees_equal(self.before, self.after)
        return self.before.read_bytes() == self.after.read_bytes()

    @property
    def is_script(self) -> bool:
        """A single-file case written as a jupytext script (a line starting with `# %%`): rekey
        takes it for a script, whose top level is the run, so the JAX suite counts its top-level
        jax.random calls as the run's work, not as import-time calls."""
        if self.is_tree:
            return False
        return any(line.startswith("# %%") for line in self.before.read_text(encoding="utf-8").splitlines())

    @property
    def pending(self) -> bool:
        """A `pending` marker: after is a target rekey does not reach yet (golden test xfails)."""
        return (self.directory / "pending").is_file()

    @property
    def pending_reason(self) -> str:
        """The `pending` file's text, or PENDING_REASON when it is empty (the usual case)."""
        path = self.directory / "pending"
        text = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
        return text or PENDING_REASON

    @property
    def extra_args(self) -> list[str]:
        path = self.directory / "args"
        if not path.is_file():
            return []
        lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
        return [line for line in lines if line and not line.startswith("#")]

    @property
    def findings(self) -> Path | None:
        path = self.directory / "findings.txt"
        return path if path.is_file() else None

    @property
    def negative(self) -> bool:
        """An empty findings.txt: rekey must report nothing, and the file must run clean."""
        return self.findings is not None and self.findings.read_bytes() == b""

    @property
    def seed_check(self) -> dict | None:
        """From seed_check.json: `{"before": [module, attribute], "after": [module, entry]}` for a
        tree, `{"before": attribute, "after": entry}` for a single file."""
        path = self.directory / "seed_check.json"
        if not path.is_file():
            return None
        value = json.loads(path.read_text(encoding="utf-8"))
        for side in ("before", "after"):
            entry = value.get(side)
            if self.is_tree and not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)):
                raise ValueError(f"{path}: {side!r} must be [module, name], got {entry!r}")
            if not self.is_tree and not isinstance(entry, str):
                raise ValueError(f"{path}: {side!r} must be a name, got {entry!r}")
        return value

    def python_files(self, side: Path) -> list[Path]:
        """The .py files of `side` (before or after): the file itself, or every .py of the tree."""
        if not self.is_tree:
            return [side]
        return [path for name, path in tree_files(side).items() if name.endswith(".py")]

    @property
    def jax_cannot_show(self) -> str | None:
        """The reason given by a `# jax-cannot-show: …` line in before.py, if any."""
        for path in self.python_files(self.before):
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith(JAX_CANNOT_SHOW):
                    return stripped[len(JAX_CANNOT_SHOW):].strip() or "no reason given"
        return None


def _case_in(rule: str, directory: Path) -> FixtureCase | None:
    before, after = directory / "before.py", directory / "after.py"
    if before.is_file() and after.is_file():
        return FixtureCase(rule, directory.name, directory, before, after)
    before, after = directory / "before", directory / "after"
    if before.is_dir() and after.is_dir():
        return FixtureCase(rule, directory.name, directory, before, after, kind="tree")
    return None


def discover(root: Path = FIXTURES_ROOT, trees: bool = False) -> list[FixtureCase]:
    """Every case, sorted by group then case name; package-shaped ones only when `trees`."""
    cases = []
    if not root.is_dir():
        return cases
    for rule_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for case_dir in sorted(p for p in rule_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            case = _case_in(rule_dir.name, case_dir)
            if case is not None and (trees or not case.is_tree):
                cases.append(case)
    return cases
