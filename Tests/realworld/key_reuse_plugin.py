"""pytest plugin (`-p key_reuse_plugin`): JAX's key-reuse checker on for the whole run.

`jax_debug_key_reuse` alone ignores legacy uint32 `PRNGKey`s; with `jax_enable_custom_prng` every
`PRNGKey(n)` is a typed key and a reuse raises `KeyReuseError` (shared/FACTS.md). Set before any
test module is imported, so module-level keys are typed too.
"""

import jax

jax.config.update("jax_enable_custom_prng", True)
jax.config.update("jax_debug_key_reuse", True)
