/* The agent's retry backoff (client/backoff.c): it grows with jitter, is capped (the agent's
 * ceiling is its heartbeat interval), resets, and two machines do not retry in step. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backoff.h"

static void backoff_grows_with_jitter_and_caps(void **state)
{
    (void)state;
    struct whb_backoff b;
    whb_backoff_init(&b, 1000, 60000, 42);
    unsigned max_seen = 0;
    for (int i = 0; i < 50; i++) {
        unsigned d = whb_backoff_next(&b);
        assert_true(d >= 500 && d <= 60000);
        if (i < 3)
            assert_true(d <= 1000u << i);
        max_seen = d > max_seen ? d : max_seen;
    }
    assert_true(max_seen > 30000);
    whb_backoff_reset(&b);
    assert_true(whb_backoff_next(&b) <= 1000);
    /* Two machines do not retry in step. */
    struct whb_backoff x, y;
    whb_backoff_init(&x, 1000, 60000, 1);
    whb_backoff_init(&y, 1000, 60000, 2);
    int same = 0;
    for (int i = 0; i < 10; i++)
        same += whb_backoff_next(&x) == whb_backoff_next(&y);
    assert_true(same < 3);
}

/* Issue 21.5: after a long run of failures, the wait is still at most the heartbeat interval
 * (the agent's ceiling), also when the collector asks for a shorter interval mid-streak. */
static void backoff_is_bounded_by_the_interval(void **state)
{
    (void)state;
    struct whb_backoff b;
    whb_backoff_init(&b, 1000, 10000, 7);
    unsigned max_seen = 0;
    for (int i = 0; i < 200; i++) {
        unsigned d = whb_backoff_next(&b);
        assert_true(d <= 10000);
        max_seen = d > max_seen ? d : max_seen;
    }
    assert_true(max_seen > 5000); /* it did grow to the ceiling */
    whb_backoff_set_cap(&b, 2000);
    for (int i = 0; i < 200; i++)
        assert_true(whb_backoff_next(&b) <= 2000);
    /* A ceiling below the base is the base: never a tight loop. */
    whb_backoff_set_cap(&b, 10);
    for (int i = 0; i < 20; i++) {
        unsigned d = whb_backoff_next(&b);
        assert_true(d >= 500 && d <= 1000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(backoff_grows_with_jitter_and_caps),
        cmocka_unit_test(backoff_is_bounded_by_the_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
