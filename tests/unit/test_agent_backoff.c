/* The agent's retry backoff (client/backoff.c): it grows with jitter, is capped, resets, and
 * two machines do not retry in step. */

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(backoff_grows_with_jitter_and_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
