/* FNV-1a, the one small hash the open-addressing tables here use: cheap, and it spreads
 * neighbouring keys (machine ids, addresses). */
#ifndef WHB_HASH_H
#define WHB_HASH_H

#include <stddef.h>
#include <stdint.h>

#define WHB_FNV1A_INIT 14695981039346656037u

static inline uint64_t whb_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

static inline uint64_t whb_fnv1a_str(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

#endif
