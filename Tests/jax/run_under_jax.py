"""Run Python code under real JAX with the key-reuse checker on, and report what happened.

    python run_under_jax.py FILE
    python run_under_jax.py --values FILE
    python run_under_jax.py --tree ROOT [--read-global MODULE:NAME] [--first-key MODULE:ENTRY]
    python run_under_jax.py --pytest ROOT

Meant to be spawned in a fresh process per run (test_fixtures_under_jax.py does that), because the
JAX flags below are process-wide and a file's import-time state must not leak into the next run.

Every mode first:
1. Configures JAX for CPU, typed keys for `PRNGKey` (`jax_enable_custom_prng`: without it the reuse
   checker does not see legacy uint32 keys) and `jax_debug_key_reuse`.
2. Imports jax, equinox and flax.nnx, so that their own import-time work is not counted.
3. Replaces every public function of `jax.random` with a counting wrapper. Fixtures reach them as
   `jax.random.X`, `jr.X`, `random.X` or `from jax.random import X` (looked up after step 3), so all
   spellings are counted. Calls nested inside a wrapped call (e.g. a sampler that splits) count once.

FILE mode (a single-file fixture):
4. Imports FILE as a module under a neutral name (not `__main__`), counting the jax.random calls made
   while importing it and noting the exception, if any.
5. If the import succeeded: calls every module-level `test_*` function, and every `test_*` method of
   every module-level `Test*` class (instantiated with no arguments), then runs the file again with
   `runpy.run_path(FILE, run_name="__main__")` so its `if __name__ == "__main__":` block runs.
   Test parameters without a default are filled like pytest does for simple fixtures: a module-level function
   decorated with `@pytest.fixture` (function scope, plain or yield fixture, `name=` honoured) whose
   name is the parameter's; fixtures may ask for fixtures. Anything else is an error of that test.

The last line of stdout is one JSON object:
    {"import_random_calls": int, "import_error": null | "KeyReuseError" | other type name,
     "tests": {"test_x": "ok" | "TypeName: message"}, "main_ran": bool,
     "main_error": null | "TypeName: message", "entry_random_calls": int, "harness_error": null | str}
`entry_random_calls` counts jax.random calls made by the tests and the `__main__` run together
(the `__main__` run re-executes the module body, so module-level calls are counted there again).

VALUES mode (`--values FILE`): FILE mode with the reuse checker off, recording what each entry
point draws: `"traces": {"test_x": [...], "__main__": [...]}` lists, per outermost `jax.random`
call other than `PRNGKey`/`key`, the function's name and a hash of its result's bytes (key data for
keys). Two versions of a file whose entry points draw the same numbers have equal traces.

TREE mode (a package-shaped fixture; ROOT is put first on sys.path, as `python -m` from ROOT would):
4. Imports every module of the tree (every .py file, `pkg/__init__.py` as `pkg`, `tests/test_m.py`
   as `tests.test_m`), in sorted order, counting the jax.random calls each import makes (a module
   imported earlier as a dependency counts for the module that imported it) and its exception.
5. Runs every module whose source has an `if __name__ == "__main__":` block as a script
   (`runpy.run_module(name, run_name="__main__")`, so relative imports work), counting calls.
6. `--read-global MODULE:NAME` reports `jax.random.key_data` of that module attribute (the old
   global key); `--first-key MODULE:ENTRY` runs ENTRY (a function of MODULE called with no
   arguments, or `__main__` to run MODULE as a script) and reports `key_data` of the first key made
   by `jax.random.PRNGKey` or `jax.random.key` meanwhile. The two are compared by the caller.
The last stdout line is one JSON object:
    {"modules": {"pkg.layers": {"random_calls": int, "error": null | "TypeName: message"}},
     "import_random_calls": int, "mains": {"pkg.train": null | "TypeName: message"},
     "entry_random_calls": int, "global_key": null | [int], "first_key": null | [int],
     "seed_error": null | str, "harness_error": null | str}

PYTEST mode: runs `pytest` on ROOT inside this process (after steps 1–3, so the tests run with the
two JAX flags and counted calls; no conftest is written into the tree), with cwd = ROOT, ROOT first
on sys.path, `--rootdir ROOT`, `-p no:cacheprovider`, `--continue-on-collection-errors` and no ini
file. The last stdout line is:
    {"exit_code": int, "tests": {"tests/test_m.py::test_x": "ok" | "skipped" | "TypeName: message"},
     "collect_errors": {"tests/test_m.py": "TypeName: message"}, "collect_random_calls": int,
     "random_calls": int, "harness_error": null | str}
`collect_random_calls` counts calls made while collecting (importing the test modules),
`random_calls` those made while running the tests (fixtures included).

This script never raises: anything unexpected goes to "harness_error".
"""

from __future__ import annotations

import functools
import importlib
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
KEY_MAKERS = ("PRNGKey", "key")
MAIN_GUARDS = ('if __name__ == "__main__":', "if __name__ == '__main__':")


def describe(error: BaseException) -> str:
    """`TypeName: first line of the message`, short enough for a JSON report."""
    message = str(error).strip().splitlines()
    first = message[0] if message else ""
    if len(first) > MESSAGE_LIMIT:
        first = first[:MESSAGE_LIMIT] + "…"
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def is_clean_exit(error: BaseException) -> bool:
    return isinstance(error, SystemExit) and error.code in (None, 0)


def has_main_block(source: str) -> bool:
    return any(guard in source for guard in MAIN_GUARDS)


class RandomCallCounter:
    """Wraps the public functions of `jax.random` and counts outermost calls.

    When `recording` is set, also keeps `key_data` of the first key made by `PRNGKey`/`key`."""

    def __init__(self) -> None:
        self.count = 0
        self._depth = threading.local()
        self.originals: dict = {}
        self.recording = False
        self.first_key: list | None = None
        # When a list, each outermost call other than a key maker appends `name:hash-of-result`.
        self.trace: list[str] | None = None

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
            self.originals[name] = value
            setattr(random_module, name, self._wrap(name, value))
            wrapped.append(name)
        return wrapped

    def key_data(self, key) -> list:
        """The key's raw data as a list of ints (not counted: the original function is used)."""
        import numpy

        return numpy.asarray(self.originals["key_data"](key)).tolist()

    def fingerprint(self, result) -> str:
        """A hash of a result's bytes: every array leaf, keys by their key data."""
        import hashlib

        import jax
        import numpy

        digest = hashlib.sha256()
        for leaf in jax.tree_util.tree_leaves(result):
            if jax.dtypes.issubdtype(getattr(leaf, "dtype", None), jax.dtypes.prng_key):
                leaf = self.originals["key_data"](leaf)
            digest.update(numpy.asarray(leaf).tobytes())
        return digest.hexdigest()[:16]

    def _wrap(self, name, function):
        counter = self

        @functools.wraps(function)
        def counting(*args, **kwargs):
            depth = getattr(counter._depth, "value", 0)
            if depth == 0:
                counter.count += 1
            counter._depth.value = depth + 1
            try:
                result = function(*args, **kwargs)
            finally:
                counter._depth.value = depth
            if counter.recording and counter.first_key is None and name in KEY_MAKERS:
                counter.first_key = counter.key_data(result)
            if counter.trace is not None and depth == 0 and name not in KEY_MAKERS:
                counter.trace.append(f"{name}:{counter.fingerprint(result)}")
            return result

        return counting


def configure_jax(check_reuse: bool = True) -> RandomCallCounter:
    """Steps 1–3 of every mode: CPU, typed keys, the reuse checker, counted jax.random calls."""
    # Fixtures are checked in files: leave no __pycache__ beside them.
    sys.dont_write_bytecode = True
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax

    jax.config.update("jax_platforms", "cpu")
    jax.config.update("jax_enable_custom_prng", True)
    jax.config.update("jax_debug_key_reuse", check_reuse)
    import jax.numpy  # noqa: F401
    import jax.random
    import equinox  # noqa: F401
    import flax.nnx  # noqa: F401

    counter = RandomCallCounter()
    counter.install(jax.random)
    return counter


# --- FILE mode ------------------------------------------------------------------------------------


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


def fixture_definitions(module) -> dict:
    """Module-level pytest fixtures by name -> the plain function they wrap."""
    fixtures = {}
    for attribute, value in vars(module).items():
        marker = getattr(value, "_fixture_function_marker", None)  # pytest >= 8.4
        if marker is None:
            marker = getattr(value, "_pytestfixturefunction", None)  # older pytest
        if marker is None:
            continue
        function = getattr(value, "_get_wrapped_function", None)
        function = function() if function is not None else getattr(value, "__wrapped__", value)
        fixtures[getattr(marker, "name", None) or attribute] = function
    return fixtures


def call_with_fixtures(function, fixtures: dict):
    """Calls `function`, filling its parameters from `fixtures` (function scope: fresh values
    per call; yield fixtures are finalised afterwards, last set up first torn down)."""
    cache: dict = {}
    teardowns: list = []

    def parameters(callable_) -> list[str]:
        # Like pytest: a parameter with a default is not a fixture request.
        return [name for name, parameter in inspect.signature(callable_).parameters.items()
                if parameter.default is inspect.Parameter.empty]

    def value_of(name: str, asking: tuple):
        if name in cache:
            return cache[name]
        if name not in fixtures:
            raise LookupError(f"fixture {name!r} not found (needed by {asking[-1]})")
        if name in asking:
            raise LookupError(f"fixture {name!r} depends on itself")
        definition = fixtures[name]
        kwargs = {p: value_of(p, asking + (name,)) for p in parameters(definition)}
        value = definition(**kwargs)
        if inspect.isgenerator(value):
            generator = value
            value = next(generator)
            teardowns.append(generator)
        cache[name] = value
        return value

    try:
        kwargs = {p: value_of(p, (function.__name__,)) for p in parameters(function)}
        return function(**kwargs)
    finally:
        for generator in reversed(teardowns):
            try:
                next(generator)
            except StopIteration:
                pass


def collect_tests(module) -> dict:
    """`test_x` -> function, `TestX::test_y` -> bound method of a fresh TestX() (per test), after
    the per-test setup pytest or unittest would run (`setup_method`, else `setUp`)."""
    tests = {}
    for name, value in list(vars(module).items()):
        if name.startswith("test_") and inspect.isfunction(value):
            tests[name] = (lambda value=value: value)
        elif name.startswith("Test") and inspect.isclass(value) and value.__module__ == module.__name__:
            for method_name, method in inspect.getmembers(value, inspect.isfunction):
                if method_name.startswith("test_"):
                    tests[f"{name}::{method_name}"] = (
                        lambda cls=value, method_name=method_name: prepared_test(cls, method_name)
                    )
    return tests


def prepared_test(cls, method_name: str):
    instance = cls()
    method = getattr(instance, method_name)
    if hasattr(instance, "setup_method"):
        instance.setup_method(method)
    elif hasattr(instance, "setUp"):
        instance.setUp()
    return method


def run(path: str, report: dict, trace_values: bool = False) -> dict:
    """Fills `report` step by step, so a harness failure still leaves what was learnt before it."""
    counter = configure_jax(check_reuse=not trace_values)
    if trace_values:
        report["traces"] = {}

    def traced(entry: str, body) -> None:
        counter.trace = [] if trace_values else None
        try:
            body()
        finally:
            if trace_values:
                report["traces"][entry] = counter.trace
            counter.trace = None

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
    fixtures = fixture_definitions(module)
    for name, get_test in collect_tests(module).items():
        try:
            traced(name, lambda: call_with_fixtures(get_test(), fixtures))
            report["tests"][name] = "ok"
        except BaseException as error:  # noqa: BLE001
            report["tests"][name] = describe(error)

    report["main_ran"] = True
    try:
        traced("__main__", lambda: runpy.run_path(path, run_name="__main__"))
    except BaseException as error:  # noqa: BLE001
        if not is_clean_exit(error):
            report["main_error"] = describe(error)
    report["entry_random_calls"] = counter.count
    return report


# --- TREE mode ------------------------------------------------------------------------------------

IGNORED_DIRECTORIES = frozenset({"__pycache__", ".pytest_cache"})


def tree_modules(root: str) -> dict[str, str]:
    """Dotted module name -> path, for every .py file under root, sorted by name."""
    modules = {}
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in IGNORED_DIRECTORIES)
        for file in files:
            if not file.endswith(".py"):
                continue
            relative = os.path.relpath(os.path.join(directory, file), root)
            parts = relative[: -len(".py")].split(os.sep)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts and all(part.isidentifier() for part in parts):
                modules[".".join(parts)] = os.path.join(directory, file)
    return dict(sorted(modules.items()))


def new_tree_report() -> dict:
    return {
        "modules": {},
        "import_random_calls": 0,
        "mains": {},
        "entry_random_calls": 0,
        "global_key": None,
        "first_key": None,
        "seed_error": None,
        "harness_error": None,
    }


def split_target(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    module, _, name = value.partition(":")
    if not module or not name:
        raise ValueError(f"expected MODULE:NAME, got {value!r}")
    return module, name


def run_tree(root: str, report: dict, read_global: str | None, first_key: str | None) -> dict:
    counter = configure_jax()
    root = os.path.abspath(root)
    os.chdir(root)
    sys.path.insert(0, root)
    modules = tree_modules(root)

    for name in modules:
        counter.count = 0
        error = None
        try:
            importlib.import_module(name)
        except BaseException as raised:  # noqa: BLE001
            if not is_clean_exit(raised):
                error = describe(raised)
        report["modules"][name] = {"random_calls": counter.count, "error": error}
        report["import_random_calls"] += counter.count

    counter.count = 0
    for name, path in modules.items():
        with open(path, encoding="utf-8") as handle:
            if not has_main_block(handle.read()):
                continue
        report["mains"][name] = run_as_main(name)
    report["entry_random_calls"] = counter.count

    try:
        target = split_target(read_global)
        if target is not None:
            module = importlib.import_module(target[0])
            report["global_key"] = counter.key_data(getattr(module, target[1]))
        target = split_target(first_key)
        if target is not None:
            counter.first_key, counter.recording = None, True
            try:
                if target[1] == "__main__":
                    error = run_as_main(target[0])
                    if error is not None:
                        raise RuntimeError(f"running {target[0]} as __main__ failed: {error}")
                else:
                    getattr(importlib.import_module(target[0]), target[1])()
            finally:
                counter.recording = False
            report["first_key"] = counter.first_key
            if counter.first_key is None:
                report["seed_error"] = f"{target[0]}:{target[1]} made no key with PRNGKey or key"
    except BaseException as error:  # noqa: BLE001
        report["seed_error"] = describe(error)
    return report


def run_as_main(name: str) -> str | None:
    """Runs module `name` as a script; None when it ran clean, else `TypeName: message`."""
    import warnings

    try:
        with warnings.catch_warnings():
            # The module was imported before: runpy warns that it re-executes it. Expected here.
            warnings.simplefilter("ignore", RuntimeWarning)
            runpy.run_module(name, run_name="__main__", alter_sys=True)
    except BaseException as error:  # noqa: BLE001
        if not is_clean_exit(error):
            return describe(error)
    return None


# --- PYTEST mode ----------------------------------------------------------------------------------


def new_pytest_report() -> dict:
    return {
        "exit_code": None,
        "tests": {},
        "collect_errors": {},
        "collect_random_calls": 0,
        "random_calls": 0,
        "harness_error": None,
    }


class OutcomeRecorder:
    """A pytest plugin: the outcome of each test and of each failed collection, by node id.

    pytest logs a failure's report before it offers the exception (`pytest_exception_interact`),
    so a failure is first written from the report's text, then replaced by `TypeName: message`
    once the exception itself is seen."""

    def __init__(self, report: dict, counter: RandomCallCounter) -> None:
        self.report = report
        self.counter = counter

    def pytest_sessionstart(self, session) -> None:
        self.counter.count = 0

    def pytest_collection_finish(self, session) -> None:
        self.report["collect_random_calls"] = self.counter.count
        self.counter.count = 0

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        self.report["random_calls"] = self.counter.count

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.report["collect_errors"][report.nodeid] = _first_line(report)

    def pytest_runtest_logreport(self, report) -> None:
        tests = self.report["tests"]
        if report.failed:
            # The first failure of a test wins (a teardown error after a failed call adds nothing).
            if tests.get(report.nodeid, "ok") in ("ok", "skipped"):
                tests[report.nodeid] = _first_line(report)
        elif report.skipped and report.nodeid not in tests:
            tests[report.nodeid] = "skipped"
        elif report.when == "call" and report.passed:
            tests.setdefault(report.nodeid, "ok")

    def pytest_exception_interact(self, node, call, report) -> None:
        if call.excinfo is None:
            return
        described = describe(call.excinfo.value)
        for outcomes in (self.report["tests"], self.report["collect_errors"]):
            if node.nodeid in outcomes and outcomes[node.nodeid] == _first_line(report):
                outcomes[node.nodeid] = described


def _first_line(report) -> str:
    """The failure's one-line summary: pytest's crash line (`module.TypeName: message`) if any."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = (getattr(crash, "message", None) or str(report.longrepr or "failed")).strip().splitlines()
    return (text[0] if crash is not None and text else text[-1] if text else "failed")[:MESSAGE_LIMIT]


def run_pytest(root: str, report: dict) -> dict:
    counter = configure_jax()
    import pytest

    root = os.path.abspath(root)
    os.chdir(root)
    sys.path.insert(0, root)
    recorder = OutcomeRecorder(report, counter)
    arguments = [
        root,
        "-q",
        "--rootdir", root,
        "-c", os.devnull,  # no ini file from above the tree
        "-p", "no:cacheprovider",  # no .pytest_cache written into the tree
        "--continue-on-collection-errors",  # a module failing at import does not hide the others
        "-W", "ignore::DeprecationWarning",
    ]
    report["exit_code"] = int(pytest.main(arguments, plugins=[recorder]))
    return report


def main(argv: list[str]) -> int:
    arguments = argv[1:]
    if arguments[:1] == ["--tree"]:
        report = new_tree_report()
        work = lambda: run_tree_from_arguments(arguments[1:], report)  # noqa: E731
    elif arguments[:1] == ["--values"]:
        report = new_report()
        work = lambda: run(single_argument(arguments[1:]), report, trace_values=True)  # noqa: E731
    elif arguments[:1] == ["--pytest"]:
        report = new_pytest_report()
        work = lambda: run_pytest(single_argument(arguments[1:]), report)  # noqa: E731
    else:
        report = new_report()
        work = lambda: run(single_argument(arguments), report)  # noqa: E731
    try:
        work()
    except BaseException:  # noqa: BLE001 - never raise: the caller reads the JSON line
        report["harness_error"] = traceback.format_exc()
    sys.stdout.flush()
    sys.stderr.flush()
    print(json.dumps(report), flush=True)
    return 0


USAGE = (
    "usage: run_under_jax.py FILE | --values FILE | --tree ROOT [--read-global MODULE:NAME] "
    "[--first-key MODULE:ENTRY] | --pytest ROOT"
)


def single_argument(arguments: list[str]) -> str:
    if len(arguments) != 1:
        raise SystemExit(USAGE)
    return arguments[0]


def run_tree_from_arguments(arguments: list[str], report: dict) -> dict:
    if not arguments:
        raise SystemExit(USAGE)
    root, options = arguments[0], {"--read-global": None, "--first-key": None}
    rest = arguments[1:]
    while rest:
        if rest[0] not in options or len(rest) < 2:
            raise SystemExit(USAGE)
        options[rest[0]] = rest[1]
        rest = rest[2:]
    return run_tree(root, report, options["--read-global"], options["--first-key"])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
