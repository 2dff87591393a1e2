"""A mixed multi-package tree for scripts/bench: the pinned sdists of projects.toml (fetched with
their hashes checked, as the suite fetches them), unpacked side by side, `--copies` times.

    python Tests/realworld/bench_tree.py --copies 2   # prints the tree's path

Two copies is the same tree twice (`copy1/`, `copy2/`), for how time and memory grow with the
tree. Unpacked once and reused while the sdists' hashes are the same, under the system's temporary
folder (or $REKEY_BENCH_TREES): outside any project, as such a tree stands on a user's machine.
Inside one (this repository, say), `rekey check` would read that project's other files for
callers, which the bare parse it is measured against does not.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


# What makes a folder a project for rekey (see Sources/RekeyDriver/ProjectRoot.swift).
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")


def tree(copies: int) -> Path:
    projects = harness.load_projects()
    sdists = [harness.fetch_sdist(project, log=lambda message: print(message, file=sys.stderr)) for project in projects]
    base = Path(os.environ.get("REKEY_BENCH_TREES") or Path(tempfile.gettempdir()) / "rekey-bench-trees")
    markers = [folder / marker for folder in (base.resolve(), *base.resolve().parents) for marker in PROJECT_MARKERS]
    if inside := next((marker for marker in markers if marker.exists()), None):
        sys.exit(f"bench_tree: {base} is inside a project ({inside}); set REKEY_BENCH_TREES to a folder outside any")
    root = base / f"copies-{copies}"
    stamp = root / ".sdists"
    wanted = "\n".join(sorted(project.sha256 for project in projects)) + "\n"
    if stamp.exists() and stamp.read_text() == wanted:
        return root
    for copy in range(1, copies + 1):
        for project, sdist in zip(projects, sdists):
            harness.unpack(sdist, root / f"copy{copy}" / project.name)
    stamp.write_text(wanted)
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1)
    print(tree(parser.parse_args().copies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
