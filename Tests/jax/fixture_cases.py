"""The fixture cases under Fixtures/, found once for both Python suites (Tests/jax and Tests/cli).

A case is a folder `Fixtures/<RULE>/<case>/` holding:
- `before.py` and `after.py` — the file as found, and as `rekey diff` must leave it. When they are
  byte-identical the case is *report-only*: rekey must leave the file alone and report it.
- `args` (optional) — extra command-line arguments for rekey, one per line (e.g. `--unsafe-fixes`);
  blank lines and lines starting with `#` are ignored.
- `findings.txt` (optional) — the exact stdout of `rekey check before.py` (run with cwd = the case's
  folder). An *empty* findings.txt makes the case a *negative* one: rekey must find nothing, and
  before.py (identical to after.py) must run clean under JAX.

A positive case whose bug JAX cannot show at all (no import-time `jax.random` call, no
`KeyReuseError` on any entry point) says so in a comment line of before.py starting with
`# jax-cannot-show:` followed by the reason; the JAX suite then skips its bug check with that reason.
Keep such cases rare.

Package-shaped cases (`before/…` and `after/…` trees) are not collected yet: folders without
`before.py` are skipped. To add them, give `FixtureCase` a `kind` and the tree roots, recognise the
layout in `_case_in`, and teach each suite how to run a tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES_ROOT = REPO_ROOT / "Fixtures"
JAX_CANNOT_SHOW = "# jax-cannot-show:"


@dataclass(frozen=True)
class FixtureCase:
    rule: str
    name: str
    directory: Path
    before: Path
    after: Path

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.name}"

    @property
    def report_only(self) -> bool:
        """after == before: rekey must not change the file (it only reports it)."""
        return self.before.read_bytes() == self.after.read_bytes()

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
    def jax_cannot_show(self) -> str | None:
        """The reason given by a `# jax-cannot-show: …` line in before.py, if any."""
        for line in self.before.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(JAX_CANNOT_SHOW):
                return stripped[len(JAX_CANNOT_SHOW):].strip() or "no reason given"
        return None


def _case_in(rule: str, directory: Path) -> FixtureCase | None:
    before, after = directory / "before.py", directory / "after.py"
    if before.is_file() and after.is_file():
        return FixtureCase(rule, directory.name, directory, before, after)
    return None


def discover(root: Path = FIXTURES_ROOT) -> list[FixtureCase]:
    """Every case, sorted by rule then case name."""
    cases = []
    if not root.is_dir():
        return cases
    for rule_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for case_dir in sorted(p for p in rule_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            case = _case_in(rule_dir.name, case_dir)
            if case is not None:
                cases.append(case)
    return cases
