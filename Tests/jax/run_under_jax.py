"""Run one Python file under real JAX with the key-reuse checker on, and report what happened.

    python run_under_jax.py FILE

Meant to be spawned in a fresh process per file (test_fixtures_under_jax.py does that), because the
JAX flags below are process-wide and a file's import-time state must not leak into the next file.

Steps:
1. Configure JAX for CPU, typed keys for `PRNGKey` (`jax_enable_custom_prng`: without it the reuse
   checker does not see legacy uint32 keys) and `jax_debug_key_reuse`.
2. Import jax, equinox and flax.nnx, so that their own import-time work is not counted.
3. Replace every public function of `jax.random` with a counting wrapper. Fixtures reach them as
   `jax.random.X`, `jr.X`, `random.X` or `from jax.random import X` (looked up after step 3), so all
   spellings are counted. Calls nested inside a wrapped call (e.g. a sampler that splits) count once.
4. Import FILE as a module under a neutral name (not `__main__`), counting the jax.random calls made
   while importing it and noting the exception, if any.
5. If the import succeeded: call every module-level `test_*` function with no arguments, then run the
   file again with `runpy.run_path(FILE, run_name="__main__")` so its `if __name__ == "__main__":`
   block runs.

The last line of stdout is one JSON object:
    {"import_random_calls": int, "import_error": null | "KeyReuseError" | other type name,
     "tests": {"test_x": "ok" | "TypeName: message"}, "main_ran": bool,
     "main_error": null | "TypeName: message", "entry_random_calls": int, "harness_error": null | str}
`entry_random_calls` counts jax.random calls made by the tests and the `__main__` run together
(the `__main__` run re-executes the module body, so module-level calls are counted there again).
This script never raises: anything unexpected goes to "harness_error".
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
import json
import os
import runpy
import sys
import threading
import traceback

MODULE_NAME = "rekey_fixture_under_test"
MESSAGE_LIMIT = 400


def describe(error: BaseException) -> str:
    """`TypeName: first line of the message`, short enough for a JSON report."""
    message = str(error).strip().splitlines()
    first = message[0] if message else ""
    if len(first) > MESSAGE_LIMIT:
        first = first[:MESSAGE_LIMIT] + "…"
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def is_clean_exit(error: BaseException) -> bool:
    return isinstance(error, SystemExit) and error.code in (None, 0)


class RandomCallCounter:
    """Wraps the public functions of `jax.random` and counts outermost calls."""

    def __init__(self) -> None:
        self.count = 0
        self._depth = threading.local()

    def install(self, random_module) -> list[str]:
        wrapped = []
        for name in dir(random_module):
            if name.startswith("_"):
                continue
            value = getattr(random_module, name)
            # Functions only: `PRNGKey` and `key` are functions and are counted; primitives
            # (`random_gamma_p`), classes and submodules are not calls a fixture makes.
            if not (inspect.isfunction(value) or inspect.isbuiltin(value)):
                continue
            setattr(random_module, name, self._wrap(value))
            wrapped.append(name)
        return wrapped

    def _wrap(self, function):
        counter = self

        @functools.wraps(function)
        def counting(*args, **kwargs):
            depth = getattr(counter._depth, "value", 0)
            if depth == 0:
                counter.count += 1
            counter._depth.value = depth + 1
            try:
                return function(*args, **kwargs)
            finally:
                counter._depth.value = depth

        return counting


def new_report() -> dict:
    return {
        "import_random_calls": 0,
        "import_error": None,
        "tests": {},
        "main_ran": False,
        "main_error": None,
        "entry_random_calls": 0,
        "harness_error": None,
    }


def run(path: str, report: dict) -> dict:
    """Fills `report` step by step, so a harness failure still leaves what was learnt before it."""
    # Fixtures are checked in files: leave no __pycache__ beside them.
    sys.dont_write_bytecode = True
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax

    jax.config.update("jax_platforms", "cpu")
    jax.config.update("jax_enable_custom_prng", True)
    jax.config.update("jax_debug_key_reuse", True)
    import jax.numpy  # noqa: F401
    import jax.random
    import equinox  # noqa: F401
    import flax.nnx  # noqa: F401

    counter = RandomCallCounter()
    counter.install(jax.random)

    path = os.path.abspath(path)
    # Like `python FILE`: the file's own folder comes first on sys.path (for sibling imports).
    sys.path.insert(0, os.path.dirname(path))

    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    if spec is None or spec.loader is None:
        report["harness_error"] = f"cannot load {path} as a module"
        return report
    module = importlib.util.module_from_spec(spec)
    # Registered before executing: dataclasses (and so eqx.Module) look their module up by name.
    sys.modules[MODULE_NAME] = module
    counter.count = 0
    try:
        spec.loader.exec_module(module)
    except BaseException as error:  # noqa: BLE001 - report everything, including SystemExit
        if not is_clean_exit(error):
            report["import_error"] = type(error).__name__
    report["import_random_calls"] = counter.count
    if report["import_error"] is not None:
        return report

    counter.count = 0
    for name, value in list(vars(module).items()):
        if name.startswith("test_") and inspect.isfunction(value):
            try:
                value()
                report["tests"][name] = "ok"
            except BaseException as error:  # noqa: BLE001
                report["tests"][name] = describe(error)

    report["main_ran"] = True
    try:
        runpy.run_path(path, run_name="__main__")
    except BaseException as error:  # noqa: BLE001
        if not is_clean_exit(error):
            report["main_error"] = describe(error)
    report["entry_random_calls"] = counter.count
    return report


def main(argv: list[str]) -> int:
    report = new_report()
    if len(argv) != 2:
        print("usage: run_under_jax.py FILE", file=sys.stderr)
        report["harness_error"] = "usage: run_under_jax.py FILE"
    else:
        try:
            run(argv[1], report)
        except BaseException:  # noqa: BLE001 - never raise: the caller reads the JSON line
            report["harness_error"] = traceback.format_exc()
    sys.stdout.flush()
    sys.stderr.flush()
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
