/* GET /metrics' text (collector/metrics.c): every counter and gauge in the Prometheus text
 * format, the commit latency histogram's cumulative buckets, and a buffer too small for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* The value of the sample line that starts with name (labels included), or -1. */
static double value_of(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (!strncmp(p, name, n) && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    }
    return -1;
}

/* Every line is a comment (# HELP name text, # TYPE name kind) or "name[{labels}] value". */
static void assert_exposition_format(const char *text)
{
    const char *p = text;
    unsigned samples = 0;
    assert_true(strlen(text) > 0);
    assert_int_equal(text[strlen(text) - 1], '\n');
    while (*p) {
        const char *end = strchr(p, '\n');
        assert_non_null(end);
        char line[256];
        assert_true((size_t)(end - p) < sizeof(line));
        memcpy(line, p, (size_t)(end - p));
        line[end - p] = '\0';
        if (line[0] == '#') {
            assert_true(!strncmp(line, "# HELP whb_", 11) || !strncmp(line, "# TYPE whb_", 11));
            if (!strncmp(line, "# TYPE", 6)) {
                const char *kind = strrchr(line, ' ') + 1;
                assert_true(!strcmp(kind, "counter") || !strcmp(kind, "gauge") ||
                            !strcmp(kind, "histogram"));
            }
        } else {
            char *sp = strrchr(line, ' ');
            assert_non_null(sp);
            char *num_end;
            strtod(sp + 1, &num_end);
            assert_true(num_end > sp + 1 && *num_end == '\0');
            assert_memory_equal(line, "whb_", 4);
            samples++;
        }
        p = end + 1;
    }
    assert_true(samples > 0);
}

static size_t render(const struct whb_metrics *m, uint64_t known, uint64_t silent, unsigned pending,
                     char *buf, size_t len)
{
    return whb_metrics_render(m, known, silent, pending, buf, len);
}

static void counters_and_gauges_are_exposed(void **state)
{
    (void)state;
    struct whb_metrics m;
    char buf[8192];
    memset(&m, 0, sizeof(m));
    atomic_store(&m.accepted, 1234);
    atomic_store(&m.duplicates, 56);
    atomic_store(&m.rejected[WHB_REJECT_MALFORMED], 7);
    atomic_store(&m.rejected[WHB_REJECT_DENIED], 8);
    atomic_store(&m.rejected[WHB_REJECT_OVERLOAD], 9);
    atomic_store(&m.rejected[WHB_REJECT_METHOD], 10);
    atomic_store(&m.rejected[WHB_REJECT_STORE], 11);
    atomic_store(&m.connections_open, 42);
    atomic_store(&m.connections_refused[WHB_CONN_REFUSED_CAP], 3);
    atomic_store(&m.connections_refused[WHB_CONN_REFUSED_SOURCE], 4);
    atomic_store(&m.deadline_closed, 5);
    size_t n = render(&m, 5000, 17, 99, buf, sizeof(buf));
    assert_int_equal(n, strlen(buf));
    assert_exposition_format(buf);

    const struct {
        const char *name;
        double want;
    } want[] = {
        {"whb_reports_accepted_total", 1234},
        {"whb_reports_duplicate_total", 56},
        {"whb_reports_rejected_total{cause=\"malformed\"}", 7},
        {"whb_reports_rejected_total{cause=\"denied\"}", 8},
        {"whb_reports_rejected_total{cause=\"overload\"}", 9},
        {"whb_reports_rejected_total{cause=\"method\"}", 10},
        {"whb_reports_rejected_total{cause=\"store\"}", 11},
        {"whb_ingest_pending", 99},
        {"whb_connections_open", 42},
        {"whb_connections_refused_total{cause=\"max_connections\"}", 3},
        {"whb_connections_refused_total{cause=\"per_source\"}", 4},
        {"whb_connections_deadline_total", 5},
        {"whb_machines_known", 5000},
        {"whb_machines_silent", 17},
        {"whb_commit_seconds_count", 0},
        {"whb_commit_batch_reports_sum", 0},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        double got = value_of(buf, want[i].name);
        if (got != want[i].want)
            fail_msg("%s: %g, want %g", want[i].name, got, want[i].want);
    }
    assert_non_null(strstr(buf, "# TYPE whb_reports_accepted_total counter\n"));
    assert_non_null(strstr(buf, "# TYPE whb_machines_silent gauge\n"));
    assert_non_null(strstr(buf, "# TYPE whb_commit_seconds histogram\n"));
}

/* Each commit lands in every bucket whose bound it is under (cumulative), +Inf counts all. */
static void commits_fill_the_latency_histogram(void **state)
{
    (void)state;
    struct whb_metrics m;
    char buf[8192];
    memset(&m, 0, sizeof(m));
    whb_metrics_commit(&m, 500, 10);     /* 0.5 ms */
    whb_metrics_commit(&m, 1000, 20);    /* exactly 1 ms: le="0.001" holds it */
    whb_metrics_commit(&m, 3000, 30);    /* 3 ms */
    whb_metrics_commit(&m, 70000, 40);   /* 70 ms */
    whb_metrics_commit(&m, 2000000, 50); /* 2 s: only +Inf */
    render(&m, 0, 0, 0, buf, sizeof(buf));
    assert_exposition_format(buf);
    const struct {
        const char *le;
        double want;
    } buckets[] = {{"0.001", 2}, {"0.0025", 2}, {"0.005", 3}, {"0.01", 3}, {"0.025", 3},
                   {"0.05", 3},  {"0.1", 4},    {"1", 4},     {"+Inf", 5}};
    double prev = 0;
    for (size_t i = 0; i < sizeof(buckets) / sizeof(buckets[0]); i++) {
        char name[64];
        snprintf(name, sizeof(name), "whb_commit_seconds_bucket{le=\"%s\"}", buckets[i].le);
        double got = value_of(buf, name);
        if (got != buckets[i].want)
            fail_msg("%s: %g, want %g", name, got, buckets[i].want);
        assert_true(got >= prev); /* cumulative */
        prev = got;
    }
    assert_true(value_of(buf, "whb_commit_seconds_sum") == 2.0745);
    assert_true(value_of(buf, "whb_commit_seconds_count") == 5);
    assert_true(value_of(buf, "whb_commit_batch_reports_sum") == 150);
    /* Buckets come in order, +Inf last, before _sum and _count. */
    const char *inf = strstr(buf, "le=\"+Inf\"");
    assert_non_null(inf);
    assert_true(strstr(buf, "le=\"1\"") < inf);
    assert_true(inf < strstr(buf, "whb_commit_seconds_sum"));
}

/* At the largest counters the text still fits the 4 KiB the /metrics handler renders into. */
static void the_largest_text_fits_the_handlers_buffer(void **state)
{
    (void)state;
    struct whb_metrics m;
    char buf[16384];
    memset(&m, 0xff, sizeof(m));
    atomic_store(&m.commit_us_sum, UINT64_MAX);
    size_t n = render(&m, UINT64_MAX, UINT64_MAX, ~0u, buf, sizeof(buf));
    assert_int_equal(n, strlen(buf));
    assert_exposition_format(buf);
    assert_true(n < 4096);
    assert_non_null(strstr(buf, "whb_reports_accepted_total 18446744073709551615\n"));
}

/* A buffer too small gets a cut text: a prefix of the whole, terminated, never overrun. */
static void a_small_buffer_gets_a_prefix(void **state)
{
    (void)state;
    struct whb_metrics m;
    char whole[8192], part[600];
    memset(&m, 0, sizeof(m));
    atomic_store(&m.accepted, 77);
    size_t total = render(&m, 10, 2, 1, whole, sizeof(whole));
    assert_true(total > 1000);
    const size_t sizes[] = {1, 2, 100, 137, 599};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t len = sizes[i];
        memset(part, '#', sizeof(part));
        size_t n = render(&m, 10, 2, 1, part, len);
        assert_int_equal(n, len - 1);
        assert_int_equal(part[len - 1], '\0');
        assert_memory_equal(part, whole, n);
        if (len < sizeof(part))
            assert_int_equal(part[len], '#');
    }
    memset(part, '#', sizeof(part));
    assert_int_equal(render(&m, 10, 2, 1, part, 0), 0);
    assert_int_equal(part[0], '#');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_and_gauges_are_exposed),
        cmocka_unit_test(commits_fill_the_latency_histogram),
        cmocka_unit_test(the_largest_text_fits_the_handlers_buffer),
        cmocka_unit_test(a_small_buffer_gets_a_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
