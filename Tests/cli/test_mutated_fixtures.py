"""Property test over mutated fixtures (the reliability issue, "Keep finding them").

Every fixture file is a seed; a deterministic RNG mutates them (lines deleted, duplicated, swapped
and re-indented, lines spliced from other fixtures, bytes inserted, nesting deepened, line endings
changed, statements about `key` inserted, `key` respelt), and each mutant, alone in a fresh git repository, goes through `rekey check`, `rekey diff
--unsafe-fixes` and `rekey fix --unsafe-fixes` twice. Whatever the input:

- rekey never crashes: every exit status is 0, 1 or 2, never a signal;
- `check` and `diff` write nothing;
- when CPython compiles the mutant, it compiles what `fix` wrote;
- the diff passes `git apply --check` and `patch -p1 --dry-run` on a fresh copy, and applying it
  with either gives exactly what `fix` wrote (no diff when `fix` changed nothing);
- a second `fix --unsafe-fixes` changes nothing.

The files in Tests/fuzz/regressions (inputs the fuzzer, scripts/fuzz, or this test once failed on)
are checked the same way. A failure names the mutant's seed fixture and mutations and leaves the
mutant in the test's temporary folder; copy it into Tests/fuzz/regressions with the fix.
REKEY_MUTANTS sets the number of mutants (default 160, some 60 s on two workers with a debug build),
REKEY_MUTANT_SEED the RNG's seed (to search further than the suite does: the failure message names
the mutant, reproducible with the same two values).
"""

from __future__ import annotations

import os
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT, REPO_ROOT
from rekey_cli import Result, TIMEOUT_SECONDS, assert_patch_applies, compiles, copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

SEED = int(os.environ.get("REKEY_MUTANT_SEED", "20250301"))
COUNT = int(os.environ.get("REKEY_MUTANTS", "160"))
REGRESSIONS = REPO_ROOT / "Tests" / "fuzz" / "regressions"


@dataclass(frozen=True)
class Mutant:
    id: str
    seed_file: str
    mutations: tuple[str, ...]
    source: bytes

    @property
    def name(self) -> str:
        # As the fuzz target names its input: a test module when it defines tests.
        return "test_mutant.py" if b"def test" in self.source else "mutant.py"

    def describe(self) -> str:
        return f"mutant {self.id} of {self.seed_file} ({'; '.join(self.mutations) or 'as is'})"


def fixture_sources() -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """Every non-empty fixture file, and the `before` files rekey rewrites (seeds with findings)."""
    files = [(p.relative_to(REPO_ROOT).as_posix(), p.read_bytes()) for p in sorted(FIXTURES_ROOT.rglob("*.py"))]
    files = [(name, source) for name, source in files if source.strip()]
    by_name = dict(files)
    fixed = [(name, source) for name, source in files
             if "/before" in name and by_name.get(name.replace("/before", "/after", 1)) not in (None, source)]
    return files, fixed


# Bytes and text that have broken parsers: control characters, invalid UTF-8, a BOM inside a file,
# Unicode line and paragraph separators, a form feed, characters NFKC folds into ASCII, and
# fragments of Python's harder syntax.
CHUNKS = [b"\x00", b"\xff", b"\xc3", b"\r", b"\t", b"\x0c", b"\x0b", b"\xef\xbb\xbf", "\u2028".encode(), "\u00e9".encode(),
          "\U0001d48c".encode(), "ｋｅｙ".encode(), b"\\\n", b"#", b"'", b'"""', b"f'{", b"(", b")", b"[", b"]", b":",
          b",", b"=", b"*", b"**", b"@", b"->", b":=", b"lambda: ", b"key=key", b"*, key", b"yield ", b"await ",
          b"return ", b"async ", b"global key", b"nonlocal key", b"del key", b"key, subkey = ", b"jax.random.split(key)",
          b"jax.random.normal(key)", b"jax.random.PRNGKey(0)", b"# rekey: ignore", b"# noqa", b" if key else key"]


# Mutations by weight: most keep the file Python, so that rekey gets to analyse and fix it.
OPERATIONS = {"delete": 3, "duplicate": 3, "swap": 1, "indent": 1, "dedent": 1, "splice": 3, "bytes": 2, "nest": 2,
              "endings": 1, "statement": 2, "rename": 2}
# What a fix has to respect: statements about `key` a rewrite must not contradict (a `global key`
# in a function that gains a `key` parameter is a SyntaxError), and other spellings of a key.
STATEMENTS = [b"global key", b"nonlocal key", b"del key", b"key = jax.random.fold_in(key, 1)", b"yield key",
              b"return key", b"key, sub = jax.random.split(key)", b"print(jax.random.uniform(key))",
              b"for key in jax.random.split(key, 3): pass", b"key: jax.Array = jax.random.PRNGKey(0)",
              b"(key := jax.random.PRNGKey(2))", b"jax.random.normal(key)", b"lambda: key"]
SPELLINGS = [b"k", b"key, key", b"key=key", b"*key", b"rng", b"key[0]", b"jax.random.PRNGKey(1)", b"self.key",
             b"key_", b"(key)", b"jax.random.split(key)[0]", b"key if key else key", b"[key]", b"**{'key': key}"]


def mutate(rng: random.Random, sources: list[tuple[str, bytes]], fixed: list[tuple[str, bytes]]) -> tuple[bytes, list[str]]:
    seed_file, source = rng.choice(fixed if rng.random() < 0.75 else sources)
    lines = source.split(b"\n")
    done = [seed_file]
    for _ in range(rng.choice([1, 1, 2, 3])):
        i = rng.randrange(len(lines))
        operation = rng.choices(list(OPERATIONS), weights=list(OPERATIONS.values()))[0]
        if operation == "delete" and len(lines) > 1:
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif operation == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            operation += f" {j + 1}"
        elif operation == "indent":
            lines[i] = rng.choice([b" ", b"    ", b"        ", b"\t"]) + lines[i]
        elif operation == "dedent":
            lines[i] = lines[i].lstrip() if rng.random() < 0.5 else lines[i].replace(b"    ", b"\t", 1)
        elif operation == "splice":
            other_file, other = rng.choice(sources)
            other_lines = other.split(b"\n")
            start = rng.randrange(len(other_lines))
            block = other_lines[start:start + rng.randint(1, 4)]
            lines[i:i] = block
            operation += f" {other_file}:{start + 1}+{len(block)}"
        elif operation == "bytes":
            position = rng.randint(0, len(lines[i]))
            chunk = rng.choice(CHUNKS) if rng.random() < 0.8 else bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
            lines[i] = lines[i][:position] + chunk + lines[i][position:]
            operation += f" {chunk!r}"
        elif operation == "nest":
            depth = rng.choice([3, 20, 60, 120])
            if rng.random() < 0.5:
                # The line's expression in `depth` parentheses, or a line under `depth` blocks.
                stripped = lines[i].lstrip()
                indent = lines[i][:len(lines[i]) - len(stripped)]
                lines[i] = indent + b"x = " + b"(" * depth + b"key" + b")" * depth
            else:
                depth = min(depth, 60)
                block = [b" " * level + b"if key:" for level in range(depth)] + [b" " * depth + b"key = jax.random.split(key)[0]"]
                lines[i:i] = block
            operation += f" {depth}"
        elif operation == "statement":
            indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
            statement = rng.choice(STATEMENTS)
            lines.insert(i, indent + statement)
            operation += f" {statement!r}"
        elif operation == "rename":
            found = [p for p in range(len(lines[i])) if lines[i].startswith(b"key", p)]
            if found:
                position, spelling = rng.choice(found), rng.choice(SPELLINGS)
                lines[i] = lines[i][:position] + spelling + lines[i][position + 3:]
                operation += f" {spelling!r}"
        elif operation == "endings":
            ending = rng.choice([b"\r\n", b"\r"])
            joined = b"\n".join(lines).replace(b"\n", ending)
            lines = [joined]
            operation += f" {ending!r}"
        done.append(f"{operation} at line {i + 1}")
    return b"\n".join(lines), done


def mutants(count: int, seed: int) -> list[Mutant]:
    sources, fixed = fixture_sources()
    rng = random.Random(seed)
    result = []
    for index in range(count):
        source, done = mutate(rng, sources, fixed)
        result.append(Mutant(f"m{index:03d}", done[0], tuple(done[1:]), source))
    return result


def regressions() -> list[Mutant]:
    if not REGRESSIONS.is_dir():
        return []
    files = sorted(p for p in REGRESSIONS.iterdir() if p.is_file() and p.name != "README.md")
    return [Mutant(f"regression-{p.name}", p.relative_to(REPO_ROOT).as_posix(), (), p.read_bytes()) for p in files]


CASES = mutants(COUNT, SEED) + regressions()


def check_exit(result: Result, mutant: Mutant, saved: Path) -> None:
    assert result.returncode in (0, 1, 2), (
        f"{mutant.describe()}: exit {result.returncode}"
        f"{' (killed by signal %d)' % -result.returncode if result.returncode < 0 else ''}; input saved as {saved}\n"
        f"{result.describe()}")


@pytest.mark.parametrize("mutant", CASES, ids=[m.id for m in CASES])
def test_mutant_keeps_the_pipelines_promises(mutant: Mutant, rekey: Path, tmp_path: Path):
    saved = tmp_path / "original" / mutant.name
    saved.parent.mkdir()
    saved.write_bytes(mutant.source)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    file = copy_as(saved, repo, mutant.name)
    where = f"{mutant.describe()}; input saved as {saved}"

    check = run_rekey(rekey, ["check", mutant.name], cwd=repo)
    check_exit(check, mutant, saved)
    diff = run_rekey(rekey, ["diff", "--unsafe-fixes", mutant.name], cwd=repo)
    check_exit(diff, mutant, saved)
    assert file.read_bytes() == mutant.source, f"{where}: check or diff changed the file"

    fix = run_rekey(rekey, ["fix", "--unsafe-fixes", mutant.name], cwd=repo)
    check_exit(fix, mutant, saved)
    fixed = file.read_bytes()
    if compiles(mutant.source):
        assert compiles(fixed), (f"{where}: CPython compiles the input but not what fix wrote\n--- written\n"
                                 f"{fixed.decode(errors='replace')}\n{fix.describe()}")

    patch = diff.stdout.encode("utf-8", errors="surrogateescape")
    if fixed == mutant.source:
        assert not patch, f"{where}: fix changed nothing but diff printed a patch\n{diff.describe()}"
    else:
        assert patch, f"{where}: fix changed the file but diff printed no patch\n{diff.describe()}\n{fix.describe()}"
        (tmp_path / "apply").mkdir()
        try:
            assert_patch_applies(patch, saved, mutant.name, fixed, tmp_path / "apply")
        except AssertionError as error:
            raise AssertionError(f"{where}: {error}") from None

    again = run_rekey(rekey, ["fix", "--unsafe-fixes", mutant.name], cwd=repo)
    check_exit(again, mutant, saved)
    refixed = file.read_bytes()
    assert refixed == fixed, (
        f"{where}: a second fix --unsafe-fixes changed the file again (not idempotent)\n--- after the first\n"
        f"{fixed.decode(errors='replace')}\n--- after the second\n{refixed.decode(errors='replace')}\n"
        f"{fix.describe()}\n{again.describe()}")


def test_the_mutants_reach_every_outcome(rekey: Path, tmp_path: Path):
    # The mutations must neither all break the inputs nor all leave them as they were: many
    # mutants compile, many do not, and rekey rewrites a good share of them.
    mutants_only = CASES[:COUNT]
    compiled = sum(compiles(m.source) for m in mutants_only)
    assert 0.3 * COUNT < compiled < 0.9 * COUNT, f"{compiled} of {COUNT} mutants compile"
    folder = tmp_path / "all"
    folder.mkdir()
    for mutant in mutants_only:
        (folder / f"{mutant.id}.py").write_bytes(mutant.source)
    result = run_rekey(rekey, ["diff", "--unsafe-fixes", "."], cwd=folder)
    rewritten = result.stdout.count("\ndiff --git ") + result.stdout.startswith("diff --git ")
    assert rewritten > 0.25 * COUNT, f"rekey rewrites only {rewritten} of {COUNT} mutants\n{result.describe()}"
