/* The peer groups the summaries worker's reasons pass keeps (collector/store/peer_cache.c):
 * served only while young, per kind and key, copied out with no "returned" mark, and dropped
 * whole (not overrun) when full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/peer_cache.h"

static struct whb_peer_row rows[WHB_PEER_SCAN_MAX], got[WHB_PEER_SCAN_MAX];

static void fill(unsigned n, int64_t last_seen)
{
    memset(rows, 0, sizeof(rows));
    for (unsigned i = 0; i < n; i++) {
        snprintf(rows[i].id, sizeof(rows[i].id), "m%u", i);
        rows[i].last_seen = last_seen + i;
        rows[i].returned = 1; /* a mark of one machine's anchor: never kept */
    }
}

static void a_group_is_served_as_read_per_kind_and_key(void **state)
{
    (void)state;
    struct whb_peer_cache *c = whb_peer_cache_new(60000);
    unsigned n = 0;
    unsigned long served, read;
    assert_non_null(c);
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SWITCH, "00:11", got, &n), 0);
    fill(48, 1000);
    whb_peer_cache_put(c, WHB_PEERS_SWITCH, "00:11", rows, 48);
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SWITCH, "00:11", got, &n), 1);
    assert_int_equal(n, 48);
    assert_string_equal(got[47].id, "m47");
    assert_int_equal(got[47].last_seen, 1047);
    assert_int_equal(got[0].returned, 0);
    /* The same text is another group of another kind. */
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SUBNET, "00:11", got, &n), 0);
    /* Read again: the new rows replace the old. */
    fill(3, 5000);
    whb_peer_cache_put(c, WHB_PEERS_SWITCH, "00:11", rows, 3);
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SWITCH, "00:11", got, &n), 1);
    assert_int_equal(n, 3);
    assert_int_equal(got[0].last_seen, 5000);
    /* An empty group is a group. */
    whb_peer_cache_put(c, WHB_PEERS_ACCESS_POINT, "a0:b1", rows, 0);
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_ACCESS_POINT, "a0:b1", got, &n), 1);
    assert_int_equal(n, 0);
    whb_peer_cache_counts(c, &served, &read);
    assert_int_equal(served, 3);
    assert_int_equal(read, 3);
    whb_peer_cache_free(c);
}

static void an_old_group_is_read_again(void **state)
{
    (void)state;
    struct whb_peer_cache *c = whb_peer_cache_new(50);
    unsigned n = 0;
    fill(10, 0);
    whb_peer_cache_put(c, WHB_PEERS_SUBNET, "10.1.0.0/24", rows, 10);
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SUBNET, "10.1.0.0/24", got, &n), 1);
    struct timespec pause = {0, 80 * 1000000};
    nanosleep(&pause, NULL);
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SUBNET, "10.1.0.0/24", got, &n), 0);
    whb_peer_cache_free(c);
}

static void a_full_cache_starts_again(void **state)
{
    (void)state;
    struct whb_peer_cache *c = whb_peer_cache_new(60000);
    unsigned n = 0;
    char key[32];
    fill(WHB_PEER_SCAN_MAX, 0);
    /* More groups of the largest size than the cache holds rows. */
    unsigned groups = WHB_PEER_CACHE_ROWS / WHB_PEER_SCAN_MAX + 2;
    for (unsigned g = 0; g < groups; g++) {
        snprintf(key, sizeof(key), "10.%u.0.0/16", g);
        whb_peer_cache_put(c, WHB_PEERS_SUBNET, key, rows, WHB_PEER_SCAN_MAX);
    }
    /* The last is held, the first was dropped with the others. */
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SUBNET, key, got, &n), 1);
    assert_int_equal(n, WHB_PEER_SCAN_MAX);
    assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SUBNET, "10.0.0.0/16", got, &n), 0);
    /* Many small groups: never more than half the slots used, every new one served. */
    fill(1, 0);
    for (unsigned g = 0; g < 40000; g++) {
        snprintf(key, sizeof(key), "sw-%u", g);
        whb_peer_cache_put(c, WHB_PEERS_SWITCH, key, rows, 1);
        assert_int_equal(whb_peer_cache_get(c, WHB_PEERS_SWITCH, key, got, &n), 1);
    }
    whb_peer_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_group_is_served_as_read_per_kind_and_key),
        cmocka_unit_test(an_old_group_is_read_again),
        cmocka_unit_test(a_full_cache_starts_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
