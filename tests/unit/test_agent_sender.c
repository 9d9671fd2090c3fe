/* The agent's sender (client/sender.c): only a real ack is an ack, the collector's 403 causes
 * are told apart, error bodies are kept as clean text, and revocation is checked best-effort on
 * Windows. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "sender.h"
#include "wire.h"
#include "whb.pb-c.h"

static void judge(long status, const void *body, size_t len, struct whb_send_result *r)
{
    struct whb_ack_expect want = {.boot_id = "boot-a", .min_seq = 10, .max_seq = 12};
    memset(r, 0, sizeof(*r));
    whb_sender_judge(status, body, len, &want, r);
}

static void ack_with(const char *boot, uint64_t seq, struct whb_send_result *r)
{
    whb_ack ack = WHB__V1__ACK__INIT;
    size_t n;
    ack.boot_id = (char *)boot;
    ack.acked_seq = seq;
    ack.interval_s = 30;
    uint8_t *buf = whb_wire_ack_pack(&ack, &n);
    assert_non_null(buf);
    judge(200, buf, n, r);
    free(buf);
}

/* Schannel fails every handshake when the CRL or OCSP responder cannot be reached (isolated
 * networks): on Windows revocation is checked best-effort, and never switched off. */
static void revocation_is_best_effort_on_windows(void **state)
{
    (void)state;
    long opts = whb_sender_ssl_options();
    assert_int_equal(opts & CURLSSLOPT_NO_REVOKE, 0);
#ifdef _WIN32
    assert_int_equal(opts & CURLSSLOPT_REVOKE_BEST_EFFORT, CURLSSLOPT_REVOKE_BEST_EFFORT);
    /* The libcurl linked in knows the option (7.70 and later): it is not silently ignored. */
    CURL *h = curl_easy_init();
    assert_non_null(h);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_SSL_OPTIONS, opts), CURLE_OK);
    curl_easy_cleanup(h);
    assert_true(curl_version_info(CURLVERSION_NOW)->version_num >= 0x074600);
#else
    assert_int_equal(opts, 0);
#endif
}

static void only_a_real_ack_is_an_ack(void **state)
{
    (void)state;
    struct whb_send_result r;
    /* A 200 with an empty body (a proxy, a captive portal, a stub) is not an ack. */
    judge(200, "", 0, &r);
    assert_false(r.ok);
    assert_int_equal(r.outcome, WHB_SENT_NOT_AN_ACK);
    judge(200, "<html>", 6, &r);
    assert_int_equal(r.outcome, WHB_SENT_NOT_AN_ACK);
    /* Another boot, or a sequence this report cannot have caused. */
    ack_with("boot-b", 11, &r);
    assert_int_equal(r.outcome, WHB_SENT_NOT_AN_ACK);
    ack_with("boot-a", 9, &r);
    assert_int_equal(r.outcome, WHB_SENT_NOT_AN_ACK);
    ack_with("boot-a", 13, &r); /* above ours: see the run file lost, below */
    assert_false(r.ok);
    assert_true(whb_wire_text_ok(r.error, WHB_WIRE_MAX_TEXT));
    ack_with("boot-a", 10, &r);
    assert_true(r.ok);
    assert_int_equal(r.outcome, WHB_SENT_ACKED);
    assert_int_equal(r.interval_s, 30);
    ack_with("boot-a", 12, &r);
    assert_true(r.ok);
    /* The collector's 403 causes. */
    judge(403, "not_enrolled: forbidden\n", 24, &r);
    assert_int_equal(r.outcome, WHB_SENT_NOT_ENROLLED);
    judge(403, "key_mismatch: forbidden\n", 24, &r);
    assert_int_equal(r.outcome, WHB_SENT_KEY_MISMATCH);
    judge(403, "forbidden: this machine is bound to another identity\n", 53, &r);
    assert_int_equal(r.outcome, WHB_SENT_DENIED);
    judge(403, "not_enrolled", 12, &r); /* no text after it: not the collector's format */
    assert_int_equal(r.outcome, WHB_SENT_DENIED);
    /* An error body is kept as clean text, first line only. */
    judge(500, "bad\tthing \xff\nsecond line", 23, &r);
    assert_int_equal(r.outcome, WHB_SENT_FAILED);
    assert_string_equal(r.error, "HTTP 500: bad thing ?");
}

/* An agent whose run file was lost (a reinstall, a cleanup) and restarted in the same boot
 * numbers from 1 again: the collector takes each report for a resend and answers with the
 * highest seq it stored of this boot. That is the collector telling the agent to number above
 * it (else every event is dropped as already stored), not a proxy's answer. */
static void an_ack_above_our_numbers_says_the_run_file_was_lost(void **state)
{
    (void)state;
    struct whb_send_result r;
    ack_with("boot-a", 512, &r);
    assert_false(r.ok);
    assert_int_equal(r.outcome, WHB_SENT_SEQ_BEHIND);
    assert_int_equal(r.acked_seq, 512);
    assert_true(whb_wire_text_ok(r.error, WHB_WIRE_MAX_TEXT));
    /* Another boot's high number is still not an ack. */
    ack_with("boot-b", 512, &r);
    assert_int_equal(r.outcome, WHB_SENT_NOT_AN_ACK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(revocation_is_best_effort_on_windows),
        cmocka_unit_test(an_ack_above_our_numbers_says_the_run_file_was_lost),
        cmocka_unit_test(only_a_real_ack_is_an_ack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
