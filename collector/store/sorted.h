/* Sorted arrays of int64_t, as the census and its range-distinct counts keep them. */
#ifndef WHB_STORE_SORTED_H
#define WHB_STORE_SORTED_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static inline int whb_sorted_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts v ascending. An empty array may be NULL, which qsort may not be given. */
static inline void whb_sorted_sort(int64_t *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof(*v), whb_sorted_cmp);
}

/* The first index of ascending v whose value is >= x (or > x with after). */
static inline size_t whb_sorted_bound(const int64_t *v, size_t n, int64_t x, int after)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x || (after && v[mid] == x))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

#endif
