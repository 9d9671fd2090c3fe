/* The count of distinct groups with a point in a time range (collector/store/range_distinct.c),
 * against counting them one by one: random points in few and many groups, ties in time, ranges
 * inside, across and outside blocks, of every block size from 1 to more than the points. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "store/range_distinct.h"

enum { N = 600, GROUPS_MAX = 80 };

static size_t by_hand(const int64_t *t, const uint32_t *g, size_t n, int64_t from, int64_t to)
{
    char seen[GROUPS_MAX] = {0};
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] >= from && t[i] <= to && !seen[g[i]]) {
            seen[g[i]] = 1;
            count++;
        }
    return count;
}

static void counts_as_by_hand(void **state)
{
    (void)state;
    static int64_t t[N];
    static uint32_t g[N];
    srand(26);
    static const size_t blocks[] = {1, 2, 3, 7, 64, 599, 600, 4096};
    static const size_t groups[] = {1, 5, 80};
    for (size_t gi = 0; gi < 3; gi++)
        for (size_t bi = 0; bi < sizeof(blocks) / sizeof(blocks[0]); bi++) {
            for (size_t i = 0; i < N; i++) {
                t[i] = 1000 + rand() % 400; /* many ties */
                g[i] = (uint32_t)(rand() % (int)groups[gi]);
            }
            struct whb_range_distinct *d = whb_range_distinct_new(t, g, N, groups[gi], blocks[bi]);
            assert_non_null(d);
            for (int q = 0; q < 400; q++) {
                int64_t from = 950 + rand() % 500, to = from + rand() % 200 - 20;
                assert_int_equal(whb_range_distinct_count(d, from, to), by_hand(t, g, N, from, to));
            }
            /* Everything, nothing, one instant. */
            assert_int_equal(whb_range_distinct_count(d, INT64_MIN, INT64_MAX),
                             by_hand(t, g, N, INT64_MIN, INT64_MAX));
            assert_int_equal(whb_range_distinct_count(d, 0, 999), 0);
            assert_int_equal(whb_range_distinct_count(d, 1200, 1200), by_hand(t, g, N, 1200, 1200));
            whb_range_distinct_free(d);
        }
}

static void no_points(void **state)
{
    (void)state;
    struct whb_range_distinct *d = whb_range_distinct_new(NULL, NULL, 0, 0, 4096);
    assert_non_null(d);
    assert_int_equal(whb_range_distinct_count(d, INT64_MIN, INT64_MAX), 0);
    whb_range_distinct_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_as_by_hand),
        cmocka_unit_test(no_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
