#ifndef REKEY_HEAP_ARENAS_H
#define REKEY_HEAP_ARENAS_H

/// Limits how many heaps ("arenas") glibc's malloc keeps for threads: by default up to eight per
/// core, each new thread taking its own, and memory freed in one heap is not reused by another.
/// Returns 1 when the limit was set, 0 where the C library has no such setting.
int rekey_limit_heap_arenas(int arenas);

#endif
