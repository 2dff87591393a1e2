"""JAX's own reuse verdict for generated programs (the ground truth of the differential test).

    python ground_truth.py FILE...          # a verdict line per file (JSON with --json)
    python ground_truth.py --jobs 2 DIR     # every *.py below DIR

From Python: `verdicts([(name, source), ...], jobs=None)` returns one dict per program, in order:
    {"name": str,
     "verdict": "reuse" | "clean" | "invalid",
     "reuse_inputs": [[flag_a, flag_b, n], ...],     # every input that raised KeyReuseError
     "first_reuse": null | {"inputs": [...], "message": str, "line": int | null},
     "error": null | {"inputs": [...] | null, "type": str, "message": str, "line": int | null},
     "inputs_run": int,                              # calls made (see below)
     "seconds": float}
`line` is the program's own line where the error surfaced (the innermost frame in the program).

Semantics: the module is executed, then `run(flag_a, flag_b, n)` is called for every flag_a, flag_b
in {False, True} and n in {0, 1, 2, 3} (16 calls), each on the same module; variations of a
parameter that `run`'s bytecode never loads (e.g. a program that never reads `flag_b`) are skipped,
since they cannot change the outcome. "reuse" iff at least one call raises
`jax.errors.KeyReuseError`; "invalid" iff executing the module or any call raises anything else
(the generator must not produce such programs; the test rejects them); else "clean". Every input
runs even after one showed reuse, so an invalid input is always found.

Note: KeyReuseError derives from TypeError (not ValueError), so the generated `except ValueError:`
handlers never swallow it; an `except Exception:` would hide reuse inside its `try` body.

Speed: JAX is configured once per worker process (CPU, `jax_enable_custom_prng`,
`jax_debug_key_reuse`; both are process-wide flags, and the checker's state lives on the key
objects, so programs cannot leak into each other) and each program is exec'd into a fresh module
object. `verdicts` splits the programs over `jobs` worker processes (default: the CPU count), each
taking a contiguous chunk of at most 400 programs on stdin as JSON and answering on stdout.
"""

from __future__ import annotations

import argparse
import json
import linecache
import math
import os
import subprocess
import sys
import tempfile
import time
import traceback
import types
from pathlib import Path

INPUTS = [(a, b, n) for a in (False, True) for b in (False, True) for n in range(4)]
CHUNK = 400
MESSAGE_LIMIT = 300
WORKER_TIMEOUT_SECONDS = 1800


def configure_jax():
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax

    jax.config.update("jax_platforms", "cpu")
    jax.config.update("jax_enable_custom_prng", True)
    jax.config.update("jax_debug_key_reuse", True)
    import jax.numpy  # noqa: F401  (imported once, outside any program's timing)
    import jax.random  # noqa: F401

    return jax


def _program_line(error: BaseException, filename: str) -> int | None:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    return frames[-1].lineno if frames else None


def _message(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return first[:MESSAGE_LIMIT]


def inputs_for(code) -> list[tuple]:
    """INPUTS, without the variations of a parameter `run` never reads (they cannot change what
    happens: helpers only see flags and `n` through run's own arguments)."""
    run = next((c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == "run"), None)
    if run is None:
        return INPUTS
    read = _names_read(run)
    return [(a, b, n) for a, b, n in INPUTS
            if ("flag_a" in read or not a) and ("flag_b" in read or not b) and ("n" in read or n == 0)]


def _names_read(code) -> set[str]:
    """Local names loaded anywhere in `code`, including nested comprehensions/lambdas (as free
    variables there)."""
    import dis

    names = set()
    for instruction in dis.get_instructions(code):
        if instruction.opname.startswith(("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE", "LOAD_NAME")):
            argval = instruction.argval
            names.update(argval if isinstance(argval, tuple) else (argval,))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_read(const)
    return names


def check_program(jax, name: str, source: str) -> dict:
    """Runs one program on every input in this (configured) process."""
    started = time.perf_counter()
    filename = f"<differential {name}>"
    result = {"name": name, "verdict": "clean", "reuse_inputs": [], "first_reuse": None, "error": None,
              "inputs_run": 0}
    # Tracebacks and JAX's source info show the program's lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(name.replace(".py", "").replace("/", "_"))
    module.__file__ = filename
    try:
        code = compile(source, filename, "exec")
        exec(code, module.__dict__)
        run = module.__dict__["run"]
    except BaseException as error:  # noqa: BLE001 - the program is invalid whatever it raised
        if isinstance(error, KeyboardInterrupt):
            raise
        result["verdict"] = "invalid"
        result["error"] = {"inputs": None, "type": type(error).__name__, "message": _message(error),
                           "line": _program_line(error, filename)}
    else:
        inputs_list = inputs_for(code)
        result["inputs_run"] = len(inputs_list)
        for inputs in inputs_list:
            try:
                run(*inputs)
            except jax.errors.KeyReuseError as error:
                result["reuse_inputs"].append(list(inputs))
                if result["first_reuse"] is None:
                    result["first_reuse"] = {"inputs": list(inputs), "message": _message(error),
                                             "line": _program_line(error, filename)}
            except BaseException as error:  # noqa: BLE001
                if isinstance(error, KeyboardInterrupt):
                    raise
                if result["error"] is None:
                    result["error"] = {"inputs": list(inputs), "type": type(error).__name__,
                                       "message": _message(error), "line": _program_line(error, filename)}
        if result["error"] is not None:
            result["verdict"] = "invalid"
        elif result["reuse_inputs"]:
            result["verdict"] = "reuse"
    linecache.cache.pop(filename, None)
    result["seconds"] = round(time.perf_counter() - started, 4)
    return result


def worker_main() -> int:
    """Reads [[name, source], ...] as JSON on stdin, writes the list of results as JSON on stdout."""
    programs = json.load(sys.stdin)
    import warnings

    warnings.simplefilter("ignore")
    jax = configure_jax()
    results = [check_program(jax, name, source) for name, source in programs]
    sys.stdout.write(json.dumps(results))
    sys.stdout.flush()
    return 0


def verdicts(programs: list[tuple[str, str]], jobs: int | None = None, python: str | None = None) -> list[dict]:
    """JAX's verdict for each (name, source), in order, computed in parallel worker processes."""
    if not programs:
        return []
    jobs = max(1, jobs or os.cpu_count() or 1)
    size = min(CHUNK, math.ceil(len(programs) / jobs))
    chunks = [programs[i:i + size] for i in range(0, len(programs), size)]
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONDONTWRITEBYTECODE="1")
    command = [python or sys.executable, str(Path(__file__).resolve()), "--worker"]
    results: list[list[dict] | None] = [None] * len(chunks)
    pending = list(enumerate(chunks))
    running: list[tuple[int, subprocess.Popen, object]] = []
    while pending or running:
        while pending and len(running) < jobs:
            index, chunk = pending.pop(0)
            out = tempfile.TemporaryFile(mode="w+")
            err = tempfile.TemporaryFile(mode="w+")
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=err, text=True, env=env)
            process.stdin.write(json.dumps([[name, source] for name, source in chunk]))
            process.stdin.close()
            running.append((index, process, (out, err, time.monotonic())))
        time.sleep(0.05)
        for entry in list(running):
            index, process, (out, err, started) = entry
            if process.poll() is None:
                if time.monotonic() - started > WORKER_TIMEOUT_SECONDS:
                    process.kill()
                    process.wait()
                else:
                    continue
            running.remove(entry)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
            out.close()
            err.close()
            try:
                results[index] = json.loads(stdout)
            except json.JSONDecodeError as error:
                for _, other, _ in running:
                    other.kill()
                raise RuntimeError(
                    f"ground-truth worker {index} failed (exit {process.returncode}):\n"
                    f"--- stdout\n{stdout[-2000:]}\n--- stderr\n{stderr[-4000:]}") from error
    return [result for chunk in results for result in chunk]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"]:
        return worker_main()
    parser = argparse.ArgumentParser(description="JAX's key-reuse verdict for generated programs.")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="print the result dicts as JSON lines")
    args = parser.parse_args(argv)
    files = []
    for path in args.paths:
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    started = time.perf_counter()
    results = verdicts([(str(f), f.read_text()) for f in files], jobs=args.jobs)
    for result in results:
        if args.json:
            print(json.dumps(result))
            continue
        detail = ""
        if result["first_reuse"]:
            r = result["first_reuse"]
            detail = f"inputs={tuple(r['inputs'])} line {r['line']}: {r['message']}"
        if result["error"]:
            e = result["error"]
            detail = f"inputs={e['inputs']} line {e['line']}: {e['type']}: {e['message']}"
        print(f"{result['name']}: {result['verdict']:7s} {detail}")
    counts = {v: sum(r["verdict"] == v for r in results) for v in ("reuse", "clean", "invalid")}
    print(f"{len(results)} programs in {time.perf_counter() - started:.1f}s: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
