"""A mixed multi-package tree for scripts/bench: the pinned sdists of projects.toml (fetched with
their hashes checked, as the suite fetches them), unpacked side by side, `--copies` times.

    python Tests/realworld/bench_tree.py --copies 2   # prints the tree's path

Two copies is the same tree twice (`copy1/`, `copy2/`), for how time and memory grow with the
tree. Unpacked once under .realworld/bench/ and reused while the sdists' hashes are the same.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


def tree(copies: int) -> Path:
    projects = harness.load_projects()
    sdists = [harness.fetch_sdist(project, log=lambda message: print(message, file=sys.stderr)) for project in projects]
    root = harness.WORK / "bench" / f"copies-{copies}"
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
