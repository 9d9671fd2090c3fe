/* Implementation of memory.h: glibc's malloc tuning; elsewhere (Windows) the calls do
 * nothing. OpenSSL's error strings (64 KiB of heap) stay loaded: without them a TLS failure
 * reads "error:0A00010B:lib(20)::reason(267)" in the agent's log instead of its reason. */
#include "memory.h"

#include <stdlib.h> /* defines __GLIBC__ where it is glibc */

#ifdef __GLIBC__
#include <malloc.h>
#endif

void whb_memory_init(void)
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
#endif
}

void whb_memory_release(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
