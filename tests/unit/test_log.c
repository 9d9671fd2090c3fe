/* The log layer's rate limit: a call site a peer can trigger writes a bounded number of lines,
 * other call sites are not held back, and the next line says how many were not written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static int lines;
static char last[1024];

static void sink(enum whb_log_level level, const char *line)
{
    (void)level;
    lines++;
    snprintf(last, sizeof(last), "%s", line);
}

static void flood(int n, int *a, int *b)
{
    lines = 0;
    for (int i = 0; i < n; i++)
        whb_log_limited(WHB_LOG_WARN, "audit: refused %d", i);
    *a = lines;
    lines = 0;
    whb_log_limited(WHB_LOG_WARN, "another site %d", 1);
    *b = lines;
}

static void a_flood_writes_a_burst_per_window(void **state)
{
    (void)state;
    int a = 0, b = 0;
    /* Retried when the run straddles a window boundary. */
    for (int tries = 0; tries < 3; tries++) {
        time_t t0 = time(NULL);
        flood(1000, &a, &b);
        if (t0 / WHB_LOG_WINDOW_S == time(NULL) / WHB_LOG_WINDOW_S)
            break;
    }
    assert_int_equal(a, WHB_LOG_BURST);
    assert_int_equal(b, 1);
    assert_string_equal(last, "another site 1");
}

static void the_next_window_says_what_was_held_back(void **state)
{
    (void)state;
    /* Fill this window, wait for the next one: its first line carries the count. */
    lines = 0;
    for (int i = 0; i < WHB_LOG_BURST + 7; i++)
        whb_log_limited(WHB_LOG_WARN, "held back %d", i);
    time_t w = time(NULL) / WHB_LOG_WINDOW_S;
    while (time(NULL) / WHB_LOG_WINDOW_S == w) {
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    whb_log_limited(WHB_LOG_WARN, "held back %d", 99);
    assert_non_null(strstr(last, "held back 99 (and "));
    assert_non_null(strstr(last, " more like it, not logged)"));
}

int main(void)
{
    whb_log_init("test", 0, WHB_LOG_INFO);
    whb_log_set_sink(sink);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_flood_writes_a_burst_per_window),
        cmocka_unit_test(the_next_window_says_what_was_held_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
