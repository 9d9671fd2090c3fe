/* How many distinct groups have a point in a time range, in microseconds at a million points:
 * the census's count of subnets silent together (census.c). A binary search per group was
 * 4,001 searches per count at the explain benchmark's 1,000,000 machines, a third of the
 * summaries worker's start-up pass. Here a range's distinct groups are its points whose
 * previous point of the same group lies before the range; those are counted per block of
 * sorted "previous" indexes. */
#ifndef WHB_STORE_RANGE_DISTINCT_H
#define WHB_STORE_RANGE_DISTINCT_H

#include <stddef.h>
#include <stdint.h>

struct whb_range_distinct;

/* From n points: time t[i] of group g[i] (0 <= g[i] < n_groups), in any order; block is the
 * counting block's size (WHB_RANGE_DISTINCT_BLOCK but in tests). NULL without memory. */
#define WHB_RANGE_DISTINCT_BLOCK 4096
struct whb_range_distinct *whb_range_distinct_new(const int64_t *t, const uint32_t *g, size_t n,
                                                  size_t n_groups, size_t block);
void whb_range_distinct_free(struct whb_range_distinct *d);

/* The number of groups with a point at a time in [from, to]. */
size_t whb_range_distinct_count(const struct whb_range_distinct *d, int64_t from, int64_t to);

#endif
