"""A mixed multi-package tree for scripts/bench: the pinned sdists of projects.toml and of
bench_libraries.toml (JAX, Flax and other libraries; fetched with their hashes checked, as the
suite fetches them), unpacked side by side, `--copies` times.

    python Tests/realworld/bench_tree.py --copies 2   # prints the tree's path

Two copies is the tree twice (`copy1/`, `copy2/`), for how time and memory grow with the tree. In
each copy after the first, every package named after its project is renamed (`numpyro` becomes
`numpyro_2`, in the folder's name and as a word in each Python file and notebook of that copy), so
no project module is defined twice: the copies import their own packages, as a tree of twice as
many distinct packages would, instead of two files standing for each module. The libraries keep
their names, so every copy imports `jax` and reaches `jax.random` as the first does. Unpacked once and reused while the sdists' hashes are the same, under the system's temporary
folder (or $REKEY_BENCH_TREES): outside any project, as such a tree stands on a user's machine.
Inside one (this repository, say), `rekey check` would read that project's other files for
callers, which the bare parse it is measured against does not.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


# What makes a folder a project for rekey (see Sources/RekeyDriver/ProjectRoot.swift).
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")
# Changed when what a tree holds changes, so a tree unpacked before is unpacked again.
LAYOUT = "copies after the first have their packages renamed; the libraries are unpacked too\n"


def tree(copies: int) -> Path:
    projects = harness.load_projects()
    packages = projects + harness.load_projects(harness.SUITE_DIR / "bench_libraries.toml")
    sdists = [harness.fetch_sdist(package, log=lambda message: print(message, file=sys.stderr)) for package in packages]
    base = Path(os.environ.get("REKEY_BENCH_TREES") or Path(tempfile.gettempdir()) / "rekey-bench-trees")
    markers = [folder / marker for folder in (base.resolve(), *base.resolve().parents) for marker in PROJECT_MARKERS]
    if inside := next((marker for marker in markers if marker.exists()), None):
        sys.exit(f"bench_tree: {base} is inside a project ({inside}); set REKEY_BENCH_TREES to a folder outside any")
    root = base / f"copies-{copies}"
    stamp = root / ".sdists"
    wanted = LAYOUT + "\n".join(sorted(package.sha256 for package in packages)) + "\n"
    if stamp.exists() and stamp.read_text() == wanted:
        return root
    for copy in range(1, copies + 1):
        for package, sdist in zip(packages, sdists):
            harness.unpack(sdist, root / f"copy{copy}" / package.name)
        if copy > 1:
            rename_packages(root / f"copy{copy}", [project.name for project in projects], suffix=f"_{copy}")
    stamp.write_text(wanted)
    return root


def rename_packages(copy: Path, names: list[str], suffix: str) -> None:
    """Renames each project's package (the folder named after it, at its top or under `src/`) and
    every whole-word use of those names in the copy's Python files and notebooks, byte for byte
    otherwise."""
    packages = [folder for name in names for folder in (copy / name / name, copy / name / "src" / name) if folder.is_dir()]
    renamed = sorted({folder.name for folder in packages})
    for folder in packages:
        folder.rename(folder.with_name(folder.name + suffix))
    word = re.compile(rb"\b(" + b"|".join(re.escape(name.encode()) for name in renamed) + rb")\b")
    for path in copy.rglob("*"):
        if path.suffix in (".py", ".ipynb") and path.is_file() and not path.is_symlink():
            text = path.read_bytes()
            new = word.sub(lambda match: match.group(1) + suffix.encode(), text)
            if new != text:
                path.write_bytes(new)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1)
    print(tree(parser.parse_args().copies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
