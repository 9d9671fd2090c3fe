/* The agent's core: the spool (bounds, torn tails, corruption), the state differ, backoff, and
 * sequence numbers that survive restarts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#ifdef WHB_CURL_OPENSSL
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backoff.h"
#include "error.h"
#include "lldp_table.h"
#include "memory.h"
#include "persist.h"
#include "sender.h"
#include "spool.h"
#include "state.h"
#include "text.h"
#include "tmpdir.h"
#include "whb.pb-c.h"

static char dir[300], path[340];

static int setup(void **state)
{
    (void)state;
    if (test_tmpdir(dir, sizeof(dir)))
        return -1;
    snprintf(path, sizeof(path), "%s/spool", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_rmtree(dir);
}

static void make_event(whb_event *e, uint64_t seq, int kind)
{
    static char detail[64];
    whb__v1__event__init(e);
    e->seq = seq;
    e->at_ms = 1764000000000LL + (int64_t)seq;
    e->kind = kind;
    e->boot_id = "boot-a";
    snprintf(detail, sizeof(detail), "event %llu", (unsigned long long)seq);
    e->detail = detail;
}

static void append(struct whb_spool *sp, uint64_t seq, int kind, int expect)
{
    whb_event e;
    make_event(&e, seq, kind);
    assert_int_equal(whb_spool_append(sp, &e, 1), expect);
}

static void peek_seqs(struct whb_spool *sp, uint64_t *seqs, int *n)
{
    whb_event *evs[512];
    assert_int_equal(whb_spool_peek(sp, evs, 512, n), 0);
    for (int i = 0; i < *n; i++) {
        seqs[i] = evs[i]->seq;
        whb_wire_event_free(evs[i]);
    }
}

#define CARRIER   WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST
#define HEARTBEAT WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT

static void spool_keeps_order_and_drops_only_acked(void **state)
{
    (void)state;
    struct whb_spool *sp;
    uint64_t seqs[512];
    int n;
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    for (uint64_t s = 1; s <= 10; s++)
        append(sp, s, CARRIER, 0);
    assert_int_equal(whb_spool_drop(sp, 4), 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 6);
    assert_int_equal(seqs[0], 5);
    assert_int_equal(seqs[5], 10);
    whb_spool_close(sp);
    /* Reopened, the same six remain. */
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 6);
    assert_int_equal(whb_spool_drop(sp, 6), 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 0);
    whb_spool_close(sp);
}

static void torn_tail_is_cut_not_fatal(void **state)
{
    (void)state;
    struct whb_spool *sp;
    struct whb_spool_stats st;
    uint64_t seqs[512];
    int n;
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    for (uint64_t s = 1; s <= 3; s++)
        append(sp, s, CARRIER, 0);
    whb_spool_close(sp);
    /* Half a record at the end, as a crash mid-write leaves it. */
    FILE *f = fopen(path, "ab");
    assert_non_null(f);
    assert_int_equal(fwrite("\x20\x00\x00\x00\x12\x34", 1, 6, f), 6);
    fclose(f);
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    whb_spool_stats(sp, &st);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.truncated_bytes, 6);
    append(sp, 4, CARRIER, 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 4);
    assert_int_equal(seqs[3], 4);
    whb_spool_close(sp);
}

/* Flips one byte at offset off of the spool file. */
static void flip_byte(long off)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, off, SEEK_SET);
    int c = fgetc(f);
    fseek(f, off, SEEK_SET);
    fputc(c ^ 0x40, f);
    fclose(f);
}

static long file_size(void)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (long)st.st_size;
}

static void damaged_record_costs_only_itself(void **state)
{
    (void)state;
    struct whb_spool *sp;
    struct whb_spool_stats st;
    uint64_t seqs[512];
    int n;
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    for (uint64_t s = 1; s <= 5; s++)
        append(sp, s, CARRIER, 0);
    whb_spool_close(sp);
    long rec = file_size() / 5; /* the records are the same size */
    /* A payload byte of the second record: its CRC no longer matches. */
    flip_byte(rec + 10);
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    whb_spool_stats(sp, &st);
    assert_int_equal(st.records, 4);
    assert_int_equal(st.damaged, 1);
    assert_int_equal(st.damaged_bytes, rec);
    assert_int_equal(st.truncated_bytes, 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 4);
    assert_int_equal(seqs[0], 1);
    assert_int_equal(seqs[1], 3);
    assert_int_equal(seqs[3], 5);
    /* The file was rewritten without it: appends and drops line up again. */
    append(sp, 6, CARRIER, 0);
    assert_int_equal(whb_spool_drop(sp, 2), 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 3);
    assert_int_equal(seqs[0], 4);
    assert_int_equal(seqs[2], 6);
    whb_spool_close(sp);
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    whb_spool_stats(sp, &st);
    assert_int_equal(st.damaged, 0);
    assert_int_equal(st.records, 3);
    whb_spool_close(sp);

    /* A damaged length field (a huge record) in the middle: the same. */
    flip_byte(rec + 3);
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 2);
    assert_int_equal(seqs[0], 4);
    assert_int_equal(seqs[1], 6);
    whb_spool_close(sp);
}

static void resync_finds_every_good_frame(void **state)
{
    (void)state;
    uint8_t buf[600];
    whb_event e, *ev = NULL;
    size_t skipped = 0;
    make_event(&e, 7, CARRIER);
    size_t plen = whb__v1__event__get_packed_size(&e);
    /* Garbage, then one good frame written by the spool itself. */
    struct whb_spool *sp;
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    append(sp, 7, CARRIER, 0);
    whb_spool_close(sp);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    memset(buf, 0x20, 37);
    buf[0] = 0x10; /* a plausible length with a wrong CRC */
    size_t got = fread(buf + 37, 1, sizeof(buf) - 37, f);
    fclose(f);
    assert_int_equal(got, 8 + plen);
    size_t n = whb_spool_next_frame(buf, 37 + got, &skipped, &ev);
    assert_int_equal(n, 8 + plen);
    assert_int_equal(skipped, 37);
    assert_non_null(ev);
    assert_int_equal(ev->seq, 7);
    whb_wire_event_free(ev);
    assert_int_equal(whb_spool_next_frame(buf, 37, &skipped, &ev), 0);
    assert_int_equal(skipped, 37);
    assert_null(ev);
}

static void full_spool_drops_heartbeats_first_never_events(void **state)
{
    (void)state;
    struct whb_spool *sp;
    struct whb_spool_stats st;
    uint64_t seqs[512];
    int n;
    /* Room for about 40 records of ~40 bytes. */
    assert_int_equal(whb_spool_open(path, 1600, &sp), 0);
    append(sp, 1, CARRIER, 0);
    /* Far more heartbeats than fit: the oldest heartbeats make room, the event stays. */
    for (uint64_t s = 2; s < 300; s++)
        append(sp, s, HEARTBEAT, 0);
    whb_spool_stats(sp, &st);
    assert_true(st.bytes <= 1600);
    assert_true(st.dropped > 200);
    assert_true(st.routine > 10);
    unsigned heartbeats = st.routine;
    /* State changes still go in. */
    for (int i = 0; i < 5; i++)
        append(sp, 1000 + (uint64_t)i, CARRIER, 0);
    whb_spool_stats(sp, &st);
    assert_true(st.routine < heartbeats);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(seqs[0], 1); /* the first event survived */
    assert_int_equal(seqs[n - 1], 1004);
    /* Fill with events only: the spool refuses more rather than dropping an event. */
    int refused = 0;
    for (uint64_t k = 2000; k < 2100 && !refused; k++) {
        whb_event e;
        make_event(&e, k, CARRIER);
        refused = whb_spool_append(sp, &e, 0) == WHB_ETOOBIG;
    }
    assert_true(refused);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(seqs[0], 1);
    whb_spool_stats(sp, &st);
    assert_int_equal(st.routine, 0);
    whb_spool_close(sp);
}

static struct whb_state two_adapters(void)
{
    struct whb_state s;
    memset(&s, 0, sizeof(s));
    s.n_adapters = 2;
    snprintf(s.adapters[0].name, WHB_NAME_LEN, "eth0");
    s.adapters[0].type = WHB_ADAPTER_ETHERNET;
    s.adapters[0].admin_up = s.adapters[0].carrier = 1;
    snprintf(s.adapters[0].addrs[0], WHB_ADDR_LEN, "10.0.0.5/24");
    s.adapters[0].n_addrs = 1;
    snprintf(s.adapters[1].name, WHB_NAME_LEN, "wlan0");
    s.adapters[1].type = WHB_ADAPTER_WIRELESS;
    s.adapters[1].admin_up = s.adapters[1].carrier = 1;
    s.adapters[1].wifi.associated = 1;
    snprintf(s.adapters[1].wifi.ssid, sizeof(s.adapters[1].wifi.ssid), "Corp");
    snprintf(s.adapters[1].wifi.bssid, WHB_MAC_LEN, "a0:b1:c2:d3:e4:f5");
    return s;
}

static void differ_is_silent_when_nothing_changed(void **state)
{
    (void)state;
    struct whb_state a = two_adapters(), b = two_adapters();
    struct whb_agent_event evs[16];
    assert_int_equal(whb_state_diff(&a, &b, 1, evs, 16), 0);
}

static void differ_names_each_change(void **state)
{
    (void)state;
    struct whb_state a = two_adapters(), b = two_adapters();
    struct whb_agent_event evs[16];
    b.adapters[0].carrier = 0;
    b.adapters[0].counters.rx_crc_errors = 12;
    b.adapters[1].wifi.associated = 0;
    int n = whb_state_diff(&a, &b, 5, evs, 16);
    assert_int_equal(n, 3);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST);
    assert_string_equal(evs[0].adapter, "eth0");
    assert_int_equal(evs[0].at_ms, 5);
    assert_int_equal(evs[1].kind, WHB__V1__EVENT_KIND__EVENT_KIND_LINK_ERRORS);
    assert_non_null(strstr(evs[1].detail, "crc +12"));
    assert_int_equal(evs[2].kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED);

    /* Admin down: the carrier that goes with it is not a second cause. */
    b = two_adapters();
    b.adapters[0].admin_up = 0;
    b.adapters[0].carrier = 0;
    n = whb_state_diff(&a, &b, 5, evs, 16);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_DOWN);

    /* Moved: another network and another switch port. */
    b = two_adapters();
    snprintf(b.adapters[0].addrs[0], WHB_ADDR_LEN, "10.9.0.5/24");
    snprintf(b.adapters[0].lldp.chassis_id, WHB_TEXT_LEN, "00:11:22:33:44:55");
    snprintf(b.adapters[0].lldp.port_id, WHB_TEXT_LEN, "swp9");
    n = whb_state_diff(&a, &b, 5, evs, 16);
    assert_int_equal(n, 2);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED);
    assert_int_equal(evs[1].kind, WHB__V1__EVENT_KIND__EVENT_KIND_LLDP_CHANGED);
    assert_non_null(strstr(evs[1].detail, "port swp9"));

    /* Adapters that come and go. */
    b = two_adapters();
    b.n_adapters = 1;
    n = whb_state_diff(&a, &b, 5, evs, 16);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_ADAPTER_REMOVED);
    n = whb_state_diff(&b, &a, 5, evs, 16);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_ADAPTER_ADDED);
    /* The output bound holds. */
    b = two_adapters();
    b.adapters[0].carrier = 0;
    b.adapters[1].wifi.associated = 0;
    assert_int_equal(whb_state_diff(&a, &b, 5, evs, 1), 1);
}

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

static void sequence_survives_restart_in_the_same_boot(void **state)
{
    (void)state;
    struct whb_persist *p;
    struct whb_previous_run prev;
    assert_int_equal(whb_persist_open(dir, "boot-a", 1000, &p, &prev), 0);
    assert_false(prev.unclean);
    uint64_t last = 0;
    for (int i = 0; i < 1500; i++)
        last = whb_persist_next_seq(p);
    assert_int_equal(last, 1500);
    whb_persist_alive(p, 2000);
    whb_persist_close(p); /* no clean stop: as if killed */

    assert_int_equal(whb_persist_open(dir, "boot-a", 3000, &p, &prev), 0);
    assert_true(prev.unclean);
    assert_true(prev.same_boot);
    assert_int_equal(prev.last_alive_ms, 2000);
    assert_true(whb_persist_next_seq(p) > last);
    whb_persist_stopped(p, 4000);
    whb_persist_close(p);

    /* A new boot starts at 1 and the clean stop is remembered. */
    assert_int_equal(whb_persist_open(dir, "boot-b", 5000, &p, &prev), 0);
    assert_false(prev.unclean);
    assert_false(prev.same_boot);
    assert_int_equal(whb_persist_next_seq(p), 1);
    whb_persist_close(p);
}

static void machine_key_is_stable_and_private(void **state)
{
    (void)state;
    char a[65], b[65], p[400];
    assert_int_equal(whb_persist_key(dir, a), 0);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(whb_persist_key(dir, b), 0);
    assert_string_equal(a, b);
    snprintf(p, sizeof(p), "%s/key", dir);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
#ifndef _WIN32
    /* On Windows the file's ACL (SYSTEM and Administrators only) does this job. */
    assert_int_equal(st.st_mode & 077, 0);
#endif
}

static void key_file(const char *content)
{
    char p[400];
    snprintf(p, sizeof(p), "%s/key", dir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void corrupt_key_is_refused_not_replaced(void **state)
{
    (void)state;
    char hex[65], p[400], back[128];
    /* Non-hex (it used to be sent as is), short (it used to be replaced). */
    const char *bad[] = {"zz3456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
                         "0123abcd", "",
                         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        key_file(bad[i]);
        assert_int_equal(whb_persist_key(dir, hex), WHB_ECORRUPT);
        snprintf(p, sizeof(p), "%s/key", dir);
        FILE *f = fopen(p, "rb");
        assert_non_null(f);
        size_t n = fread(back, 1, sizeof(back) - 1, f);
        fclose(f);
        back[n] = '\0';
        assert_string_equal(back, bad[i]); /* left for the admin */
    }
    /* An admin's copy with a line break and capitals is the same key. */
    key_file("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n");
    assert_int_equal(whb_persist_key(dir, hex), 0);
    assert_string_equal(hex, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void enrollment_can_be_forgotten(void **state)
{
    (void)state;
    assert_false(whb_persist_enrolled(dir));
    assert_int_equal(whb_persist_set_enrolled(dir, 0), 0);
    assert_int_equal(whb_persist_set_enrolled(dir, 1), 0);
    assert_true(whb_persist_enrolled(dir));
    assert_int_equal(whb_persist_set_enrolled(dir, 0), 0);
    assert_false(whb_persist_enrolled(dir));
}

static void collector_interval_survives_restart(void **state)
{
    (void)state;
    char p[400];
    assert_int_equal(whb_persist_interval(dir), 0); /* never asked: the configured one */
    assert_int_equal(whb_persist_set_interval(dir, 10), 0);
    assert_int_equal(whb_persist_interval(dir), 10);
    assert_int_equal(whb_persist_set_interval(dir, 86400), 0);
    assert_int_equal(whb_persist_interval(dir), 86400);
    /* A damaged file is ignored, not trusted. */
    snprintf(p, sizeof(p), "%s/interval", dir);
    const char *bad[] = {"0\n", "86401\n", "12x\n", "", "-5\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        fputs(bad[i], f);
        fclose(f);
        assert_int_equal(whb_persist_interval(dir), 0);
    }
}

/* OpenSSL's error strings stay loaded after the agent's memory set-up: a TLS failure in the
 * agent's log names its reason ("wrong version number"), not "reason(267)". */
static void openssl_errors_keep_their_text(void **state)
{
    (void)state;
    whb_memory_init();
#ifdef WHB_CURL_OPENSSL
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    assert_non_null(ctx);
    SSL_CTX_free(ctx);
    const char *why = ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER));
    assert_non_null(why);
    assert_string_equal(why, "wrong version number");
#endif
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

static void text_is_cleaned_for_events(void **state)
{
    (void)state;
    char out[32];
    whb_text_clean(out, sizeof(out), "a\tb\r\nc\x01\x7f", 64);
    assert_string_equal(out, "a b  c??");
    /* Invalid UTF-8, a C1 control (U+0085), a bidi override (U+202E), overlong '/'. */
    whb_text_clean(out, sizeof(out), "\xff\xc2\x85x\xe2\x80\xaey\xc0\xaf", 64);
    assert_string_equal(out, "??x?y??");
    /* Good UTF-8 stays. */
    whb_text_clean(out, sizeof(out), "Zürich €", 64);
    assert_string_equal(out, "Zürich €");
    /* Bounded, and never cut inside a character. */
    whb_text_clean(out, 6, "abcd\xe2\x82\xac", 64);
    assert_string_equal(out, "abcd");
    assert_int_equal(whb_text_clean(out, sizeof(out), "abc", 2), 2);
    assert_string_equal(out, "ab");
    /* A truncated sequence at the end of the input. */
    whb_text_clean(out, sizeof(out), "ok\xe2\x82", 64);
    assert_string_equal(out, "ok??");
    /* Whatever comes in, what comes out is valid event text. */
    char junk[200];
    unsigned x = 12345;
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof(junk) - 1; i++) {
            x = x * 1103515245u + 12345u;
            junk[i] = (char)(x >> 16);
        }
        junk[sizeof(junk) - 1] = '\0';
        char clean[WHB_WIRE_MAX_TEXT];
        whb_text_clean(clean, sizeof(clean), junk, sizeof(junk));
        assert_true(whb_wire_text_ok(clean, WHB_WIRE_MAX_TEXT));
    }
}

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
    ack_with("boot-a", 13, &r);
    assert_int_equal(r.outcome, WHB_SENT_NOT_AN_ACK);
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

static void lldp_neighbour_goes_with_the_link(void **state)
{
    (void)state;
    struct whb_lldp_table t;
    struct whb_lldp sw_a = {0}, sw_b = {0}, out;
    memset(&t, 0, sizeof(t));
    snprintf(sw_a.chassis_id, sizeof(sw_a.chassis_id), "00:00:00:00:00:0a");
    snprintf(sw_a.port_id, sizeof(sw_a.port_id), "swp1");
    snprintf(sw_b.chassis_id, sizeof(sw_b.chassis_id), "00:00:00:00:00:0b");
    snprintf(sw_b.port_id, sizeof(sw_b.port_id), "swp7");

    assert_int_equal(whb_lldp_table_put(&t, 2, &sw_a, 100, 150), 1);
    whb_lldp_table_get(&t, 2, 1, 4, 101, &out);
    assert_string_equal(out.port_id, "swp1");
    whb_lldp_table_get(&t, 2, 1, 4, 140, &out);
    assert_string_equal(out.port_id, "swp1");
    /* Cable out: forgotten at once, so the link that comes up next (perhaps on another
     * switch) reports no switch until that switch speaks. */
    whb_lldp_table_get(&t, 2, 0, 5, 141, &out);
    assert_string_equal(out.chassis_id, "");
    whb_lldp_table_get(&t, 2, 1, 6, 142, &out);
    assert_string_equal(out.chassis_id, "");
    assert_int_equal(whb_lldp_table_put(&t, 2, &sw_b, 143, 150), 1);
    whb_lldp_table_get(&t, 2, 1, 6, 143, &out);
    assert_string_equal(out.port_id, "swp7");
    /* Down and up between two looks: the carrier counter moved, the old frame goes. */
    whb_lldp_table_get(&t, 2, 1, 8, 150, &out);
    assert_string_equal(out.chassis_id, "");
    /* Hold time. */
    whb_lldp_table_put(&t, 3, &sw_a, 200, 150);
    whb_lldp_table_get(&t, 3, 1, 0, 349, &out);
    assert_string_equal(out.port_id, "swp1");
    whb_lldp_table_get(&t, 3, 1, 0, 351, &out);
    assert_string_equal(out.port_id, "");
    /* A resume forgets everything. */
    whb_lldp_table_put(&t, 4, &sw_b, 400, 150);
    whb_lldp_table_forget_all(&t);
    whb_lldp_table_get(&t, 4, 1, 0, 401, &out);
    assert_string_equal(out.port_id, "");
}

/* Names from the OS and from switches go out as they are only when the collector would take
 * them: a renamed adapter with a bidi override must not silence the machine (every report
 * refused with 400). */
static void state_texts_are_made_sendable(void **state)
{
    (void)state;
    struct whb_state s;
    memset(&s, 0, sizeof(s));
    s.n_adapters = 1;
    snprintf(s.adapters[0].name, sizeof(s.adapters[0].name),
             "LAN \xe2\x80\xae"
             "1");
    snprintf(s.adapters[0].wifi.ssid, sizeof(s.adapters[0].wifi.ssid), "Corp\xc2\x85");
    snprintf(s.adapters[0].lldp.system_name, sizeof(s.adapters[0].lldp.system_name),
             "sw\x1b"
             "[31m-1\xff");
    whb_state_clean(&s);
    assert_string_equal(s.adapters[0].name, "LAN ?1");
    assert_string_equal(s.adapters[0].wifi.ssid, "Corp?");
    assert_null(strchr(s.adapters[0].lldp.system_name, 0x1b));
    assert_null(strchr(s.adapters[0].lldp.system_name, (char)0xff));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openssl_errors_keep_their_text),
        cmocka_unit_test(state_texts_are_made_sendable),
        cmocka_unit_test_setup_teardown(spool_keeps_order_and_drops_only_acked, setup, teardown),
        cmocka_unit_test_setup_teardown(torn_tail_is_cut_not_fatal, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_record_costs_only_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(resync_finds_every_good_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(full_spool_drops_heartbeats_first_never_events, setup,
                                        teardown),
        cmocka_unit_test(differ_is_silent_when_nothing_changed),
        cmocka_unit_test(differ_names_each_change),
        cmocka_unit_test(backoff_grows_with_jitter_and_caps),
        cmocka_unit_test(backoff_is_bounded_by_the_interval),
        cmocka_unit_test_setup_teardown(sequence_survives_restart_in_the_same_boot, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(machine_key_is_stable_and_private, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_key_is_refused_not_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(enrollment_can_be_forgotten, setup, teardown),
        cmocka_unit_test_setup_teardown(collector_interval_survives_restart, setup, teardown),
        cmocka_unit_test(revocation_is_best_effort_on_windows),
        cmocka_unit_test(text_is_cleaned_for_events),
        cmocka_unit_test(only_a_real_ack_is_an_ack),
        cmocka_unit_test(lldp_neighbour_goes_with_the_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
