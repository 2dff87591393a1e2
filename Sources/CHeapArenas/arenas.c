#include "CHeapArenas.h"

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

int rekey_limit_heap_arenas(int arenas) {
#if defined(M_ARENA_MAX)
    return mallopt(M_ARENA_MAX, arenas);
#else
    (void)arenas;
    return 0;
#endif
}
