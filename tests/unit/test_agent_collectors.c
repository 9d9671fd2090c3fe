/* Failover between collectors: the list from collector_url, collector_urls and repeated flags,
 * which answers move the agent on, when it moves, and how it comes back to the first one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors.h"
#include "encode.h"
#include "settings.h"

#define A "https://a.corp.example:8443/v1/report"
#define B "https://b.corp.example:8443/v1/report"
#define C "https://c.corp.example:8443/v1/report"

static void parse3(struct whb_collectors *c, unsigned failback_s)
{
    char why[256];
    assert_int_equal(whb_collectors_parse(c, A, B " " C, failback_s, why, sizeof(why)), 0);
    assert_int_equal(c->n, 3);
}

static void list_in_order_without_duplicates(void **state)
{
    (void)state;
    struct whb_collectors c;
    char why[256];
    /* Spaces, commas and line breaks between; the first of collector_url stays first. */
    assert_int_equal(whb_collectors_parse(&c, A, " " B ",  " C ",\n" A " " B, 60, why, sizeof(why)),
                     0);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.url[0], A);
    assert_string_equal(c.url[1], B);
    assert_string_equal(c.url[2], C);
    assert_int_equal(c.current, 0);
    assert_int_equal(c.failback_ms, 60000);
    /* collector_urls alone is enough. */
    assert_int_equal(whb_collectors_parse(&c, "", B "," C, 60, why, sizeof(why)), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.url[0], B);
    /* The old single setting still works alone. */
    assert_int_equal(whb_collectors_parse(&c, A, "", 60, why, sizeof(why)), 0);
    assert_int_equal(c.n, 1);
}

static void bad_lists_are_refused_with_a_cause(void **state)
{
    (void)state;
    struct whb_collectors c;
    char why[256], many[1024] = "", big[700];
    assert_int_not_equal(whb_collectors_parse(&c, "", " , ", 60, why, sizeof(why)), 0);
    assert_non_null(strstr(why, "no collector URL"));
    assert_int_not_equal(whb_collectors_parse(&c, A, "b.corp.example:8443", 60, why, sizeof(why)),
                         0);
    assert_non_null(strstr(why, "'b.corp.example:8443' is not an https://"));
    for (int i = 0; i < WHB_MAX_COLLECTORS + 1; i++) {
        char one[64];
        snprintf(one, sizeof(one), "https://c%d.corp.example/v1/report ", i);
        strcat(many, one);
    }
    assert_int_not_equal(whb_collectors_parse(&c, "", many, 60, why, sizeof(why)), 0);
    assert_non_null(strstr(why, "more than 8"));
    memset(big, 'x', sizeof(big) - 1);
    memcpy(big, "https://", 8);
    big[sizeof(big) - 1] = '\0';
    assert_int_not_equal(whb_collectors_parse(&c, big, "", 60, why, sizeof(why)), 0);
    assert_non_null(strstr(why, "too long"));
}

static void only_silence_moves_the_agent(void **state)
{
    (void)state;
    /* Answers from the collector itself: refusals are the same anywhere, so it stays. */
    assert_int_equal(whb_collectors_judge(WHB_SENT_ACKED, 200), WHB_COLLECTOR_ANSWERED);
    assert_int_equal(whb_collectors_judge(WHB_SENT_NOT_ENROLLED, 403), WHB_COLLECTOR_ANSWERED);
    assert_int_equal(whb_collectors_judge(WHB_SENT_KEY_MISMATCH, 403), WHB_COLLECTOR_ANSWERED);
    assert_int_equal(whb_collectors_judge(WHB_SENT_DENIED, 403), WHB_COLLECTOR_ANSWERED);
    assert_int_equal(whb_collectors_judge(WHB_SENT_FAILED, 400), WHB_COLLECTOR_ANSWERED);
    assert_int_equal(whb_collectors_judge(WHB_SENT_FAILED, 413), WHB_COLLECTOR_ANSWERED);
    /* No answer, a failing or overloaded collector, something else answering. */
    assert_int_equal(whb_collectors_judge(WHB_SENT_FAILED, 0), WHB_COLLECTOR_DOWN);
    assert_int_equal(whb_collectors_judge(WHB_SENT_FAILED, 500), WHB_COLLECTOR_DOWN);
    assert_int_equal(whb_collectors_judge(WHB_SENT_FAILED, 502), WHB_COLLECTOR_DOWN);
    assert_int_equal(whb_collectors_judge(WHB_SENT_FAILED, 503), WHB_COLLECTOR_DOWN);
    assert_int_equal(whb_collectors_judge(WHB_SENT_FAILED, 404), WHB_COLLECTOR_DOWN);
    assert_int_equal(whb_collectors_judge(WHB_SENT_FAILED, 429), WHB_COLLECTOR_DOWN);
    assert_int_equal(whb_collectors_judge(WHB_SENT_NOT_AN_ACK, 200), WHB_COLLECTOR_DOWN);
    /* Abandoned for a power event: says nothing about the collector. */
    assert_int_equal(whb_collectors_judge(WHB_SENT_INTERRUPTED, 0), WHB_COLLECTOR_UNKNOWN);
}

static void moves_on_after_failures_in_a_row(void **state)
{
    (void)state;
    struct whb_collectors c;
    int fb;
    parse3(&c, 300);
    /* Failures that an answer interrupts do not add up. */
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < WHB_COLLECTOR_FAILURES - 1; i++)
            assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 1000),
                             WHB_COLLECTOR_STAYED);
        assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_ANSWERED, 1000),
                         WHB_COLLECTOR_STAYED);
        /* A refusal or an interrupted send is no failure either. */
        assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_UNKNOWN, 1000),
                         WHB_COLLECTOR_STAYED);
    }
    assert_int_equal(c.current, 0);
    for (int i = 0; i < WHB_COLLECTOR_FAILURES - 1; i++)
        assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 2000),
                         WHB_COLLECTOR_STAYED);
    assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 2000),
                     WHB_COLLECTOR_SWITCHED);
    assert_int_equal(c.current, 1);
    assert_int_equal(whb_collectors_pick(&c, 2001, &fb), 1);
    assert_int_equal(fb, 0);
    /* B dies too: on to C, then round to A, which is then simply the current one. */
    for (int i = 0; i < WHB_COLLECTOR_FAILURES; i++)
        whb_collectors_record(&c, 1, WHB_COLLECTOR_DOWN, 3000);
    assert_int_equal(c.current, 2);
    for (int i = 0; i < WHB_COLLECTOR_FAILURES; i++)
        whb_collectors_record(&c, 2, WHB_COLLECTOR_DOWN, 4000);
    assert_int_equal(c.current, 0);
    assert_int_equal(c.failback_at, 0);
    assert_int_equal(whb_collectors_pick(&c, 10000000, &fb), 0);
    assert_int_equal(fb, 0);
}

static void single_collector_never_moves(void **state)
{
    (void)state;
    struct whb_collectors c;
    char why[256];
    int fb;
    assert_int_equal(whb_collectors_parse(&c, A, "", 300, why, sizeof(why)), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, (uint64_t)i * 1000),
                         WHB_COLLECTOR_STAYED);
    assert_int_equal(whb_collectors_pick(&c, 1000000, &fb), 0);
    assert_int_equal(fb, 0);
}

static void comes_back_to_the_first(void **state)
{
    (void)state;
    struct whb_collectors c;
    int fb;
    parse3(&c, 300);
    for (int i = 0; i < WHB_COLLECTOR_FAILURES; i++)
        whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 10000);
    assert_int_equal(c.current, 1);
    /* Before the failback time, everything goes to B. */
    assert_int_equal(whb_collectors_pick(&c, 10000 + 299999, &fb), 1);
    assert_int_equal(fb, 0);
    /* Then A is tried; still down: B keeps the reports, A is tried again later, and A's
     * failures do not count against B. */
    assert_int_equal(whb_collectors_pick(&c, 310000, &fb), 0);
    assert_int_equal(fb, 1);
    assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 310000),
                     WHB_COLLECTOR_STAYED);
    assert_int_equal(c.current, 1);
    assert_int_equal(c.failures, 0);
    assert_int_equal(whb_collectors_pick(&c, 310001, &fb), 1);
    assert_int_equal(fb, 0);
    assert_int_equal(whb_collectors_pick(&c, 610000, &fb), 0);
    assert_int_equal(fb, 1);
    /* A answers (even a refusal is an answer): back on A, nothing more to try. */
    assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_ANSWERED, 610000),
                     WHB_COLLECTOR_RETURNED);
    assert_int_equal(c.current, 0);
    assert_int_equal(whb_collectors_pick(&c, 99999999, &fb), 0);
    assert_int_equal(fb, 0);
    /* An answer to an abandoned failback try says nothing. */
    for (int i = 0; i < WHB_COLLECTOR_FAILURES; i++)
        whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 700000);
    assert_int_equal(whb_collectors_pick(&c, 1000000, &fb), 0);
    assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_UNKNOWN, 1000000),
                     WHB_COLLECTOR_STAYED);
    assert_int_equal(c.current, 1);
    assert_int_equal(whb_collectors_pick(&c, 1000001, &fb), 0);
    assert_int_equal(fb, 1);
}

/* A and B down, C in use: at failback time A is tried first, then B; B answers and takes the
 * reports (the agent does not wait for A to come back). Later A is tried again, and only A:
 * when it answers the agent is home. */
static void comes_back_to_any_earlier_one(void **state)
{
    (void)state;
    struct whb_collectors c;
    int fb;
    parse3(&c, 300);
    for (int i = 0; i < WHB_COLLECTOR_FAILURES; i++)
        whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 1000);
    for (int i = 0; i < WHB_COLLECTOR_FAILURES; i++)
        whb_collectors_record(&c, 1, WHB_COLLECTOR_DOWN, 2000);
    assert_int_equal(c.current, 2);
    assert_int_equal(whb_collectors_pick(&c, 2000 + 299999, &fb), 2);
    assert_int_equal(fb, 0);
    /* Failback time: A, still down; then B, still down; then C takes the report. */
    assert_int_equal(whb_collectors_pick(&c, 302000, &fb), 0);
    assert_int_equal(fb, 1);
    assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 302000),
                     WHB_COLLECTOR_STAYED);
    assert_int_equal(whb_collectors_after(&c, 0), 1);
    assert_int_equal(whb_collectors_record(&c, 1, WHB_COLLECTOR_DOWN, 302000),
                     WHB_COLLECTOR_STAYED);
    assert_int_equal(whb_collectors_after(&c, 1), 2);
    assert_int_equal(whb_collectors_record(&c, 2, WHB_COLLECTOR_ANSWERED, 302000),
                     WHB_COLLECTOR_STAYED);
    assert_int_equal(c.current, 2);
    assert_int_equal(c.failures, 0);
    /* Next failback: A still down, B back: the agent returns to B. */
    assert_int_equal(whb_collectors_pick(&c, 302001, &fb), 2);
    assert_int_equal(whb_collectors_pick(&c, 602000, &fb), 0);
    assert_int_equal(fb, 1);
    assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_DOWN, 602000),
                     WHB_COLLECTOR_STAYED);
    assert_int_equal(whb_collectors_after(&c, 0), 1);
    assert_int_equal(whb_collectors_record(&c, 1, WHB_COLLECTOR_ANSWERED, 602000),
                     WHB_COLLECTOR_RETURNED);
    assert_int_equal(c.current, 1);
    /* On B: A alone is tried again at the next failback time, and B is what is after it. */
    assert_int_equal(whb_collectors_pick(&c, 602001, &fb), 1);
    assert_int_equal(fb, 0);
    assert_int_equal(whb_collectors_pick(&c, 902000, &fb), 0);
    assert_int_equal(fb, 1);
    assert_int_equal(whb_collectors_after(&c, 0), 1);
    /* A later collector answering a stray report changes nothing. */
    assert_int_equal(whb_collectors_record(&c, 2, WHB_COLLECTOR_ANSWERED, 902000),
                     WHB_COLLECTOR_STAYED);
    assert_int_equal(c.current, 1);
    assert_int_equal(whb_collectors_record(&c, 0, WHB_COLLECTOR_ANSWERED, 902000),
                     WHB_COLLECTOR_RETURNED);
    assert_int_equal(c.current, 0);
    assert_int_equal(c.failback_at, 0);
    assert_int_equal(whb_collectors_pick(&c, 99999999, &fb), 0);
    assert_int_equal(fb, 0);
}

/* Each report names the collector it goes to and its place in the list, without the user
 * information a URL may carry. */
static void reports_name_their_collector(void **state)
{
    (void)state;
    char out[WHB_WIRE_MAX_URL + 1];
    whb_encode_public_url("https://agent:s3cret@b.corp.example:8443/v1/report", out, sizeof(out));
    assert_string_equal(out, "https://b.corp.example:8443/v1/report");
    whb_encode_public_url("https://a:b@c@b.corp.example/v1/report?x=y@z", out, sizeof(out));
    assert_string_equal(out, "https://b.corp.example/v1/report?x=y@z");
    whb_encode_public_url(B, out, sizeof(out));
    assert_string_equal(out, B);
    whb_encode_public_url("https://b.corp.example/\001bad", out, sizeof(out));
    assert_true(whb_wire_text_ok(out, WHB_WIRE_MAX_URL));

    struct whb_identity id = {.machine_id = "m-1", .boot_id = "b-1", .fqdn = "pc-1.corp.example"};
    struct whb_report_input in = {.id = &id,
                                  .seq = 1,
                                  .sent_at_ms = 1700000000000,
                                  .interval_s = 60,
                                  .collector_url = "https://u:p@b.corp.example:8443/v1/report",
                                  .collector_rank = 1};
    uint8_t *buf = NULL;
    size_t len = 0;
    char why[256];
    assert_int_equal(whb_encode_report(&in, &buf, &len), 0);
    whb_report *r = NULL;
    assert_int_equal(whb_wire_report_unpack(buf, len, &r, why, sizeof(why)), 0);
    assert_string_equal(r->collector_url, B);
    assert_int_equal(r->collector_rank, 1);
    whb_wire_report_free(r);
    free(buf);
}

static void repeated_flags_make_a_list(void **state)
{
    (void)state;
    struct whb_agent_config cfg;
    char why[256];
    const struct whb_setting *urls = whb_setting_find("collector_urls");
    whb_settings_defaults(&cfg);
    assert_non_null(urls);
    assert_int_equal(cfg.collector_failback_s, 300);
    assert_int_equal(whb_setting_append(&cfg, urls, B, why, sizeof(why)), 0);
    assert_int_equal(whb_setting_append(&cfg, urls, C, why, sizeof(why)), 0);
    assert_string_equal(cfg.collector_urls, B " " C);
    /* Bounded: a list that does not fit is refused, the old value kept. */
    char big[2000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_not_equal(whb_setting_append(&cfg, urls, big, why, sizeof(why)), 0);
    assert_non_null(strstr(why, "too long"));
    assert_string_equal(cfg.collector_urls, B " " C);
    assert_int_not_equal(
        whb_setting_set(&cfg, whb_setting_find("collector_failback"), "1", why, sizeof(why)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_in_order_without_duplicates),
        cmocka_unit_test(bad_lists_are_refused_with_a_cause),
        cmocka_unit_test(only_silence_moves_the_agent),
        cmocka_unit_test(moves_on_after_failures_in_a_row),
        cmocka_unit_test(single_collector_never_moves),
        cmocka_unit_test(comes_back_to_the_first),
        cmocka_unit_test(comes_back_to_any_earlier_one),
        cmocka_unit_test(reports_name_their_collector),
        cmocka_unit_test(repeated_flags_make_a_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
