"""Jupyter notebooks (.ipynb), end to end through the built binary.

The notebook is built from a fixture (Fixtures/RK004/jupytext_script_reuses_key, whose cells are
marked `# %%`): a markdown cell, a code cell that starts with `%matplotlib inline` and
`!pip install jax` (its source a list of lines), one holding the reuse (its source one string,
with outputs, an execution count and metadata) and a `%%bash` cell. rekey must report the reuse
by cell, write the fix into the cells' sources only (the rest of the file byte for byte), give the
same program as for the code as a .py file, and the fixed cells must run under real JAX with the
key-reuse checker where the original ones raise.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import FIXTURES_ROOT
from rekey_cli import assert_patch_applies, run_rekey, rekey_path_or_skip

rekey_path_or_skip()

FIXTURE = FIXTURES_ROOT / "RK004" / "jupytext_script_reuses_key" / "before.py"
MAGICS = ["%matplotlib inline\n", "!pip install jax\n"]
BASH_CELL = ["%%bash\n", "echo key = jax.random.PRNGKey(0)\n"]


def lines(text: str) -> list[str]:
    """nbformat's list form of a source: lines keeping their newline, the last without one."""
    return text.splitlines(keepends=True)


def fixture_cells() -> list[tuple[str, str]]:
    """The fixture's `# %%` cells as (kind, text), trailing blank lines dropped."""
    cells = []
    for chunk in re.split(r"^# %%.*\n", FIXTURE.read_text(encoding="utf-8"), flags=re.M)[1:]:
        text = chunk.rstrip("\n")
        if all(line.startswith("#") for line in text.splitlines()):
            cells.append(("markdown", "\n".join(line[2:] for line in text.splitlines())))
        else:
            cells.append(("code", text))
    return cells


def build_notebook() -> dict:
    (_, markdown), (_, setup), (_, use) = fixture_cells()
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": lines(markdown + "\n\nCafé ☕")},
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {"tags": ["setup"]},
                "outputs": [],
                "source": MAGICS + lines(setup),
            },
            {
                "cell_type": "code",
                "execution_count": 2,
                "metadata": {"scrolled": True},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["[0.1 0.2 0.3]\n"]}],
                "source": use + "\n",
            },
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": BASH_CELL},
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def jupyter_text(notebook: dict) -> str:
    """The notebook as Jupyter writes it (nbformat: one-space indent, UTF-8, a final newline)."""
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def source_text(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def code_cells(notebook: dict) -> list[str]:
    """The Python code cells' texts (the `%%bash` cell is not Python)."""
    return [
        source_text(cell)
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and not source_text(cell).startswith("%%")
    ]


def as_program(notebook: dict, ipython_line) -> str:
    """The code cells as one program, each ending in a newline, IPython lines through `ipython_line`."""
    program = ""
    for text in code_cells(notebook):
        for line in lines(text):
            program += ipython_line(line) if line.startswith(("%", "!")) else line
        if not program.endswith("\n"):
            program += "\n"
    return program


def rekey_placeholder(line: str) -> str:
    """What rekey reads for an IPython line (see IPythonSyntax.swift): `0#` over its first two characters."""
    return "0#" + line[2:]


@pytest.fixture
def notebook_dir(tmp_path: Path) -> Path:
    (tmp_path / "nb.ipynb").write_text(jupyter_text(build_notebook()), encoding="utf-8")
    return tmp_path


def test_check_reports_the_reuse_across_cells_by_cell(rekey: Path, notebook_dir: Path):
    result = run_rekey(rekey, ["check", "nb.ipynb"], notebook_dir)
    assert result.returncode == 1, result.describe()
    assert result.stdout.startswith(
        "nb.ipynb:cell 3:1:9: RK004 `key` is consumed at cell 2, line 6 by `jax.random.normal` "
        "and again at cell 3, line 1 by `jax.random.normal` [unsafe fix: --unsafe-fixes]\n"
    ), result.describe()
    assert "Found 1 finding" in result.stdout


def test_json_gives_the_cell_and_positions_within_it(rekey: Path, notebook_dir: Path):
    result = run_rekey(rekey, ["check", "--output-format", "json", "nb.ipynb"], notebook_dir)
    assert result.returncode == 1, result.describe()
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["path"], finding["cell"], finding["start"], finding["end"]) == (
        "nb.ipynb",
        3,
        {"line": 1, "column": 9},
        {"line": 1, "column": 37},
    )
    # The edits are in the program of the cells, not in the file: none is listed.
    assert finding["fix"]["edits"] == []


def annotation(fmt: str, output: str) -> tuple[int, int, int, str]:
    """Line, column and end column of the one finding in a report of `fmt`, and its message."""
    if fmt == "github":
        match = re.search(r"line=(\d+),col=(\d+),endLine=\d+,endColumn=(\d+)", output)
        return (*map(int, match.groups()), output.split("::", 2)[2])
    if fmt == "gitlab":
        [issue] = json.loads(output)
        positions = issue["location"]["positions"]
        return positions["begin"]["line"], positions["begin"]["column"], positions["end"]["column"], issue["description"]
    if fmt == "rdjson":
        [diagnostic] = json.loads(output)["diagnostics"]
        assert "suggestions" not in diagnostic, "a notebook's fix is in its program, not in the file"
        where = diagnostic["location"]["range"]
        return where["start"]["line"], where["start"]["column"], where["end"]["column"], diagnostic["message"]
    [sarif_result] = json.loads(output)["runs"][0]["results"]
    assert "fixes" not in sarif_result, "a notebook's fix is in its program, not in the file"
    region = sarif_result["locations"][0]["physicalLocation"]["region"]
    return region["startLine"], region["startColumn"], region["endColumn"], sarif_result["message"]["text"]


@pytest.mark.parametrize("fmt", ["github", "gitlab", "sarif", "rdjson"])
def test_annotations_point_into_the_files_text(rekey: Path, notebook_dir: Path, fmt: str):
    result = run_rekey(rekey, ["check", "--unsafe-fixes", "--output-format", fmt, "nb.ipynb"], notebook_dir)
    assert result.returncode == 1, result.describe()
    # The line holding the code is ASCII up to it: rdjson's byte columns are its characters too.
    line, column, end, message = annotation(fmt, result.stdout)
    text_line = (notebook_dir / "nb.ipynb").read_text(encoding="utf-8").split("\n")[line - 1]
    assert text_line[column - 1 : end - 1] == "jax.random.normal(key, (2,))", text_line
    assert message.startswith("cell 3, line 1, column 9: `key` is consumed")


def test_a_cached_check_keeps_the_cells_and_follows_the_file(rekey: Path, notebook_dir: Path):
    first = run_rekey(rekey, ["check", "--output-format", "sarif", "nb.ipynb"], notebook_dir)
    again = run_rekey(rekey, ["check", "--output-format", "sarif", "nb.ipynb"], notebook_dir)
    assert (notebook_dir / ".rekey_cache").is_dir()
    assert again.stdout == first.stdout
    text = run_rekey(rekey, ["check", "nb.ipynb"], notebook_dir)
    assert text.stdout.startswith("nb.ipynb:cell 3:1:9: RK004"), text.describe()
    # New outputs above the code move it in the file, not in the program.
    notebook = build_notebook()
    notebook["cells"][2]["outputs"][0]["text"] += ["more\n", "output\n"]
    (notebook_dir / "nb.ipynb").write_text(jupyter_text(notebook), encoding="utf-8")
    moved = run_rekey(rekey, ["check", "--output-format", "sarif", "nb.ipynb"], notebook_dir)
    assert annotation("sarif", moved.stdout)[0] == annotation("sarif", first.stdout)[0] + 2


def test_notebooks_are_found_in_folders_like_python_files(rekey: Path, notebook_dir: Path):
    for ignored in ("build", ".ipynb_checkpoints"):
        (notebook_dir / ignored).mkdir()
        (notebook_dir / ignored / "nb.ipynb").write_text(jupyter_text(build_notebook()), encoding="utf-8")
    result = run_rekey(rekey, ["check", "--output-format", "json", "."], notebook_dir)
    assert result.returncode == 1, result.describe()
    assert [finding["path"] for finding in json.loads(result.stdout)["findings"]] == ["nb.ipynb"]


def test_gitignored_notebooks_are_not_walked(rekey: Path, notebook_dir: Path):
    subprocess.run(["git", "init", "-q", str(notebook_dir)], check=True)
    (notebook_dir / "ignored.ipynb").write_text(jupyter_text(build_notebook()), encoding="utf-8")
    (notebook_dir / ".gitignore").write_text("ignored.ipynb\n", encoding="utf-8")
    result = run_rekey(rekey, ["check", "--output-format", "json", "."], notebook_dir)
    assert [finding["path"] for finding in json.loads(result.stdout)["findings"]] == ["nb.ipynb"], result.describe()


def test_a_suppression_comment_in_a_cell_silences_the_finding(rekey: Path, tmp_path: Path):
    notebook = build_notebook()
    notebook["cells"][2]["source"] = notebook["cells"][2]["source"].replace("(2,))\n", "(2,))  # noqa: RK004\n", 1)
    (tmp_path / "nb.ipynb").write_text(jupyter_text(notebook), encoding="utf-8")
    result = run_rekey(rekey, ["check", "nb.ipynb"], tmp_path)
    assert (result.returncode, result.stdout) == (0, ""), result.describe()


def fixed(rekey: Path, directory: Path) -> str:
    result = run_rekey(rekey, ["fix", "--unsafe-fixes", "nb.ipynb"], directory)
    assert result.returncode == 0, result.describe()
    return (directory / "nb.ipynb").read_text(encoding="utf-8")


def test_fix_rewrites_only_the_sources_of_the_changed_cells(rekey: Path, notebook_dir: Path):
    original = build_notebook()
    after = json.loads(fixed(rekey, notebook_dir))
    assert len(after["cells"]) == len(original["cells"])
    for before_cell, after_cell in zip(original["cells"], after["cells"]):
        assert {k: v for k, v in after_cell.items() if k != "source"} == {
            k: v for k, v in before_cell.items() if k != "source"
        }
        # Each source keeps its form (a list of lines or one string); magics are untouched.
        assert type(after_cell["source"]) is type(before_cell["source"])
    assert {k: v for k, v in after.items() if k != "cells"} == {k: v for k, v in original.items() if k != "cells"}
    assert after["cells"][1]["source"] == MAGICS + [
        "import jax\n",
        "\n",
        "key = jax.random.PRNGKey(0)\n",
        "key_weights, key_noise = jax.random.split(key)\n",
        "weights = jax.random.normal(key_weights, (3, 2))",
    ]
    assert after["cells"][2]["source"] == "noise = jax.random.normal(key_noise, (2,))\nprint(weights @ noise)\n"
    assert after["cells"][3]["source"] == BASH_CELL
    assert after["cells"][0] == original["cells"][0]
    # Byte for byte what Jupyter would write for the new sources: layout, escaping, key order kept.
    assert (notebook_dir / "nb.ipynb").read_text(encoding="utf-8") == jupyter_text(after)


def test_fixed_cells_are_the_fixed_program_of_the_same_code_as_a_py_file(rekey: Path, notebook_dir: Path):
    original = build_notebook()
    (notebook_dir / "program.py").write_text(as_program(original, rekey_placeholder), encoding="utf-8")
    result = run_rekey(rekey, ["fix", "--unsafe-fixes", "program.py"], notebook_dir)
    assert result.returncode == 0, result.describe()
    after = json.loads(fixed(rekey, notebook_dir))
    assert as_program(after, rekey_placeholder) == (notebook_dir / "program.py").read_text(encoding="utf-8")
    assert as_program(after, rekey_placeholder) != as_program(original, rekey_placeholder)


def test_diff_applies_with_git_and_patch_and_gives_what_fix_writes(rekey: Path, notebook_dir: Path, tmp_path: Path):
    original = notebook_dir / "nb.ipynb"
    diff = run_rekey(rekey, ["diff", "--unsafe-fixes", "nb.ipynb"], notebook_dir)
    assert diff.returncode == 1, diff.describe()
    assert diff.stdout.startswith("diff --git a/nb.ipynb b/nb.ipynb\n")
    workdir = tmp_path / "apply"
    workdir.mkdir()
    pristine = workdir / "pristine.ipynb"
    pristine.write_bytes(original.read_bytes())
    expected = fixed(rekey, notebook_dir).encode("utf-8")
    assert_patch_applies(diff.stdout.encode("utf-8"), pristine, "nb.ipynb", expected, workdir)


def test_fix_is_idempotent_and_leaves_nothing_to_report(rekey: Path, notebook_dir: Path):
    once = fixed(rekey, notebook_dir)
    assert fixed(rekey, notebook_dir) == once
    result = run_rekey(rekey, ["check", "--unsafe-fixes", "nb.ipynb"], notebook_dir)
    assert (result.returncode, result.stdout) == (0, ""), result.describe()


def test_a_notebook_that_is_not_json_is_skipped_with_a_diagnostic(rekey: Path, tmp_path: Path):
    broken = jupyter_text(build_notebook())[:-40]
    (tmp_path / "nb.ipynb").write_text(broken, encoding="utf-8")
    (tmp_path / "old.ipynb").write_text(json.dumps({"nbformat": 3, "worksheets": []}), encoding="utf-8")
    for command in (["check"], ["fix", "--unsafe-fixes"]):
        result = run_rekey(rekey, [*command, "nb.ipynb", "old.ipynb"], tmp_path)
        assert result.returncode == 2, result.describe()
        assert "nb.ipynb: error: skipped: not a notebook: invalid JSON at byte" in result.stderr, result.describe()
        assert "old.ipynb: error: skipped: not a notebook rekey reads: no \"nbformat\": 4" in result.stderr
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == broken
    # "Café" in Latin-1.
    (tmp_path / "latin1.ipynb").write_bytes(jupyter_text(build_notebook()).encode("utf-8").replace("é".encode("utf-8"), b"\xe9"))
    result = run_rekey(rekey, ["check", "latin1.ipynb"], tmp_path)
    assert result.returncode == 2, result.describe()
    assert "latin1.ipynb: error: skipped: not a notebook: not valid UTF-8" in result.stderr, result.describe()


def test_a_cell_that_does_not_parse_is_named_in_the_diagnostic(rekey: Path, tmp_path: Path):
    notebook = build_notebook()
    notebook["cells"][2]["source"] = "print(weights @ noise\n"
    (tmp_path / "nb.ipynb").write_text(jupyter_text(notebook), encoding="utf-8")
    result = run_rekey(rekey, ["check", "nb.ipynb"], tmp_path)
    assert result.returncode == 2, result.describe()
    assert "nb.ipynb: error: skipped: does not parse (syntax error at cell 3, line 1, column " in result.stderr, result.describe()


def test_a_notebook_without_jax_reports_nothing(rekey: Path, tmp_path: Path):
    notebook = build_notebook()
    notebook["cells"][1]["source"] = MAGICS + ["import numpy as np\n", "x = np.random.normal(size=3)"]
    notebook["cells"][2]["source"] = "print(x)\n"
    (tmp_path / "nb.ipynb").write_text(jupyter_text(notebook), encoding="utf-8")
    result = run_rekey(rekey, ["check", "nb.ipynb"], tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), result.describe()


@pytest.mark.parametrize("metadata", [
    {"kernelspec": {"display_name": "R", "language": "R", "name": "ir"}, "language_info": {"name": "R"}},
    {"kernelspec": {"display_name": "Julia 1.10", "language": "julia", "name": "julia-1.10"}},
])
def test_a_notebook_of_another_language_is_left_alone(metadata: dict, rekey: Path, tmp_path: Path):
    notebook = build_notebook()
    notebook["metadata"] = metadata
    notebook["cells"][2]["source"] = "key <- 1; x = runif(3) # not Python\n"
    (tmp_path / "nb.ipynb").write_text(jupyter_text(notebook), encoding="utf-8")
    for command in (["check"], ["fix", "--unsafe-fixes"]):
        result = run_rekey(rekey, [*command, "nb.ipynb"], tmp_path)
        assert (result.returncode, result.stdout) == (0, ""), result.describe()
        assert "nb.ipynb" not in result.stderr, result.describe()
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == jupyter_text(notebook)


FILTERS = FIXTURES_ROOT / "RK007" / "required_in_place_positional_caller" / "before.py"


def caller_notebook(call_cell: str) -> dict:
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": ["!echo start\n", "import jax.numpy as jnp\n", "from filters import particle_filter"],
            },
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines(call_cell)},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def project_with_caller(tmp_path: Path, call_cell: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "filters.py").write_bytes(FILTERS.read_bytes())
    (tmp_path / "explore.ipynb").write_text(jupyter_text(caller_notebook(call_cell)), encoding="utf-8")
    return tmp_path


def test_a_fix_that_changes_a_signature_updates_its_callers_in_notebooks(rekey: Path, tmp_path: Path):
    project = project_with_caller(tmp_path, "def draw():\n    return particle_filter(5, jnp.ones(2))")
    result = run_rekey(rekey, ["fix", "."], project)
    assert result.returncode == 0, result.describe()
    after = json.loads((project / "explore.ipynb").read_text(encoding="utf-8"))
    # `draw` is no entry point (nothing calls it): the key is threaded up to its signature.
    assert after["cells"][1]["source"] == ["def draw(*, key):\n", "    return particle_filter(5, jnp.ones(2), key=key)"]
    assert after["cells"][0] == caller_notebook("")["cells"][0]
    assert "def particle_filter(num_particles, observations, key, threshold=0.5):" in (project / "filters.py").read_text()


def test_a_fix_that_would_break_a_notebook_caller_is_left_for_hand_migration(rekey: Path, tmp_path: Path):
    project = project_with_caller(tmp_path, "print(particle_filter(5, jnp.ones(2)))")
    before = {path.name: path.read_bytes() for path in project.iterdir()}
    result = run_rekey(rekey, ["fix", "."], project)
    assert result.returncode == 0, result.describe()
    assert {path.name: path.read_bytes() for path in project.iterdir()} == before
    check = run_rekey(rekey, ["check", "filters.py"], project)
    assert "manual migration: `particle_filter` is called at explore.ipynb cell 2, line 1" in check.stdout, check.describe()


# --- Under real JAX ------------------------------------------------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jax"))
from test_fixtures_under_jax import run_under_jax  # noqa: E402


def run_cells(notebook: dict, path: Path) -> dict:
    """The code cells in order as one module, IPython lines left out, run under JAX with typed
    keys and the key-reuse checker (run_under_jax.py)."""
    path.write_text(as_program(notebook, lambda line: "\n"), encoding="utf-8")
    return run_under_jax(path)


def test_the_fixed_cells_run_clean_under_jax_where_the_original_raises(rekey: Path, notebook_dir: Path):
    before = run_cells(build_notebook(), notebook_dir / "cells_before.py")
    assert before["import_error"] == "KeyReuseError", before
    after = run_cells(json.loads(fixed(rekey, notebook_dir)), notebook_dir / "cells_after.py")
    assert after["import_error"] is None, after
