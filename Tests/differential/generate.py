"""Seeded generator of small random Python programs over JAX PRNG-key operations.

Used by the differential test (test_differential.py): every program is run under JAX's own key-reuse
checker (ground_truth.py) and checked by rekey, and the two reuse verdicts must agree.

Usage:
    python generate.py --seed 20261125 --index 17          # print candidate 17 of that seed
    python generate.py --seed 20261125 --count 600 --out DIR   # write candidates 0..599 as cand_NNNN.py
    python generate.py --seed 20261125 --count 600 --stats     # construct counts over the candidates

Determinism: candidate `index` of `seed` is a pure function of (seed, index): it is built from
`random.Random(f"{seed}:{index}")` (string seeding is stable across Python runs and independent of
PYTHONHASHSEED), nothing else. Nothing in a generated module is random at import time.

Shape of every program
----------------------
A module with imports, 0-2 helper functions, and ONE entry function `run(flag_a, flag_b, n)`
(`flag_a`, `flag_b` booleans, `n` a small int; the harness tries flag_a, flag_b in {False, True}
and n in {0, 1, 2, 3}). Ground truth: the program "reuses" iff some input makes `run` raise
`jax.errors.KeyReuseError` under `jax_enable_custom_prng` + `jax_debug_key_reuse`. Programs are kept
to 5-25 non-blank lines below the imports (a candidate outside that range is redrawn from the same
random stream, so this stays deterministic). `run` always starts by creating its key(s) with
`PRNGKey(<seed>)` inside the function.

Import style (one per program, probabilities):
    import jax -> jax.random.X                       0.20
    import jax.random as jr -> jr.X                  0.30
    from jax import random -> random.X               0.15
    from jax import random as jrandom -> jrandom.X   0.10
    from jax.random import split, normal, ... -> X   0.15  (exactly the names used)
    import jax as j -> j.random.X                    0.10
`import jax.numpy as jnp` is added when `categorical` needs logits; `import jax` when a helper is
jitted (for `import jax as j` the decorator is `@j.jit`).

Generation mode (per program): "careful" 0.6 / "reckless" 0.4. Both modes track an approximate
abstract state (which key values may be consumed, aliasing included, array elements per constant
index). Careful mode consumes or splits only keys it believes fresh, re-splits at loop heads, and
calls consuming helpers with fresh keys; each such choice "slips" (is made uniformly instead) with
probability 0.06. Reckless mode chooses uniformly among live keys. The tracking only steers the mix
(about 55% of the programs reuse); the verdict always comes from JAX. When a careful statement finds
no fresh key it makes one instead, without consuming anything: `k = fold_in(k, c)` (0.7; `k` may be
consumed already, which JAX accepts: fold_in neither checks nor consumes) or `k = PRNGKey(c)`.

Statements (relative weights, in run and in helper bodies; compound statements only while the
nesting depth is below 2, and constructs that need a resource only when it is available):
    consume: a sampler on a key                      30   normal / uniform / bernoulli / randint /
                                                          categorical, equally likely, each with
                                                          1-3 argument shapes (positional shape,
                                                          keyword shape/minval/p/axis); the key is
                                                          passed as `key=` with probability 0.1.
                                                          The key expression is a constant index
                                                          `keys[i]` into a live array (0.4 when one
                                                          has an element left), else inline
                                                          `split(k)[j]` (0.08), inline
                                                          `fold_in(k, c)` (0.07) or a key name.
    split, 2-way unpack                              12   `k, sub = split(k)` (rebinds k, 0.6) or
                                                          two new names; 3-way unpack 0.1
    split, n-way to an array                          5   `keys = split(k, 3)` (3: 0.5, 2, 4:
                                                          0.25 each), then 0/1/2 elements sampled
                                                          at once (0.35/0.35/0.3); indexed with
                                                          constants only
    split then index                                  4   `sub = split(k)[0]` / `split(k, 3)[2]`
    fold_in                                           5   `k2 = fold_in(k, 1)` / `k = fold_in(k, 7)`
    clone                                             3   `k2 = clone(k)`
    alias                                             4   `k2 = k`
    new key mid-function                              1   `k = PRNGKey(c)`
    helper call                                      14   (only when a helper exists, doubled
                                                          while one is still uncalled; see below)
    if / if-else / if-elif-else on flags              8   needs a free flag (flag budget below);
                                                          no else 0.4, else 0.4, elif+else 0.2
                                                          (elif needs the second flag); the
                                                          condition is negated with p 0.25
    for i in range(n)                                 6   careful: `k, sub = split(k)` at the head
    while counter: `i = 0; while i < n: i += 1 ...`   3
    for sk in split(k, n | 3)                         4
    comprehension / generator expression              5   `[normal(sk) for sk in split(k, 3 | n)]`
                                                          0.35, `[normal(k) for _ in range(n | 2)]`
                                                          0.25, `[normal(fold_in(k, i)) for i in
                                                          range(n)]` 0.25, `[normal(sk) for sk in
                                                          keys]` 0.15; scalar samples become
                                                          `sum(... for ...)` with p 0.3
    try/except ValueError with `if flag: raise`       3   needs a free flag; `finally:` 0.3
    early return `if flag: return`                    3   needs a free flag (run / void helpers)
    break / continue in a loop body                   4   `if flag: break|continue` (needs a free
                                                          flag) or a bare `break` ending the body
    batch of keys                                     5   `keys = split(k, 3)` kept whole, then
                                                          `vmap(lambda kk: normal(kk))(keys)` (0.4),
                                                          `vmap` of a lambda drawing from `fold_in(kk,
                                                          c)` only (0.25, consumes nothing), or `for
                                                          i in range(3): <sampler>(keys[i])` (0.35);
                                                          a slip vmaps the batch once more
    inspection                                        3   `assert is_prng_key(k)` (a module-level
                                                          helper reading shape and dtype), `assert
                                                          k.shape == ()`, `hasattr(k,
                                                          "dtype")`, `isinstance(k, jax.Array)`,
                                                          `jax.eval_shape(lambda kk: ..., k)` or
                                                          `jax.make_jaxpr(lambda kk: ...)(k)` on any
                                                          key, consumed or not
    loop over one element                             3   `for v in [0.5] | (1,) | range(1) | [None]:`
                                                          with a nested body that may draw from keys
                                                          of the enclosing block
    correlated draws (run only)                       5   two draws from one key under two tests of
                                                          one flag: `if f:` ... `if not f:` (0.45),
                                                          the same test twice (0.25, a reuse when f
                                                          holds), or the second draw in the dead
                                                          `else` of a nested `if f:` (0.3)
run's top level has 3-6 statements after its `PRNGKey` line (a second `PRNGKey` line with p 0.15);
nested blocks and helper bodies have 1-3. Depth: run's top level is 0, each compound statement adds
1, compound statements are drawn only below depth 2 (helper bodies start at depth 1). Nothing
follows an unconditional `return`/`break`/`continue` (no dead code).

Helpers (0: 0.35, 1: 0.4, 2: 0.25 of programs). Each takes a key parameter named like real code
(`key`, `rng`, `k`, `subkey`, `rng_key`) and, with probability 0.25, a flag `c` it branches on
exactly once, in an `if` that is its first or second statement (the helper then "owns" one flag of
the budget and every call, always from run, passes that flag), or with
probability 0.15 a loop bound `m` (called with `n` from run, `2` from another helper). Returns:
nothing 0.5, a value 0.25, a key 0.15 (`key, sub = split(key)` first, `return key` last), or
`(key, value)` 0.10; careful bodies leave that key alone, reckless ones may consume it, so it can
come back already consumed. With probability 0.08 a helper is a one-line `@jax.jit` function of the
key only, consuming it once, or (reckless programs, 0.2) twice. The second helper may call the first
unless the first has `c` (only run passes flags). Every helper is reachable from run (an uncalled
one gets a call appended to run's top level).

Restrictions that keep the ground truth about key flow, and correlation only where rekey is
meant to see it:
- Flag budget: each of flag_a, flag_b is first taken by ONE branching site (an if/elif/else, an
  early-return guard, a break/continue guard, a raise guard, or a helper's `c`). A flag run's own
  sites took may be tested again by a later or nested `if`/`elif`/early return of run (p 0.35,
  or whenever the budget is spent; the "correlated draws" statement always does): the same
  condition, never rebound, so both tests take the same side and some combinations of branches
  are infeasible. A helper's `c` is never tested by run, so no correlation crosses a call. (Loop
  trip counts are also correlated through `n`: every `range(n)` loop runs zero times when n = 0.)
- Exceptions come only from an explicit `raise ValueError(...)` under a flag inside a `try` body;
  the handler catches `ValueError`. Nothing else raises (programs that raise anything but
  KeyReuseError for some input are rejected by the harness).
- Key arrays are only indexed with constants smaller than their size, or by the counter of a
  `range(3)` loop over a batch of 3 (each element once); an array is either indexed or iterated,
  never both, and iterated at most once (JAX treats iteration and unpacking as independent copies,
  a blind spot of its checker that real code should not lean on). A batch handed to `vmap` is
  used again only by another `vmap`.
- One batch size (3) and one sampler (`normal`) under `vmap`: each batched shape is a compilation
  the ground truth pays for in every worker, and the key flow does not depend on them.
- Names bound inside a nested block are used only inside it (no UnboundLocalError paths).
"""

from __future__ import annotations

import argparse
import collections
import copy
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 20261125
MIN_LINES = 5
MAX_LINES = 25
SLIP = 0.06
CAREFUL = 0.6
CORRELATE = 0.35

IMPORT_STYLES = [
    ("jax", 0.20),
    ("jr", 0.30),
    ("random", 0.15),
    ("jrandom", 0.10),
    ("from", 0.15),
    ("j", 0.10),
]

KEY_NAMES = ["key", "rng", "k", "sub", "subkey", "k1", "k2", "rng_key", "skey", "key2", "new_key", "k3"]
ARRAY_NAMES = ["keys", "subkeys", "ks", "rngs"]
PARAM_KEY_NAMES = ["key", "rng", "k", "subkey", "rng_key"]
HELPER_NAMES = ["draw", "sample_noise", "init_layer", "perturb", "make_noise", "step", "jitter", "dropout"]
VALUE_NAMES = ["x", "y", "z", "noise", "w", "b", "mask", "idx", "out"]
LOOP_VARS = ["sk", "kk", "k_i", "ki"]

# A project helper that only inspects a key (numpyro's is_prng_key): calling it consumes nothing.
VALIDATOR = [
    "def is_prng_key(key):",
    "    try:",
    "        return key.shape == () and hasattr(key, \"dtype\")",
    "    except AttributeError:",
    "        return False",
]

STATEMENT_WEIGHTS = {
    "consume": 30,
    "split2": 12,
    "splitn": 5,
    "split_index": 4,
    "fold_in": 5,
    "clone": 3,
    "alias": 4,
    "new_key": 1,
    "call": 14,
    "if": 8,
    "for_range": 6,
    "while": 3,
    "for_split": 4,
    "comprehension": 5,
    "try": 3,
    "early_return": 3,
    "break_continue": 4,
    "correlated": 5,
    "batch": 5,
    "inspect": 3,
    "loop_once": 3,
}
COMPOUND = {"if", "for_range", "while", "for_split", "try", "correlated", "batch", "loop_once"}


def weighted(rng: random.Random, pairs):
    items = list(pairs)
    total = sum(w for _, w in items)
    pick = rng.random() * total
    for item, w in items:
        pick -= w
        if pick < 0:
            return item
    return items[-1][0]


# --------------------------------------------------------------------------------------------
# Spelling of jax.random functions per import style


class Api:
    def __init__(self, style: str) -> None:
        self.style = style
        self.used: set[str] = set()
        self.needs_jnp = False
        self.needs_jax = False

    def __call__(self, name: str) -> str:
        self.used.add(name)
        return {
            "jax": f"jax.random.{name}",
            "jr": f"jr.{name}",
            "random": f"random.{name}",
            "jrandom": f"jrandom.{name}",
            "from": name,
            "j": f"j.random.{name}",
        }[self.style]

    def jit(self) -> str:
        return self.jax("jit")

    def jax(self, name: str) -> str:
        """A member of the `jax` package itself (`jax.vmap`, `jax.eval_shape`, `jax.Array`)."""
        if self.style == "j":
            return f"j.{name}"
        self.needs_jax = True
        return f"jax.{name}"

    def imports(self) -> list[str]:
        lines = []
        if self.style == "jax" or (self.needs_jax and self.style not in ("j",)):
            lines.append("import jax")
        if self.style == "jr":
            lines.append("import jax.random as jr")
        elif self.style == "random":
            lines.append("from jax import random")
        elif self.style == "jrandom":
            lines.append("from jax import random as jrandom")
        elif self.style == "from":
            lines.append(f"from jax.random import {', '.join(sorted(self.used))}")
        elif self.style == "j":
            lines.append("import jax as j")
        if self.needs_jnp:
            lines.append("import jax.numpy as jnp")
        return lines


# --------------------------------------------------------------------------------------------
# Abstract state used only to steer generation


@dataclass(eq=False)
class Val:
    kind: str  # "key" or "keys"
    size: int = 0  # for arrays made with a constant count
    used: bool = False  # a key that may be consumed
    used_idx: set = field(default_factory=set)  # consumed elements of an array
    mode: str | None = None  # arrays: "index" or "iter" once used one way, "whole" once handed to vmap


Env = dict  # name -> Val (aliases share a Val)


def snapshot(env: Env) -> Env:
    return copy.deepcopy(env)  # deepcopy of the dict keeps aliasing inside it


def join_into(outer_names, branches: list[Env]) -> Env:
    """Names of the outer env after a construct whose possible exits are `branches`."""
    groups: dict[tuple, Val] = {}
    result: Env = {}
    for name in outer_names:
        vals = [b[name] for b in branches if name in b]
        signature = tuple(id(v) for v in vals)
        if signature in groups:
            result[name] = groups[signature]
            continue
        first = vals[0]
        merged = Val(first.kind, first.size)
        merged.used = any(v.used for v in vals)
        merged.used_idx = set().union(*(v.used_idx for v in vals))
        modes = {v.mode for v in vals if v.mode}
        merged.mode = modes.pop() if len(modes) == 1 else ("both" if modes else None)
        groups[signature] = merged
        result[name] = merged
    return result


@dataclass
class Helper:
    name: str
    key_param: str
    extra: str | None = None  # "c" (flag) or "m" (loop bound)
    flag: str | None = None  # the flag every call passes for "c"
    returns: str = "none"  # none / value / key / key_value
    jit: bool = False
    may_consume: bool = False
    lines: list = field(default_factory=list)
    calls: set = field(default_factory=set)


class Program:
    """State shared by all functions of one program."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.api = Api(weighted(rng, IMPORT_STYLES))
        self.careful = rng.random() < CAREFUL
        self.flags = ["flag_a", "flag_b"]
        rng.shuffle(self.flags)
        # Flags run's own branching sites already test: a later (or nested) `if` may test one
        # again, correlated with the first test.
        self.tested: list[str] = []
        self.helpers: list[Helper] = []
        self.counts: collections.Counter = collections.Counter()
        self.needs_validator = False  # the module defines VALIDATOR (an inspection helper)

    def take_flag(self) -> str | None:
        return self.flags.pop() if self.flags else None

    def can_branch(self, in_run: bool) -> bool:
        return bool(self.flags) or (in_run and bool(self.tested))

    def slip(self) -> bool:
        return (not self.careful) or self.rng.random() < SLIP


class Fn:
    """Generation context of one function body."""

    def __init__(self, program: Program, is_run: bool, bound: str | None, callable_helpers: list[Helper],
                 can_return_early: bool) -> None:
        self.p = program
        self.rng = program.rng
        self.R = program.api
        self.is_run = is_run
        self.bound = bound  # "n" in run, "m" in a looping helper, None otherwise
        self.callable = callable_helpers
        self.can_return_early = can_return_early
        self.called: set[str] = set()
        self.value_counter = 0
        self.loop_counter = 0

    # -- names ---------------------------------------------------------------------------

    def value_name(self) -> str:
        return self.rng.choice(VALUE_NAMES)

    def new_key_name(self, env: Env, avoid=()) -> str:
        free = [n for n in KEY_NAMES if n not in env and n not in avoid]
        return self.rng.choice(free) if free else f"k{len(env) + 10}"

    def new_array_name(self, env: Env) -> str:
        free = [n for n in ARRAY_NAMES if n not in env]
        return self.rng.choice(free) if free else f"keys{len(env)}"

    def counter_name(self, env: Env) -> str:
        names = ["i", "t", "it", "count"]
        self.loop_counter += 1
        return names[(self.loop_counter - 1) % len(names)]

    # -- key choice ------------------------------------------------------------------------

    def keys_in(self, env: Env):
        return [n for n, v in env.items() if v.kind == "key"]

    def arrays_in(self, env: Env, for_index: bool):
        out = []
        for n, v in env.items():
            if v.kind != "keys" or v.size == 0:
                continue
            if for_index and v.mode in (None, "index"):
                out.append(n)
            if not for_index and v.mode is None:
                out.append(n)
        return out

    def pick_key(self, env: Env, fresh_only: bool) -> str | None:
        names = self.keys_in(env)
        if not names:
            return None
        if fresh_only and not self.p.slip():
            fresh = [n for n in names if not env[n].used]
            return self.rng.choice(fresh) if fresh else None
        return self.rng.choice(names)

    def pick_element(self, env: Env) -> tuple[str, int] | None:
        arrays = self.arrays_in(env, for_index=True)
        if not arrays:
            return None
        name = self.rng.choice(arrays)
        val = env[name]
        if not self.p.slip():
            free = [i for i in range(val.size) if i not in val.used_idx]
            if not free:
                return None
            return name, self.rng.choice(free)
        return name, self.rng.randrange(val.size)

    def consume_name(self, env: Env, name: str) -> None:
        env[name].used = True

    # -- expressions ----------------------------------------------------------------------

    def sampler(self, key_expr: str) -> str:
        R = self.R
        kind = self.rng.choice(["normal", "uniform", "bernoulli", "randint", "categorical"])
        self.p.counts[f"sampler:{kind}"] += 1
        use_kw = self.rng.random() < 0.1
        k = f"key={key_expr}" if use_kw else key_expr
        # (positional spelling, all-keyword spelling): after `key=` every argument is a keyword.
        variants = {
            "normal": [("", ""), (", (3,)", ", shape=(3,)"), (", shape=(2, 2)", ", shape=(2, 2)")],
            "uniform": [("", ""), (", (2,), minval=-1.0, maxval=1.0", ", shape=(2,), minval=-1.0, maxval=1.0")],
            "bernoulli": [(", 0.5", ", p=0.5"), (", p=0.3, shape=(4,)", ", p=0.3, shape=(4,)")],
            "randint": [(", (3,), 0, 10", ", shape=(3,), minval=0, maxval=10"),
                        (", shape=(), minval=0, maxval=5", ", shape=(), minval=0, maxval=5")],
            "categorical": [(", jnp.zeros(4)", ", logits=jnp.zeros(4)"),
                            (", jnp.log(jnp.ones((2, 3))), axis=-1", ", logits=jnp.log(jnp.ones((2, 3))), axis=-1")],
        }[kind]
        if kind == "categorical":
            self.R.needs_jnp = True
        positional, keyword = self.rng.choice(variants)
        args = keyword if use_kw else positional
        return f"{R(kind)}({k}{args})"

    def consumable_key_expr(self, env: Env) -> str | None:
        """A key expression to consume, updating env for the consumption."""
        R = self.R
        r = self.rng.random()
        if r < 0.15 or (self.arrays_in(env, for_index=True) and self.rng.random() < 0.4):
            element = self.pick_element(env) if self.arrays_in(env, for_index=True) else None
            if element:
                name, i = element
                env[name].used_idx.add(i)
                env[name].mode = "index"
                self.p.counts["use:index"] += 1
                return f"{name}[{i}]"
        elif 0.15 <= r < 0.23:
            name = self.pick_key(env, fresh_only=True)
            if name:
                self.consume_name(env, name)
                self.p.counts["use:inline_split_index"] += 1
                return f"{R('split')}({name})[{self.rng.randrange(2)}]"
        elif 0.23 <= r < 0.30:
            name = self.pick_key(env, fresh_only=False)
            if name:
                self.p.counts["use:inline_fold_in"] += 1
                return f"{R('fold_in')}({name}, {self.rng.randrange(1, 10)})"
        name = self.pick_key(env, fresh_only=True)
        if name is None:
            return None
        self.consume_name(env, name)
        self.p.counts["use:name"] += 1
        return name

    # -- statements -----------------------------------------------------------------------

    def block(self, env: Env, depth: int, count: int, in_loop: bool) -> tuple[list[str], bool]:
        """Up to `count` statements; returns (lines, ended) where ended = unconditional exit."""
        lines: list[str] = []
        for _ in range(count):
            stmt, ended = self.statement(env, depth, in_loop)
            lines += stmt
            if ended:
                return lines, True
        if not lines:
            lines = ["pass"]
        return lines, False

    def statement(self, env: Env, depth: int, in_loop: bool) -> tuple[list[str], bool]:
        for _ in range(20):
            kinds = []
            for kind, w in STATEMENT_WEIGHTS.items():
                if kind in COMPOUND and depth >= 2:
                    continue
                if kind == "call" and not self.callable:
                    continue
                if kind == "call" and any(h.name not in self.called for h in self.callable):
                    w *= 2  # an uncalled helper: call it where it fits, not appended at the end
                if kind == "try" and not self.p.flags:
                    continue
                if kind in ("if", "early_return") and not self.p.can_branch(self.is_run):
                    continue
                if kind == "correlated" and not (self.is_run and self.p.can_branch(True)):
                    continue
                if kind == "early_return" and not self.can_return_early:
                    continue
                if kind == "break_continue" and not in_loop:
                    continue
                if kind in ("for_range", "while") and self.bound is None:
                    continue
                kinds.append((kind, w))
            kind = weighted(self.rng, kinds)
            result = getattr(self, f"s_{kind}")(env, depth, in_loop)
            if result is not None:
                self.p.counts[f"stmt:{kind}"] += 1
                return result
        return [f"{self.value_name()} = 0.0"], False

    def s_consume(self, env, depth, in_loop):
        expr = self.consumable_key_expr(env)
        if expr is None:
            return self.refresh(env)
        call = self.sampler(expr)
        if self.rng.random() < 0.25:
            return [call], False
        return [f"{self.value_name()} = {call}"], False

    def refresh(self, env):
        """No fresh key in careful mode: make one without consuming anything."""
        names = self.keys_in(env)
        if names and self.rng.random() < 0.7:
            name = self.rng.choice(names)
            target = name if self.rng.random() < 0.5 else self.new_key_name(env)
            env[target] = Val("key")
            self.p.counts["stmt:refresh_fold_in"] += 1
            return [f"{target} = {self.R('fold_in')}({name}, {self.rng.randrange(1, 50)})"], False
        target = self.new_key_name(env)
        env[target] = Val("key")
        self.p.counts["stmt:refresh_new_key"] += 1
        return [f"{target} = {self.R('PRNGKey')}({self.rng.randrange(100)})"], False

    def s_split2(self, env, depth, in_loop):
        name = self.pick_key(env, fresh_only=True)
        if name is None:
            return self.refresh(env)
        self.consume_name(env, name)
        split = self.R("split")
        if self.rng.random() < 0.1:
            a, b, c = self.new_key_name(env), None, None
            b = self.new_key_name(env, avoid=(a,))
            c = self.new_key_name(env, avoid=(a, b))
            for t in (a, b, c):
                env[t] = Val("key")
            self.p.counts["split:unpack3"] += 1
            return [f"{a}, {b}, {c} = {split}({name}, 3)"], False
        if self.rng.random() < 0.6:
            sub = self.new_key_name(env)
            env[name] = Val("key")
            env[sub] = Val("key")
            self.p.counts["split:rebind"] += 1
            return [f"{name}, {sub} = {split}({name})"], False
        a = self.new_key_name(env)
        b = self.new_key_name(env, avoid=(a,))
        env[a] = Val("key")
        env[b] = Val("key")
        return [f"{a}, {b} = {split}({name})"], False

    def s_splitn(self, env, depth, in_loop):
        name = self.pick_key(env, fresh_only=True)
        if name is None:
            return self.refresh(env)
        self.consume_name(env, name)
        size = self.rng.choice([3, 3, 2, 4])
        target = self.new_array_name(env)
        env[target] = Val("keys", size)
        lines = [f"{target} = {self.R('split')}({name}, {size})"]
        # Usually some elements are used right away (constant indices).
        for _ in range(weighted(self.rng, [(0, 0.35), (1, 0.35), (2, 0.3)])):
            element = self.pick_element({target: env[target]})
            if element is None:
                break
            env[target].used_idx.add(element[1])
            env[target].mode = "index"
            self.p.counts["use:index"] += 1
            call = self.sampler(f"{target}[{element[1]}]")
            lines.append(f"{self.value_name()} = {call}" if self.rng.random() < 0.75 else call)
        return lines, False

    def s_split_index(self, env, depth, in_loop):
        name = self.pick_key(env, fresh_only=True)
        if name is None:
            return self.refresh(env)
        self.consume_name(env, name)
        target = self.new_key_name(env)
        env[target] = Val("key")
        if self.rng.random() < 0.7:
            return [f"{target} = {self.R('split')}({name})[{self.rng.randrange(2)}]"], False
        return [f"{target} = {self.R('split')}({name}, 3)[{self.rng.randrange(3)}]"], False

    def s_fold_in(self, env, depth, in_loop):
        name = self.pick_key(env, fresh_only=False)
        if name is None:
            return self.refresh(env)
        data = self.rng.choice(["1", "2", "7", "42"] + ([self.counter_var] * 2 if self.counter_var else []))
        if self.rng.random() < 0.5:
            target = name
        else:
            target = self.new_key_name(env)
        env[target] = Val("key")
        return [f"{target} = {self.R('fold_in')}({name}, {data})"], False

    counter_var: str | None = None  # the enclosing for-range counter, for `fold_in(k, i)`

    def s_clone(self, env, depth, in_loop):
        name = self.pick_key(env, fresh_only=False)
        if name is None:
            return self.refresh(env)
        target = self.new_key_name(env)
        env[target] = Val("key")
        return [f"{target} = {self.R('clone')}({name})"], False

    def s_alias(self, env, depth, in_loop):
        name = self.pick_key(env, fresh_only=False)
        if name is None:
            return None
        target = self.new_key_name(env)
        env[target] = env[name]
        return [f"{target} = {name}"], False

    def s_new_key(self, env, depth, in_loop):
        names = self.keys_in(env)
        target = self.rng.choice(names) if names and self.rng.random() < 0.5 else self.new_key_name(env)
        env[target] = Val("key")
        return [f"{target} = {self.R('PRNGKey')}({self.rng.randrange(100)})"], False

    def s_call(self, env, depth, in_loop):
        helper = self.rng.choice(self.callable)
        if helper.may_consume or helper.jit:
            name = self.pick_key(env, fresh_only=True)
        else:
            name = self.pick_key(env, fresh_only=False)
        if name is None:
            return self.refresh(env)
        self.called.add(helper.name)
        line = self.call_line(helper, name, env)
        return [line], False

    def call_line(self, helper: Helper, name: str, env: Env) -> str:
        if helper.may_consume or helper.jit:
            self.consume_name(env, name)
        args = [name]
        if helper.extra == "c":
            args.append(helper.flag)
        elif helper.extra == "m":
            args.append(self.bound if self.is_run else "2")
        call = f"{helper.name}({', '.join(args)})"
        self.p.counts[f"call:{helper.returns}{':jit' if helper.jit else ''}"] += 1
        if helper.returns == "key":
            env[name] = Val("key")
            return f"{name} = {call}"
        if helper.returns == "key_value":
            env[name] = Val("key")
            return f"{name}, {self.value_name()} = {call}"
        if helper.returns == "value" and self.rng.random() < 0.7:
            return f"{self.value_name()} = {call}"
        return call

    def nested(self, env, depth, in_loop, count=None, protect_outer=False, extra=None):
        """A nested block on a snapshot of env; returns (lines, ended, env_after)."""
        inner = snapshot(env)
        if protect_outer and self.p.careful:
            # Careful loop bodies never consume a key carried around the loop.
            for v in {id(v): v for v in inner.values()}.values():
                v.used = True
                v.used_idx = set(range(v.size))
        for name, val in (extra or {}).items():
            inner[name] = val
        lines, ended = self.block(inner, depth + 1, count or self.rng.randint(1, 3), in_loop)
        return lines, ended, inner

    def branch_flag(self) -> str | None:
        """The flag an `if`/`elif` or early return tests: in run, with probability CORRELATE (or
        when the budget is spent), one run already tested, so both tests take the same side;
        else a fresh one from the budget, which run's later branches may then test again."""
        if self.is_run and self.p.tested and (not self.p.flags or self.rng.random() < CORRELATE):
            self.p.counts["if:correlated"] += 1
            return self.rng.choice(self.p.tested)
        flag = self.p.take_flag()
        self.note_tested(flag)
        return flag

    def note_tested(self, flag: str | None) -> None:
        if flag is not None and self.is_run and flag not in self.p.tested:
            self.p.tested.append(flag)

    def s_if(self, env, depth, in_loop):
        flag = self.branch_flag()
        outer = list(env)
        shape = self.rng.random()
        out = []
        then_lines, ended, then_env = self.nested(env, depth, in_loop)
        cond = flag if self.rng.random() < 0.75 else f"not {flag}"
        out.append(f"if {cond}:")
        out += indent(then_lines)
        exits = [] if ended else [then_env]
        if shape < 0.4:
            exits.append(env)
            self.p.counts["if:no_else"] += 1
        else:
            if shape > 0.8 and self.p.can_branch(self.is_run):
                second = self.branch_flag()
                elif_lines, elif_ended, elif_env = self.nested(env, depth, in_loop)
                out.append(f"elif {second}:")
                out += indent(elif_lines)
                if not elif_ended:
                    exits.append(elif_env)
                self.p.counts["if:elif"] += 1
            else:
                self.p.counts["if:else"] += 1
            else_lines, else_ended, else_env = self.nested(env, depth, in_loop)
            out.append("else:")
            out += indent(else_lines)
            if not else_ended:
                exits.append(else_env)
        if not exits:
            return out, True
        env_after = join_into(outer, exits)
        env.clear()
        env.update(env_after)
        return out, False

    def loop_head(self, env) -> tuple[list[str], dict]:
        """Careful mode: `k, sub = split(k)` at the head of a loop body for one fresh outer key."""
        if not self.p.careful or self.rng.random() < 0.15:
            return [], {}
        fresh = [n for n in self.keys_in(env) if not env[n].used]
        if not fresh:
            return [], {}
        name = self.rng.choice(fresh)
        sub = self.new_key_name(env)
        self.p.counts["loop:head_split"] += 1
        return [f"{name}, {sub} = {self.R('split')}({name})"], {sub: Val("key")}

    def loop_body(self, env, depth, extra=None, prefix=()):
        head, head_extra = self.loop_head(env)
        extra = dict(extra or {}, **head_extra)
        rebound = head[0].split(",")[0] if head else None
        lines, ended, inner = self.nested(env, depth, True, protect_outer=True, extra=extra)
        if rebound and rebound in env:
            # The head split consumed the outer key and rebinds it each iteration.
            env[rebound].used = True
        return list(prefix) + head + lines, ended, inner

    def after_loop(self, env, inner):
        outer = list(env)
        if not self.p.careful:
            after = join_into(outer, [env, inner])
        else:
            # Careful bodies consume only body-local keys; keep the outer view, but anything the
            # loop rebound or slipped on is no longer trusted.
            after = join_into(outer, [env])
            for name in outer:
                if name in inner and inner[name] is not None and id(inner[name]) != id(env[name]):
                    after[name].used = after[name].used or inner[name].used
        env.clear()
        env.update(after)

    def s_for_range(self, env, depth, in_loop):
        var = self.counter_name(env) if self.rng.random() < 0.7 else "_"
        saved = self.counter_var
        self.counter_var = var if var != "_" else None
        body, ended, inner = self.loop_body(env, depth)
        self.counter_var = saved
        self.after_loop(env, inner)
        return [f"for {var} in range({self.bound}):"] + indent(body), False

    def s_while(self, env, depth, in_loop):
        var = self.counter_name(env)
        saved = self.counter_var
        self.counter_var = var
        body, ended, inner = self.loop_body(env, depth, prefix=[f"{var} += 1"])
        self.counter_var = saved
        self.after_loop(env, inner)
        return [f"{var} = 0", f"while {var} < {self.bound}:"] + indent(body), False

    def s_for_split(self, env, depth, in_loop):
        arrays = self.arrays_in(env, for_index=False)
        var = self.rng.choice([v for v in LOOP_VARS if v not in env])
        if arrays and self.rng.random() < 0.3:
            source = self.rng.choice(arrays)
            env[source].mode = "iter"
            head = source
        else:
            name = self.pick_key(env, fresh_only=True)
            if name is None:
                return self.refresh(env)
            self.consume_name(env, name)
            count = self.bound if (self.bound and self.rng.random() < 0.6) else "3"
            head = f"{self.R('split')}({name}, {count})"
        saved = self.counter_var
        self.counter_var = None
        body, ended, inner = self.loop_body(env, depth, extra={var: Val("key")})
        self.counter_var = saved
        self.after_loop(env, inner)
        return [f"for {var} in {head}:"] + indent(body), False

    def s_comprehension(self, env, depth, in_loop):
        R = self.R
        r = self.rng.random()
        var = self.rng.choice(LOOP_VARS)
        bound = self.bound or "2"
        if r < 0.35:
            name = self.pick_key(env, fresh_only=True)
            if name is None:
                return self.refresh(env)
            self.consume_name(env, name)
            count = self.rng.choice(["3", bound])
            expr = self.sampler(var)
            self.p.counts["comp:split"] += 1
            source = f"{R('split')}({name}, {count})"
        elif r < 0.6:
            # The same key every iteration: reuse as soon as the range has two elements.
            name = self.pick_key(env, fresh_only=False)
            if name is None:
                return None
            self.consume_name(env, name)
            expr = self.sampler(name)
            var = "_"
            source = f"range({self.rng.choice([bound, bound, '2'])})"
            self.p.counts["comp:same_key"] += 1
        elif r < 0.85:
            name = self.pick_key(env, fresh_only=False)
            if name is None:
                return None
            var = "i"
            expr = self.sampler(f"{R('fold_in')}({name}, i)")
            source = f"range({bound})"
            self.p.counts["comp:fold_in"] += 1
        else:
            arrays = self.arrays_in(env, for_index=False)
            if not arrays:
                return None
            array = self.rng.choice(arrays)
            env[array].mode = "iter"
            expr = self.sampler(var)
            source = array
            self.p.counts["comp:array"] += 1
        target = self.value_name()
        if "categorical" not in expr and "shape" not in expr and "(3,)" not in expr and "(2,)" not in expr \
                and "(4,)" not in expr and self.rng.random() < 0.3:
            return [f"{target} = sum({expr} for {var} in {source})"], False
        return [f"{target} = [{expr} for {var} in {source}]"], False

    def s_try(self, env, depth, in_loop):
        flag = self.p.take_flag()
        outer = list(env)
        before_lines, ended_a, try_env = self.nested(env, depth, in_loop, count=self.rng.randint(1, 2))
        if ended_a:
            self.p.flags.append(flag)
            return None
        raise_env = snapshot(try_env)
        after_lines, ended_b, try_env2 = self.nested(try_env, depth, in_loop, count=self.rng.randint(1, 2))
        handler_lines, ended_h, handler_env = self.nested(raise_env, depth, in_loop)
        out = ["try:"] + indent(before_lines + [f"if {flag}:", f'    raise ValueError("{flag}")'] + after_lines)
        out += ["except ValueError:"] + indent(handler_lines)
        self.note_tested(flag)
        exits = []
        if not ended_b:
            exits.append(try_env2)
        if not ended_h:
            exits.append(handler_env)
        if self.rng.random() < 0.3 and exits:
            joined = join_into(outer, exits)
            fin_lines, ended_f, fin_env = self.nested(joined, depth, in_loop, count=1)
            if not ended_f:
                out += ["finally:"] + indent(fin_lines)
                exits = [fin_env]
                self.p.counts["try:finally"] += 1
        if not exits:
            return out, True
        after = join_into(outer, exits)
        env.clear()
        env.update(after)
        return out, False

    def s_correlated(self, env, depth, in_loop):
        """Two draws from one key under two tests of one flag (run only): on opposite sides
        (`if f:` ... `if not f:`, never both on one run: no reuse), on the same side (both run
        when f holds: reuse), or the second in the dead `else` of a nested retest."""
        flag = self.branch_flag()
        name = self.pick_key(env, fresh_only=True)
        if name is None:
            return self.refresh(env)
        self.consume_name(env, name)
        first = f"{self.value_name()} = {self.sampler(name)}"
        second = f"{self.value_name()} = {self.sampler(name)}"
        test = flag if self.rng.random() < 0.6 else f"not {flag}"
        other = test[4:] if test.startswith("not ") else f"not {test}"
        shape = self.rng.random()
        if shape < 0.3:
            self.p.counts["correlated:nested"] += 1
            return [f"if {test}:", f"    {first}", f"    if {test}:", "        pass", "    else:", f"        {second}"], False
        middle = []
        if self.rng.random() < 0.5:
            middle, ended, _ = self.nested(env, depth - 1, in_loop, count=1)
            if ended:
                middle = []
        same = shape > 0.75
        self.p.counts["correlated:same" if same else "correlated:opposite"] += 1
        return [f"if {test}:", f"    {first}"] + middle + [f"if {test if same else other}:", f"    {second}"], False

    def s_batch(self, env, depth, in_loop):
        """A batch of keys `split(k, size)` kept whole: handed to `vmap` of a lambda that draws
        from each key (consuming the batch) or only from `fold_in` of it (not consuming it), or
        drawn from element by element with a computed index; reckless programs may then use the
        whole batch again."""
        name = self.pick_key(env, fresh_only=True)
        if name is None:
            return self.refresh(env)
        self.consume_name(env, name)
        # One batch size and one sampler under vmap: every batched shape JAX compiles is a
        # compilation the ground truth pays for, and the key flow is the same for all of them.
        array = self.new_array_name(env)
        env[array] = Val("keys", 3, mode="whole")
        lines = [f"{array} = {self.R('split')}({name}, 3)"]
        vmap = self.R.jax("vmap")
        draw = f"lambda kk: {self.R('normal')}(kk)"
        shape = self.rng.random()
        if shape < 0.4:
            lines.append(f"{self.value_name()} = {vmap}({draw})({array})")
            env[array].used = True
            self.p.counts["batch:vmap"] += 1
        elif shape < 0.65:
            lines.append(f"{self.value_name()} = {vmap}(lambda kk: {self.R('normal')}({self.R('fold_in')}(kk, "
                         f"{self.rng.randrange(1, 9)})))({array})")
            self.p.counts["batch:vmap_fold_in"] += 1
        else:
            counter = self.counter_name(env)
            lines += [f"for {counter} in range(3):", f"    {self.value_name()} = {self.sampler(f'{array}[{counter}]')}"]
            env[array].used = True
            self.p.counts["batch:index_loop"] += 1
        if self.p.slip() and self.rng.random() < 0.4:
            lines.append(f"{self.value_name()} = {vmap}({draw})({array})")
            self.p.counts["batch:again"] += 1
        return lines, False

    def s_inspect(self, env, depth, in_loop):
        """Looks at a key (any, consumed or not) without drawing from it: its shape or dtype, or
        a trace of a sampler on it (`jax.eval_shape`, `jax.make_jaxpr`)."""
        names = self.keys_in(env)
        if not names:
            return None
        key = self.rng.choice(names)
        lambda_ = f"lambda kk: {self.sampler('kk')}"
        forms = [
            f"assert is_prng_key({key})",
            f"assert {key}.shape == ()",
            f'assert hasattr({key}, "dtype")',
            f"assert isinstance({key}, {self.R.jax('Array')})",
            f"{self.value_name()} = {self.R.jax('eval_shape')}({lambda_}, {key})",
            f"{self.value_name()} = {self.R.jax('make_jaxpr')}({lambda_})({key})",
        ]
        form = self.rng.choice(forms)
        self.p.needs_validator |= form.startswith("assert is_prng_key(")
        return [form], False

    def s_loop_once(self, env, depth, in_loop):
        """A loop over a one-element literal (or `range(1)`): its body runs once, and may draw
        from keys of the enclosing block."""
        head = self.rng.choice(["[0.5]", "(1,)", "range(1)", "[None]"])
        var = self.rng.choice(["scale", "_", "item"])
        lines, ended, inner = self.nested(env, depth, True)
        after = join_into(list(env), [inner])
        env.clear()
        env.update(after)
        return [f"for {var} in {head}:"] + indent(lines), False

    def s_early_return(self, env, depth, in_loop):
        flag = self.branch_flag()
        cond = flag if self.rng.random() < 0.7 else f"not {flag}"
        if self.rng.random() < 0.4:
            lines, ended, _ = self.nested(env, depth, in_loop, count=1)
            return [f"if {cond}:"] + indent(lines + ([] if ended else ["return"])), False
        return [f"if {cond}:", "    return"], False

    def s_break_continue(self, env, depth, in_loop):
        word = self.rng.choice(["break", "continue", "break"])
        flag = self.p.take_flag()
        if flag is None:
            if word == "continue":
                return None
            return ["break"], True
        self.note_tested(flag)
        cond = flag if self.rng.random() < 0.7 else f"not {flag}"
        self.p.counts[f"loop:{word}"] += 1
        return [f"if {cond}:", f"    {word}"], False


def indent(lines: list[str], by: str = "    ") -> list[str]:
    return [by + line for line in lines]


# --------------------------------------------------------------------------------------------
# Helpers and the whole program


def make_helper(program: Program, index: int, earlier: list[Helper]) -> Helper:
    rng = program.rng
    R = program.api
    name = [h for h in HELPER_NAMES if h not in {e.name for e in earlier}]
    helper = Helper(name=rng.choice(name), key_param=rng.choice(PARAM_KEY_NAMES))
    k = helper.key_param
    if rng.random() < 0.08:
        helper.jit = True
        helper.returns = "value"
        helper.may_consume = True
        program.counts["helper:jit"] += 1
        twice = rng.random() < 0.2 and not program.careful
        body = f"return {Fn(program, False, None, [], False).sampler(k)}"
        if twice:
            fn = Fn(program, False, None, [], False)
            body = f"return {fn.sampler(k)}, {fn.sampler(k)}"
        helper.lines = [f"@{R.jit()}", f"def {helper.name}({k}):", f"    {body}"]
        return helper
    r = rng.random()
    if r < 0.25 and program.flags:
        helper.extra = "c"
        helper.flag = program.take_flag()
    elif r < 0.40:
        helper.extra = "m"
    helper.returns = weighted(rng, [("none", 0.5), ("value", 0.25), ("key", 0.15), ("key_value", 0.10)])
    # Only run passes flags: helpers do not call conditional helpers.
    callable_ = [e for e in earlier if e.extra != "c"]
    fn = Fn(program, False, "m" if helper.extra == "m" else None, callable_, helper.returns == "none")
    param = Val("key")
    env: Env = {k: param}
    prefix: list[str] = []
    if helper.returns in ("key", "key_value"):
        sub = fn.new_key_name(env)
        prefix = [f"{k}, {sub} = {R('split')}({k})"]
        param.used = True
        env[k] = Val("key", used=True)  # the returned key: careful bodies leave it alone
        env[sub] = Val("key")
    # Helpers see no flag but their own `c`, on which they branch at most once.
    saved_flags = program.flags
    program.flags = []
    if helper.extra == "c":
        # A conditional helper branches on `c` once: 0-1 statements, the `if`, 0-1 statements.
        lines, ended = fn.block(env, 1, 1, False) if rng.random() < 0.5 else ([], False)
        if not ended:
            program.flags = [helper.flag]
            more, ended = fn.s_if(env, 0, False)
            program.flags = []
            program.counts["stmt:if"] += 1
            lines += more
        if not ended and rng.random() < 0.5:
            more, ended = fn.block(env, 1, 1, False)
            lines += more
    else:
        lines, ended = fn.block(env, 1, rng.randint(1, 3), False)
    program.flags = saved_flags
    if helper.extra == "c":
        lines = [line.replace(helper.flag, "c") for line in lines]
    body = prefix + lines
    if not ended:
        if helper.returns == "value":
            expr = fn.consumable_key_expr(env)
            body.append(f"return {fn.sampler(expr)}" if expr else "return 0.0")
        elif helper.returns == "key":
            body.append(f"return {k}")
        elif helper.returns == "key_value":
            expr = fn.consumable_key_expr({n: v for n, v in env.items() if n != k})
            body.append(f"return {k}, {fn.sampler(expr) if expr else '0.0'}")
    params = [k] + ([helper.extra] if helper.extra else [])
    helper.lines = [f"def {helper.name}({', '.join(params)}):"] + indent(body)
    helper.may_consume = param.used or any(
        e.may_consume for e in earlier if e.name in fn.called)
    if helper.returns in ("key", "key_value"):
        helper.may_consume = True
    helper.calls = set(fn.called)
    program.counts[f"helper:{helper.extra or 'plain'}:{helper.returns}"] += 1
    return helper


def generate_candidate(rng: random.Random) -> tuple[str, collections.Counter]:
    program = Program(rng)
    R = program.api
    n_helpers = weighted(rng, [(0, 0.35), (1, 0.4), (2, 0.25)])
    for i in range(n_helpers):
        program.helpers.append(make_helper(program, i, list(program.helpers)))
    fn = Fn(program, True, "n", program.helpers, True)
    env: Env = {}
    key = rng.choice(["key", "rng", "rng_key", "k"])
    env[key] = Val("key")
    lines = [f"{key} = {R('PRNGKey')}({rng.randrange(100)})"]
    if rng.random() < 0.15:
        other = fn.new_key_name(env)
        env[other] = Val("key")
        lines.append(f"{other} = {R('PRNGKey')}({rng.randrange(100)})")
    body, ended = fn.block(env, 0, rng.randint(3, 6), False)
    lines += body
    # Every helper must run for some input: call the ones nothing reachable calls.
    reachable = set()
    frontier = set(fn.called)
    by_name = {h.name: h for h in program.helpers}
    while frontier:
        name = frontier.pop()
        if name in reachable:
            continue
        reachable.add(name)
        frontier |= by_name[name].calls
    missing = [h for h in program.helpers if h.name not in reachable]
    if missing and ended:
        return None, program.counts  # nowhere to add the call: redraw
    for helper in missing:
        name = fn.pick_key(env, fresh_only=helper.may_consume or helper.jit)
        if name is None:
            stmt, _ = fn.refresh(env)
            lines += stmt
            name = stmt[0].split(" = ")[0]
        lines.append(fn.call_line(helper, name, env))
        program.counts["call:appended"] += 1
    module = R.imports() + [""]
    if program.needs_validator:
        module += [""] + VALIDATOR + [""]
    for helper in program.helpers:
        module += [""] + helper.lines + [""]
    module += ["", "def run(flag_a, flag_b, n):"] + indent(lines)
    source = "\n".join(module) + "\n"
    program.counts[f"import:{R.style}"] += 1
    program.counts["mode:careful" if program.careful else "mode:reckless"] += 1
    return source, program.counts


def body_line_count(source: str) -> int:
    lines = [line for line in source.splitlines() if line.strip()]
    return sum(1 for line in lines if not line.startswith(("import ", "from ")))


def generate(seed: int, index: int) -> str:
    """Candidate `index` of `seed`: a complete module's source text."""
    return generate_with_counts(seed, index)[0]


def generate_with_counts(seed: int, index: int) -> tuple[str, collections.Counter]:
    rng = random.Random(f"{seed}:{index}")
    for _ in range(200):
        source, counts = generate_candidate(rng)
        if source is not None and MIN_LINES <= body_line_count(source) <= MAX_LINES:
            return source, counts
    raise RuntimeError(f"no program of {MIN_LINES}-{MAX_LINES} lines for seed {seed} index {index}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--index", type=int, help="print this one candidate")
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--out", type=Path, help="write candidates 0..count-1 as cand_NNNN.py")
    parser.add_argument("--stats", action="store_true", help="print construct counts")
    args = parser.parse_args(argv)
    if args.index is not None:
        sys.stdout.write(generate(args.seed, args.index))
        return 0
    totals: collections.Counter = collections.Counter()
    per_program: collections.Counter = collections.Counter()
    for index in range(args.count):
        source, counts = generate_with_counts(args.seed, index)
        totals.update(counts)
        per_program.update(set(counts))
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"cand_{index:04d}.py").write_text(source)
    if args.stats:
        for name in sorted(totals):
            print(f"{name:32s} {totals[name]:6d}  in {per_program[name]:5d} programs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
