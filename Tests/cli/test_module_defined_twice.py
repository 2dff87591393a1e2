"""Two example folders in one repository, each a script beside its own `utils.py`: one module name,
two files. Python runs each script with its own folder first on sys.path, so each reaches the
`utils` beside it. `rekey fix` over the whole repository must migrate the first example's key
without touching the second, whose `utils.f` takes no key: both scripts, run with real JAX, must
print what they printed before.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rekey_cli import rekey_path_or_skip, run_rekey

rekey_path_or_skip()

KEYED_UTILS = '''\
import jax

KEY = jax.random.PRNGKey(0)


def f(x):
    return x + jax.random.normal(KEY, ())
'''

PLAIN_UTILS = '''\
def f(x):
    return x * 2
'''

SCRIPT = '''\
import utils

if __name__ == "__main__":
    print(float(utils.f(1.0)))
'''


def make_repo(root: Path) -> Path:
    for example, utils in (("keyed", KEYED_UTILS), ("plain", PLAIN_UTILS)):
        (root / "examples" / example).mkdir(parents=True)
        (root / "examples" / example / "utils.py").write_text(utils)
        (root / "examples" / example / "train.py").write_text(SCRIPT)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def run_script(path: Path) -> str:
    run = subprocess.run([sys.executable, "-B", path.name], cwd=path.parent, capture_output=True, text=True, timeout=300,
                         env={"JAX_PLATFORMS": "cpu", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_each_script_keeps_reaching_its_own_utils(rekey: Path, tmp_path: Path):
    repo = make_repo(tmp_path / "repo")
    scripts = [repo / "examples" / example / "train.py" for example in ("keyed", "plain")]
    printed = [run_script(script) for script in scripts]
    plain_before = {path: path.read_text() for path in (repo / "examples" / "plain").glob("*.py")}

    result = run_rekey(rekey, ["fix", "."], cwd=repo)
    assert result.returncode == 0, result.describe()
    assert "KEY" not in (repo / "examples" / "keyed" / "utils.py").read_text(), result.describe()
    assert "key=key" in (repo / "examples" / "keyed" / "train.py").read_text(), result.describe()
    assert {path: path.read_text() for path in (repo / "examples" / "plain").glob("*.py")} == plain_before
    assert [run_script(script) for script in scripts] == printed
