/* Implementation of range_distinct.h. */
#include "store/range_distinct.h"

#include <stdlib.h>

#include "store/sorted.h"

struct whb_range_distinct {
    size_t n, block;
    int64_t *t;      /* the points' times, ascending */
    int64_t *prev;   /* the index of the point before i of its group, -1 for none */
    int64_t *sorted; /* prev, sorted within each block */
};

struct point {
    int64_t t;
    uint32_t g;
};

static int by_time(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

void whb_range_distinct_free(struct whb_range_distinct *d)
{
    if (!d)
        return;
    free(d->t);
    free(d->prev);
    free(d->sorted);
    free(d);
}

struct whb_range_distinct *whb_range_distinct_new(const int64_t *t, const uint32_t *g, size_t n,
                                                  size_t n_groups, size_t block)
{
    struct whb_range_distinct *d = calloc(1, sizeof(*d));
    struct point *p = malloc((n ? n : 1) * sizeof(*p));
    int64_t *last = malloc((n_groups ? n_groups : 1) * sizeof(*last));
    if (d) {
        d->n = n;
        d->block = block ? block : 1;
        d->t = malloc((n ? n : 1) * sizeof(*d->t));
        d->prev = malloc((n ? n : 1) * sizeof(*d->prev));
        d->sorted = malloc((n ? n : 1) * sizeof(*d->sorted));
    }
    if (!d || !p || !last || !d->t || !d->prev || !d->sorted) {
        free(p);
        free(last);
        whb_range_distinct_free(d);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (struct point){t[i], g[i]};
    if (n > 1)
        qsort(p, n, sizeof(*p), by_time);
    for (size_t k = 0; k < n_groups; k++)
        last[k] = -1;
    for (size_t i = 0; i < n; i++) {
        d->t[i] = p[i].t;
        d->prev[i] = last[p[i].g];
        last[p[i].g] = (int64_t)i;
        d->sorted[i] = d->prev[i];
    }
    for (size_t b = 0; b < n; b += d->block)
        qsort(d->sorted + b, n - b < d->block ? n - b : d->block, sizeof(*d->sorted),
              whb_sorted_cmp);
    free(p);
    free(last);
    return d;
}

size_t whb_range_distinct_count(const struct whb_range_distinct *d, int64_t from, int64_t to)
{
    if (from > to)
        return 0;
    size_t lo = whb_sorted_bound(d->t, d->n, from, 0), hi = whb_sorted_bound(d->t, d->n, to, 1),
           i = lo, count = 0;
    /* A point whose group's previous point lies before lo is its group's first in range. */
    int64_t first = (int64_t)lo;
    for (; i < hi && i % d->block; i++)
        count += d->prev[i] < first;
    for (; i + d->block <= hi; i += d->block)
        count += whb_sorted_bound(d->sorted + i, d->block, first, 0);
    for (; i < hi; i++)
        count += d->prev[i] < first;
    return count;
}
