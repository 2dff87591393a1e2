"""Differential test: rekey's reuse verdict against JAX's own key-reuse checker, program by program.

    REKEY=.build/debug/rekey .venv/bin/python -m pytest -s Tests/differential
    REKEY_DIFF_COUNT=600 REKEY_DIFF_SEED=20261125 ...      (the defaults)
    REKEY_DIFF_KEEP=/tmp/diff ...                          keep the programs and a report there

What it does:
1. generate.py draws candidate programs 0, 1, 2, ... of seed REKEY_DIFF_SEED (each a pure function of
   (seed, index)); ground_truth.py runs each under JAX (CPU, `jax_enable_custom_prng`,
   `jax_debug_key_reuse`) on all 16 inputs of `run(flag_a, flag_b, n)`. A candidate that raises
   anything but KeyReuseError is rejected (and counted: more than 2% rejected fails the test, since
   that is a generator bug); the first REKEY_DIFF_COUNT valid ones are kept.
2. They are written as prog_0001.py ... (first line: a comment naming seed and candidate index and
   the command that reprints it) to a temporary folder, or to REKEY_DIFF_KEEP.
3. rekey runs ONCE over the folder: `$REKEY check --select RK004,RK005,RK006 --output-format json
   DIR`; if that build does not know those options (exit 2), `$REKEY check DIR` and its text lines
   `PATH:LINE:COL: RKxxx message` are parsed instead, ignoring codes other than RK004-RK006.
4. rekey's verdict for a program: at least one RK004/RK005/RK006 finding in it. JAX's verdict: some
   input raised KeyReuseError. Every program must agree. The agreement figure ("agreement 600/600")
   is printed (stdout, visible with -s) and in pytest's terminal summary; each disagreement is
   printed with its seed and index, source, JAX's verdict (the input that raised and the message)
   and rekey's findings, and the whole report is written to REKEY_DIFF_KEEP/report.txt if set.

test_generator_mix needs only JAX; test_rekey_agrees_with_jax is skipped when REKEY is unset.
"""

from __future__ import annotations

import collections
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
RULES = ("RK004", "RK005", "RK006")
COUNT = int(os.environ.get("REKEY_DIFF_COUNT", "600"))
SEED = int(os.environ.get("REKEY_DIFF_SEED", "20261125"))
KEEP = os.environ.get("REKEY_DIFF_KEEP", "")
MAX_REJECTED_FRACTION = 0.02
REKEY_TIMEOUT_SECONDS = 600
TEXT_FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>RK\d{3}) (?P<message>.*)$")


def _load(name: str):
    # Unique module names: these files sit beside other suites' helpers on sys.path.
    spec = importlib.util.spec_from_file_location(f"rekey_differential_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _load("generate")
ground_truth = _load("ground_truth")


@dataclass
class Program:
    number: int  # 1-based, the file name
    index: int  # candidate index in generate.py
    source: str
    truth: dict
    findings: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"prog_{self.number:04d}.py"

    @property
    def jax_reuse(self) -> bool:
        return self.truth["verdict"] == "reuse"

    @property
    def rekey_reuse(self) -> bool:
        return bool(self.findings)


def header(index: int) -> str:
    return (f"# rekey differential program: seed={SEED} index={index}  "
            f"(python Tests/differential/generate.py --seed {SEED} --index {index})\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    """The first COUNT valid candidates with their JAX verdicts, written to a folder."""
    kept: list[Program] = []
    rejected: list[tuple[int, dict]] = []
    next_index = 0
    started = time.perf_counter()
    while len(kept) < COUNT:
        want = COUNT - len(kept)
        batch = range(next_index, next_index + want + max(5, want // 50))
        next_index = batch.stop
        sources = [(f"cand_{i:04d}.py", header(i) + generate.generate(SEED, i)) for i in batch]
        results = ground_truth.verdicts(sources)
        for i, (_, source), result in zip(batch, sources, results):
            if result["verdict"] == "invalid":
                rejected.append((i, result))
            elif len(kept) < COUNT:
                kept.append(Program(len(kept) + 1, i, source, result))
        if len(rejected) > MAX_REJECTED_FRACTION * next_index + 5:
            break
    wall = time.perf_counter() - started
    directory = Path(KEEP) if KEEP else tmp_path_factory.mktemp("differential")
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("prog_*.py"):
        old.unlink()
    for program in kept:
        (directory / program.name).write_text(program.source, encoding="utf-8")
    seconds = sum(p.truth["seconds"] for p in kept) + sum(r["seconds"] for _, r in rejected)
    return {"programs": kept, "rejected": rejected, "directory": directory, "candidates": next_index,
            "jax_cpu_seconds": seconds, "jax_wall_seconds": wall}


def test_generator_mix(corpus):
    """The generator makes valid programs, and a healthy share of both verdicts."""
    rejected = corpus["rejected"]
    details = "\n\n".join(
        f"candidate {i}: inputs={r['error']['inputs']} line {r['error']['line']}: "
        f"{r['error']['type']}: {r['error']['message']}\n{numbered(generate.generate(SEED, i))}"
        for i, r in rejected[:5])
    assert len(rejected) <= MAX_REJECTED_FRACTION * corpus["candidates"] + 5, (
        f"{len(rejected)} of {corpus['candidates']} candidates raised something other than "
        f"KeyReuseError (a generator bug); first ones:\n{details}")
    programs = corpus["programs"]
    assert len(programs) == COUNT
    reuse = sum(p.jax_reuse for p in programs)
    print(f"\nJAX: {reuse}/{len(programs)} programs reuse a key "
          f"({len(rejected)} candidates rejected; generation + JAX {corpus['jax_wall_seconds']:.0f} s wall, "
          f"{corpus['jax_cpu_seconds']:.0f} s in programs)")
    if COUNT >= 200:
        assert 0.3 <= reuse / COUNT <= 0.7, f"unbalanced mix: {reuse}/{COUNT} reuse"


def run_rekey(rekey: str, directory: Path) -> tuple[dict[str, list[dict]], str]:
    """Findings of RK004-RK006 per file name, and how they were obtained."""
    command = [rekey, "check", "--select", ",".join(RULES), "--output-format", "json", str(directory)]
    process = subprocess.run(command, capture_output=True, text=True, timeout=REKEY_TIMEOUT_SECONDS,
                             stdin=subprocess.DEVNULL)
    if process.returncode in (0, 1):
        try:
            document = json.loads(process.stdout)
        except json.JSONDecodeError:
            document = None
        if document is not None:
            return group(json_findings(document)), "json"
    elif process.returncode != 2:
        pytest.fail(describe_run(command, process))
    command = [rekey, "check", str(directory)]
    process = subprocess.run(command, capture_output=True, text=True, timeout=REKEY_TIMEOUT_SECONDS,
                             stdin=subprocess.DEVNULL)
    if process.returncode not in (0, 1):
        pytest.fail(describe_run(command, process))
    findings = []
    for line in process.stdout.splitlines():
        match = TEXT_FINDING.match(line)
        if match and match["code"] in RULES:
            findings.append({"path": match["path"], "line": int(match["line"]), "column": int(match["col"]),
                             "code": match["code"], "message": match["message"]})
    return group(findings), "text"


def json_findings(document) -> list[dict]:
    """Findings from rekey's JSON, tolerant of its exact schema: any object with an RKnnn code and a
    path (keys `code`/`rule`/`ruleId`, `path`/`file`/`filename`, line under `line` or `start`)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            code = next((node[k] for k in ("code", "rule", "ruleId", "rule_id") if isinstance(node.get(k), str)), None)
            path = next((node[k] for k in ("path", "file", "filename") if isinstance(node.get(k), str)), None)
            if code and re.fullmatch(r"RK\d{3}", code) and path:
                start = node.get("start") if isinstance(node.get("start"), dict) else node
                found.append({"path": path, "line": start.get("line"), "column": start.get("column"),
                              "code": code, "message": node.get("message", "")})
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return [f for f in found if f["code"] in RULES]


def group(findings: list[dict]) -> dict[str, list[dict]]:
    by_file: dict[str, list[dict]] = collections.defaultdict(list)
    for finding in findings:
        by_file[Path(finding["path"]).name].append(finding)
    return by_file


def describe_run(command, process) -> str:
    return (f"{' '.join(command)} -> exit {process.returncode}\n--- stdout\n{process.stdout[-3000:]}\n"
            f"--- stderr\n{process.stderr[-3000:]}")


def numbered(source: str) -> str:
    return "\n".join(f"{i:3d}  {line}" for i, line in enumerate(source.splitlines(), 1))


def describe_jax(truth: dict) -> str:
    tried = f"{truth['inputs_run']} inputs run (of 16; parameters run never reads are not varied)"
    if truth["verdict"] != "reuse":
        return f"JAX: no KeyReuseError on any of the {tried}"
    first = truth["first_reuse"]
    a, b, n = first["inputs"]
    return (f"JAX: KeyReuseError on {len(truth['reuse_inputs'])} of the {tried}; first "
            f"run(flag_a={a}, flag_b={b}, n={n}) at line {first['line']}: {first['message']}")


def describe_rekey(findings: list[dict]) -> str:
    if not findings:
        return "rekey: no RK004/RK005/RK006 finding"
    return "rekey:\n" + "\n".join(f"    {f['line']}:{f['column']}: {f['code']} {f['message']}" for f in findings)


def test_rekey_agrees_with_jax(corpus, request):
    rekey = os.environ.get("REKEY", "")
    if not rekey:
        pytest.skip("REKEY is not set: set it to the built binary, e.g. "
                    "REKEY=$(swift build --show-bin-path)/rekey")
    if not (os.path.isfile(rekey) and os.access(rekey, os.X_OK)):
        pytest.fail(f"REKEY={rekey} is not an executable file")
    programs: list[Program] = corpus["programs"]
    findings, how = run_rekey(rekey, corpus["directory"])
    names = {p.name for p in programs}
    stray = sorted(set(findings) - names)
    assert not stray, f"rekey reported files that are not generated programs: {stray[:5]}"
    for program in programs:
        program.findings = findings.get(program.name, [])
    disagree = [p for p in programs if p.jax_reuse != p.rekey_reuse]
    missed = [p for p in disagree if p.jax_reuse]
    extra = [p for p in disagree if not p.jax_reuse]
    agree = len(programs) - len(disagree)
    summary = (f"rekey vs JAX (seed {SEED}, {len(programs)} programs, rekey output: {how}): "
               f"agreement {agree}/{len(programs)} ({100.0 * agree / len(programs):.1f}%); "
               f"JAX reuse {sum(p.jax_reuse for p in programs)}, rekey reuse {sum(p.rekey_reuse for p in programs)}; "
               f"missed by rekey {len(missed)}, reported only by rekey {len(extra)}")
    request.config.rekey_differential_summary = summary
    report = [summary]
    for program in disagree:
        report += [
            "",
            f"=== {program.name}: seed {SEED} index {program.index} — "
            f"{'JAX reuse, rekey clean' if program.jax_reuse else 'JAX clean, rekey reuse'}",
            numbered(program.source),
            describe_jax(program.truth),
            describe_rekey(program.findings),
        ]
    text = "\n".join(report)
    print("\n" + text)
    if KEEP:
        (Path(KEEP) / "report.txt").write_text(text + "\n", encoding="utf-8")
    if disagree:
        pytest.fail(summary + ("" if KEEP else "  (set REKEY_DIFF_KEEP=DIR to keep the programs and report)")
                    + "; each disagreement is printed in the captured stdout", pytrace=False)


def test_fixed_programs_stay_valid_and_agree_with_jax(corpus, tmp_path):
    """The split pass, proven on the same programs: `rekey fix --unsafe-fixes` converges, every
    rewritten program still runs (nothing but KeyReuseError is raised), rekey's verdict on the
    rewritten programs still agrees with JAX's, and the fixes made some reusing programs clean."""
    rekey = os.environ.get("REKEY", "")
    if not rekey:
        pytest.skip("REKEY is not set")
    programs: list[Program] = corpus["programs"]
    fixed_dir = tmp_path / "fixed"
    fixed_dir.mkdir()
    for program in programs:
        (fixed_dir / program.name).write_text(program.source, encoding="utf-8")
    process = subprocess.run([rekey, "fix", "--unsafe-fixes", "--select", ",".join(RULES), str(fixed_dir)],
                             capture_output=True, text=True)
    assert process.returncode == 0, describe_run(["rekey fix"], process)
    assert "did not converge" not in process.stderr, process.stderr
    sources = [(p.name, (fixed_dir / p.name).read_text(encoding="utf-8")) for p in programs]
    truths = dict(zip((name for name, _ in sources), ground_truth.verdicts(sources)))
    broken = [(name, truth) for name, truth in truths.items() if truth["verdict"] == "invalid"]
    assert not broken, "rewritten programs that no longer run:\n" + "\n\n".join(
        f"{name}: {describe_jax(truth)}\n{numbered((fixed_dir / name).read_text())}" for name, truth in broken[:3])
    findings, _ = run_rekey(rekey, fixed_dir)
    disagree = [name for name, truth in truths.items() if (truth["verdict"] == "reuse") != bool(findings.get(name))]
    assert not disagree, "after fixing, rekey and JAX disagree on:\n" + "\n\n".join(
        f"{name}: {describe_jax(truths[name])}\n{describe_rekey(findings.get(name, []))}\n"
        f"{numbered((fixed_dir / name).read_text())}" for name in disagree[:3])
    before = sum(p.jax_reuse for p in programs)
    after = sum(truth["verdict"] == "reuse" for truth in truths.values())
    changed = sum((fixed_dir / p.name).read_text(encoding="utf-8") != p.source for p in programs)
    print(f"\nrekey fix --unsafe-fixes: {changed} programs rewritten; JAX reuse {before} -> {after} "
          f"(the rest are reported for hand migration)")
    assert after < before
