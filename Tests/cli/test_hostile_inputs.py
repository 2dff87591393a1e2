"""Inputs a bot meets on strangers' repositories (the reliability issue, items 1, 2, 10, 11, 14,
15 and 16): none may end the run, each is skipped with a message that says what it is, and the
good files beside it are still fixed.

CPython is the oracle for what is valid Python: a file it refuses is skipped, never rewritten; a
file it compiles is never refused for being invalid (checked over mutants of every fixture and
over installed libraries).
"""

from __future__ import annotations

import ast
import json
import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import TIMEOUT_SECONDS, compiles, copy_as, rekey_path_or_skip, run_rekey

rekey_path_or_skip()

MY_LAYER = FIXTURES_ROOT / "RK001" / "my_layer"
BEFORE = (MY_LAYER / "before.py").read_bytes()
AFTER = (MY_LAYER / "after.py").read_bytes()
KEY_AT_IMPORT = "import jax\nk = jax.random.PRNGKey(0)\n"


def tree_with_good_file(tmp_path: Path, bad_name: str, bad: bytes) -> Path:
    tree = tmp_path / "tree"
    copy_as(MY_LAYER / "before.py", tree, "good.py")
    (tree / bad_name).write_bytes(bad)
    return tree


def assert_skipped_beside_a_fixed_file(rekey: Path, tmp_path: Path, bad_name: str, bad: bytes, message: str,
                                       options: tuple[str, ...] = ()):
    tree = tree_with_good_file(tmp_path, bad_name, bad)
    result = run_rekey(rekey, ["fix", *options, "tree"], cwd=tmp_path)
    assert result.returncode == 2, f"expected exit 2 (a file was skipped)\n{result.describe()}"
    assert (tree / bad_name).read_bytes() == bad, f"{bad_name} was changed\n{result.describe()}"
    assert (tree / "good.py").read_bytes() == AFTER, f"the good file was not fixed\n{result.describe()}"
    lines = [line for line in result.stderr.splitlines() if bad_name in line]
    assert lines and message in lines[0], f"expected a diagnostic saying {message!r}\n{result.describe()}"


# --- crashes (items 1 and 2) ------------------------------------------------------------------------


def test_nesting_past_the_bound_is_skipped_and_the_rest_fixed(rekey: Path, tmp_path: Path):
    # The reproducer: valid Python (CPython compiles it), 5,000 nested `and`s.
    bad = (KEY_AT_IMPORT + "x = a" + " and a" * 5000 + "\n").encode()
    assert compiles(bad)
    assert_skipped_beside_a_fixed_file(rekey, tmp_path, "deep.py", bad, "nesting deeper than 5000 levels")


def test_a_file_over_the_size_limit_is_skipped_and_the_rest_fixed(rekey: Path, tmp_path: Path):
    # Analysing a file takes memory in proportion to its size (issue 11, item 20): past
    # --max-file-size it is not analysed at all.
    bad = (KEY_AT_IMPORT + "# padding\n" * 110_000).encode()
    assert len(bad) > 1_000_000
    assert_skipped_beside_a_fixed_file(rekey, tmp_path, "huge.py", bad, "over the --max-file-size of 1.0 MB",
                                       options=("--max-file-size", "1"))


@pytest.mark.parametrize("shape", ["and", "attribute", "subscript", "not"])
def test_nesting_just_inside_the_bound_is_analysed_even_on_a_small_main_stack(shape: str, rekey: Path, tmp_path: Path):
    # The analysis recurses; its threads carry their own stacks, so a 1 MB `ulimit -s` (far below
    # what 4,900 levels need) must not matter.
    expression = {"and": "a" + " and a" * 4900, "attribute": "a" + ".a" * 4900,
                  "subscript": "a" + "[0]" * 4900, "not": "not " * 2900 + "a"}[shape]
    (tmp_path / "deep.py").write_text(KEY_AT_IMPORT + f"x = {expression}\n", encoding="utf-8")

    def small_stack():
        resource.setrlimit(resource.RLIMIT_STACK, (1 << 20, resource.getrlimit(resource.RLIMIT_STACK)[1]))

    process = subprocess.run([str(rekey), "check", "deep.py"], cwd=tmp_path, capture_output=True,
                             timeout=TIMEOUT_SECONDS, preexec_fn=small_stack, stdin=subprocess.DEVNULL)
    stdout = process.stdout.decode(errors="replace")
    assert process.returncode == 1, f"exit {process.returncode}\n{stdout}\n{process.stderr.decode(errors='replace')[-2000:]}"
    assert "deep.py:2:1: RK001" in stdout, stdout


def test_indentation_past_cpythons_limit_is_refused_before_parsing(rekey: Path, tmp_path: Path):
    # CPython refuses a 100th level; tree-sitter 0.20.7 takes them, and corrupts its heap at some
    # 18,000 (a 160 MB file, too slow to build here: the scan refuses before the first byte is
    # parsed whatever the count, which the Swift test with 20,000 lines shows).
    levels = 1_000
    bad = KEY_AT_IMPORT + "".join(" " * i + "if x:\n" for i in range(levels)) + " " * levels + "pass\n"
    assert_skipped_beside_a_fixed_file(rekey, tmp_path, "indented.py", bad.encode(), "too many levels of indentation")


def test_indentation_wider_than_the_grammar_follows_is_named_as_such(rekey: Path, tmp_path: Path):
    # 70 levels of 4 spaces: CPython compiles it; the grammar's scanner stores widths in a byte,
    # which used to read as "syntax error at line 1, column 1".
    bad = KEY_AT_IMPORT + "".join("    " * i + "if x:\n" for i in range(70)) + "    " * 70 + "pass\n"
    assert compiles(bad.encode())
    assert_skipped_beside_a_fixed_file(rekey, tmp_path, "wide.py", bad.encode(), "indentation of 256 columns")


def test_a_right_nested_chain_that_breaks_tree_sitters_error_recovery_is_refused(rekey: Path, tmp_path: Path):
    bad = (KEY_AT_IMPORT + "x = " + "not " * 70_000 + "a (\n").encode()
    assert_skipped_beside_a_fixed_file(rekey, tmp_path, "chain.py", bad, "operators nest to the right")


# --- files CPython refuses (item 10) ----------------------------------------------------------------

REFUSED = {
    "unexpected-indent": (BEFORE.replace(b"    def __init__(self):", b"      def __init__(self):", 1), "unexpected indent"),
    "dedent": (BEFORE.replace(b"\nif __name__", b"\n  x = 1\nif __name__", 1), "CPython would refuse it"),
    "tabs": (BEFORE.replace(b"        self.w =", b"\tself.w =", 1), "CPython would refuse it"),
    "repeated-keyword": (BEFORE.replace(b"(128, 128))", b"(128, 128), dtype=1, dtype=2)", 1), "keyword argument repeated"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_file_cpython_refuses_is_skipped_not_rewritten(case: str, rekey: Path, tmp_path: Path):
    bad, message = REFUSED[case]
    assert not compiles(bad), "the case must be one CPython refuses"
    assert_skipped_beside_a_fixed_file(rekey, tmp_path, "bad.py", bad, message)


def mutants(count: int, seed: int) -> list[bytes]:
    """Line-level mutants of every fixture: lines duplicated, dropped, swapped, re-indented,
    tokens inserted. Most no longer compile; tree-sitter accepts many of those."""
    sources = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES_ROOT.rglob("*.py"))]
    sources = [s for s in sources if s.strip()]
    tokens = [",", "=", ":", "(", ")", "key=1", "*", "**", "return 1", "yield", "break", "continue", "\t", "    ",
              "x", "key", "*a", "**k", "nonlocal x", "await x", "async ", "lambda: ", "a=1", "\\\n", "#", "pass"]
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        lines = rng.choice(sources).split("\n")
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(lines))
            operation = rng.randrange(6)
            if operation == 0:
                lines.insert(i, lines[rng.randrange(len(lines))])
            elif operation == 1 and len(lines) > 1:
                del lines[i]
            elif operation == 2:
                position = rng.randint(0, len(lines[i]))
                lines[i] = lines[i][:position] + rng.choice(tokens) + lines[i][position:]
            elif operation == 3:
                lines[i] = rng.choice(["    ", "\t", " ", "        "]) + lines[i]
            elif operation == 4:
                lines[i] = lines[i].lstrip() if rng.random() < 0.5 else lines[i].replace("    ", "\t", 1)
            else:
                j = rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
        result.append("\n".join(lines).encode())
    return result


def skipped_files(rekey: Path, directory: Path, cwd: Path) -> dict[str, str]:
    process = subprocess.run([str(rekey), "check", "--no-prefilter", "--output-format", "json", str(directory)],
                             cwd=cwd, capture_output=True, timeout=600, stdin=subprocess.DEVNULL)
    document = json.loads(process.stdout)
    return {d["path"]: d["message"] for d in document["diagnostics"] if d["message"].startswith("skipped:")}


# CPython's messages for what rekey claims to find; a mutant refused with one of these, and parsed
# by tree-sitter without error, must be skipped.
DETECTED = ("unexpected indent", "unindent does not match", "inconsistent use of tabs", "expected an indented block",
            "outside function", "outside loop", "not properly in loop", "keyword argument repeated",
            "duplicate argument", "positional argument follows", "too many levels of indentation")


def test_mutants_cpython_refuses_are_skipped_and_those_it_compiles_are_not(rekey: Path, tmp_path: Path):
    corpus = tmp_path / "mutants"
    corpus.mkdir()
    sources = mutants(600, seed=11)
    for index, source in enumerate(sources):
        (corpus / f"m{index}.py").write_bytes(source)
    skipped = skipped_files(rekey, corpus, tmp_path)
    wrongly_refused, missed = [], []
    for index, source in enumerate(sources):
        path = f"{corpus}/m{index}.py"
        try:
            compile(source, path, "exec", dont_inherit=True)
            if path in skipped:
                wrongly_refused.append((path, skipped[path]))
        except SyntaxError as error:
            if path not in skipped and any(text in error.msg for text in DETECTED):
                missed.append((path, error.msg, error.lineno))
    assert not wrongly_refused, f"files CPython compiles were refused: {wrongly_refused[:5]}"
    assert not missed, f"files CPython refuses for reasons rekey checks were not skipped: {missed[:5]}"
    refused_by_cpython = sum(1 for path, message in skipped.items() if "CPython would refuse it" in message)
    assert refused_by_cpython > 100, f"only {refused_by_cpython} mutants were refused as CPython would: the check is idle"


def test_installed_libraries_that_compile_are_not_refused(rekey: Path, tmp_path: Path):
    # Real code in quantity: every file of equinox and optax that CPython compiles must pass.
    site = Path(subprocess.run([sys.executable, "-c", "import equinox, os; print(os.path.dirname(os.path.dirname(equinox.__file__)))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    libraries = [site / name for name in ("equinox", "optax") if (site / name).is_dir()]
    assert libraries, f"equinox and optax are not installed under {site}"
    wrongly_refused = []
    for library in libraries:
        for path, message in skipped_files(rekey, library, tmp_path).items():
            if "CPython would refuse" in message and compiles(Path(path).read_bytes()):
                wrongly_refused.append((path, message))
    assert not wrongly_refused, wrongly_refused[:5]


# --- encodings (item 11) ----------------------------------------------------------------------------


@pytest.mark.parametrize("codec, name", [("utf-16", "UTF-16 little-endian, with"), ("utf-16-le", "UTF-16 little-endian, without"),
                                         ("utf-16-be", "UTF-16 big-endian, without"), ("utf-32", "UTF-32 little-endian, with")])
def test_wide_encodings_are_named_not_passed_as_clean(codec: str, name: str, rekey: Path, tmp_path: Path):
    bad = BEFORE.decode().encode(codec)
    assert_skipped_beside_a_fixed_file(rekey, tmp_path, "wide.py", bad, f"not valid UTF-8: it is {name}")


# --- links, FIFOs and names (items 14 and 15) -------------------------------------------------------


def test_a_symbolic_link_named_explicitly_is_checked_and_fixed_through(rekey: Path, tmp_path: Path):
    folder = tmp_path / "d"
    copy_as(MY_LAYER / "before.py", folder, "a.py")
    os.symlink("a.py", folder / "l.py")
    result = run_rekey(rekey, ["check", "d/l.py"], cwd=tmp_path)
    assert result.returncode == 1 and "d/l.py:4:1: RK001" in result.stdout, result.describe()
    result = run_rekey(rekey, ["fix", "d/l.py"], cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert (folder / "l.py").is_symlink(), "the link was replaced by a file"
    assert (folder / "a.py").read_bytes() == AFTER, "the link's target was not fixed"


def test_a_directory_link_named_without_a_slash_is_walked(rekey: Path, tmp_path: Path):
    copy_as(MY_LAYER / "before.py", tmp_path / "real", "a.py")
    os.symlink("real", tmp_path / "dirlink")
    result = run_rekey(rekey, ["check", "dirlink"], cwd=tmp_path)
    assert result.returncode == 1 and "dirlink/a.py:4:1: RK001" in result.stdout, result.describe()


@pytest.mark.parametrize("explicit", [True, False], ids=["named", "in-a-walk"])
def test_dangling_and_looping_links_and_fifos_say_what_they_are(explicit: bool, rekey: Path, tmp_path: Path):
    folder = tmp_path / "d"
    folder.mkdir()
    os.symlink("nowhere.py", folder / "dangling.py")
    os.symlink("loop.py", folder / "loop.py")
    os.mkfifo(folder / "fifo.py")
    args = ["check", "d/dangling.py", "d/loop.py", "d/fifo.py"] if explicit else ["check", "d"]
    result = run_rekey(rekey, args, cwd=tmp_path)
    assert result.returncode == (2 if explicit else 0), result.describe()
    said = {line.split(":")[1].strip(): line for line in result.stderr.splitlines() if line.startswith("rekey: d/")}
    assert "dangling symbolic link" in said.get("d/dangling.py", ""), result.describe()
    assert "symbolic link loop" in said.get("d/loop.py", ""), result.describe()
    assert "not a regular file (a FIFO)" in said.get("d/fifo.py", ""), result.describe()
    assert "outside" not in result.stderr and "No such file" not in result.stderr, result.describe()


def test_a_name_that_is_not_utf8_is_named_as_such(rekey: Path, tmp_path: Path):
    folder = tmp_path / "d"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xffname.py"), "wb") as file:
        file.write(BEFORE)
    result = run_rekey(rekey, ["check", "d"], cwd=tmp_path)
    assert result.returncode == 2, result.describe()
    assert "d/bad\\xffname.py: error: skipped: the name is not valid UTF-8" in result.stderr, result.describe()
    assert "No such file" not in result.stderr, result.describe()


# --- line endings (item 16) -------------------------------------------------------------------------


def test_mixed_line_endings_give_cpythons_line_numbers(rekey: Path, tmp_path: Path):
    lines = BEFORE.split(b"\n")[:-1]
    mixed = b"".join(line + [b"\n", b"\r\n", b"\r"][i % 3] for i, line in enumerate(lines))
    (tmp_path / "mixed.py").write_bytes(mixed)
    key_line = next(node.lineno for node in ast.walk(ast.parse(mixed)) if isinstance(node, ast.Assign)
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "key")
    result = run_rekey(rekey, ["check", "--output-format", "json", "mixed.py"], cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    findings = json.loads(result.stdout)["findings"]
    assert [f["start"]["line"] for f in findings if f["code"] == "RK001"] == [key_line], result.describe()


def test_the_main_guard_is_recognised_under_lone_carriage_returns(rekey: Path, tmp_path: Path):
    clean = ("import jax\n\n\ndef init(shape, *, key):\n    return jax.random.normal(key, shape)\n\n\n"
             "if __name__ == \"__main__\":\n    key = jax.random.PRNGKey(0)\n    print(init((2,), key=key))\n")
    (tmp_path / "clean.py").write_bytes(clean.replace("\n", "\r").encode())
    result = run_rekey(rekey, ["check", "clean.py"], cwd=tmp_path)
    assert result.returncode == 0, f"calls in the __main__ guard were taken for import-time calls\n{result.describe()}"
