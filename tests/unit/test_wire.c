/* Report decoding and validation: what the collector accepts and the one-line causes of what
 * it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hexfile.h"
#include "sample.h"
#include "wire.h"

static int unpack_sample(struct sample *s, char *why, size_t whylen)
{
    size_t len;
    uint8_t *buf = sample_pack(s, &len);
    whb_report *r = NULL;
    int rc = whb_wire_report_unpack(buf, len, &r, why, whylen);
    whb_wire_report_free(r);
    free(buf);
    return rc;
}

static void valid_report_round_trips(void **state)
{
    (void)state;
    struct sample *s = sample_new(42, 7, 3);
    size_t len;
    uint8_t *buf = sample_pack(s, &len);
    whb_report *r = NULL;
    char why[128] = "";
    assert_int_equal(whb_wire_report_unpack(buf, len, &r, why, sizeof(why)), 0);
    assert_string_equal(r->machine->fqdn, "pc-42.corp.example");
    assert_int_equal(r->seq, 7);
    assert_int_equal(r->n_events, 3);
    assert_int_equal(r->events[0]->kind, WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST);
    assert_string_equal(r->snapshot->adapters[0]->lldp->port_id, "Gi1/0/43");
    whb_wire_report_free(r);
    free(buf);
    sample_free(s);
}

static void garbage_is_refused(void **state)
{
    (void)state;
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};
    whb_report *r = (whb_report *)0x1;
    char why[128];
    assert_int_equal(whb_wire_report_unpack(junk, sizeof(junk), &r, why, sizeof(why)), WHB_EPROTO);
    assert_null(r);
    assert_string_equal(why, "Report field 536870911: an unsupported wire type");
    static const uint8_t bad_string[] = {0x1a, 0x02, 0xff};
    assert_int_equal(whb_wire_report_unpack(bad_string, sizeof(bad_string), &r, why, sizeof(why)),
                     WHB_EPROTO);
    assert_string_equal(why, "Report field 3: length beyond the body");
    assert_int_equal(whb_wire_report_unpack(junk, 0, &r, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "empty body");
}

static void missing_fields_are_named(void **state)
{
    (void)state;
    char why[128];
    struct sample *s = sample_new(1, 1, 0);

    s->report.seq = 0;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "seq missing");
    s->report.seq = 1;

    s->machine.fqdn = "";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "fqdn missing or malformed");
    s->machine.fqdn = "pc 1;drop";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    s->machine.fqdn = s->fqdn;

    s->report.machine = NULL;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "machine missing");
    s->report.machine = &s->machine;

    s->report.interval_s = 0;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    s->report.interval_s = 60;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);
    sample_free(s);
}

static void bad_text_is_refused(void **state)
{
    (void)state;
    char why[128];
    struct sample *s = sample_new(1, 1, 1);
    s->adapter.name = "eth\n0";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "adapter name contains a control or bidi override character");
    s->adapter.name = "eth0";
    s->events[0].detail = "\xc0\xaf overlong";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    s->events[0].detail = "Ethernet \xe2\x80\x94 ok";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);
    sample_free(s);
}

/* The collector a report names: clean text up to WHB_WIRE_MAX_URL bytes, a rank up to 63. */
static void collector_named_in_bounds(void **state)
{
    (void)state;
    char why[128], big[WHB_WIRE_MAX_URL + 2];
    struct sample *s = sample_new(1, 1, 1);
    s->report.collector_url = "https://whb-b.corp.example:8443/v1/report";
    s->report.collector_rank = 1;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);
    s->report.collector_url = "https://whb-b.corp.example\r\nX: y";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "collector_url longer than 511 bytes or not clean text");
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    s->report.collector_url = big;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    big[WHB_WIRE_MAX_URL] = '\0';
    assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);
    s->report.collector_rank = WHB_WIRE_MAX_RANK + 1;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "collector_rank 64 out of range 0..63");
    sample_free(s);
}

static void text_check_bounds(void **state)
{
    (void)state;
    char big[WHB_WIRE_MAX_TEXT + 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_false(whb_wire_text_ok(big, WHB_WIRE_MAX_TEXT));
    big[WHB_WIRE_MAX_TEXT] = '\0';
    assert_true(whb_wire_text_ok(big, WHB_WIRE_MAX_TEXT));
    assert_false(whb_wire_text_ok("\xed\xa0\x80", 16)); /* a UTF-16 surrogate */
    assert_false(whb_wire_text_ok("\xe2\x80", 16));     /* truncated sequence */
    assert_true(whb_wire_text_ok("K\xc3\xb6ln", 16));
}

/* What a terminal would act on or reorder is refused in every text field, with the field named. */
static void terminal_controls_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a\xc2\x80z",     /* U+0080, first C1 control */
        "a\xc2\x9b[2Jz",  /* U+009B, CSI: clears the screen */
        "a\xc2\x9fz",     /* U+009F, last C1 control */
        "a\xe2\x80\xaaz", /* U+202A LRE */
        "a\xe2\x80\xaez", /* U+202E RLO */
        "a\xe2\x81\xa6z", /* U+2066 LRI */
        "a\xe2\x81\xa9z", /* U+2069 PDI */
    };
    static const char *const good[] = {
        "a\xc2\xa0z",     /* U+00A0, just past C1 */
        "a\xe2\x80\xa9z", /* U+2029, just before LRE */
        "a\xe2\x80\xafz", /* U+202F, just after RLO */
        "a\xe2\x81\xa5z", /* U+2065, just before LRI */
        "a\xe2\x81\xaaz", /* U+206A, just after PDI */
    };
    char why[128];
    struct sample *s = sample_new(1, 1, 1);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(whb_wire_text_check(bad[i], 64), WHB_TEXT_CONTROL);
        s->events[0].detail = (char *)bad[i];
        assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
        assert_string_equal(why, "event detail contains a control or bidi override character");
    }
    s->events[0].detail = "ok";
    s->machine.os = (char *)bad[4];
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "os contains a control or bidi override character");
    s->machine.os = "Windows";
    s->lldp.system_name = (char *)bad[1];
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "lldp system_name contains a control or bidi override character");
    s->lldp.system_name = "sw-1";
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(whb_wire_text_check(good[i], 64), WHB_TEXT_OK);
        s->events[0].detail = (char *)good[i];
        assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);
    }
    assert_int_equal(whb_wire_text_check("\xc0\xaf", 64), WHB_TEXT_INVALID);
    assert_int_equal(whb_wire_text_check("abcdef", 3), WHB_TEXT_TOO_LONG);
    sample_free(s);
}

/* Host names have one spelling: case and a trailing dot cannot make a second machine. */
static void host_names_are_canonical(void **state)
{
    (void)state;
    char name[80];
    snprintf(name, sizeof(name), "PC-7.Corp.Example.");
    assert_int_equal(whb_wire_hostname_canon(name), 0);
    assert_string_equal(name, "pc-7.corp.example");
    static const char *const bad[] = {"pc-7..corp", ".pc-7", "pc-7.-corp",  "-pc",
                                      "",           ".",     "pc-7.corp..", "pc 7"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(name, sizeof(name), "%s", bad[i]);
        assert_int_equal(whb_wire_hostname_canon(name), WHB_EPROTO);
    }
    char label[80];
    memset(label, 'a', 64);
    label[64] = '\0';
    assert_int_equal(whb_wire_hostname_canon(label), WHB_EPROTO);
    label[63] = '\0';
    assert_int_equal(whb_wire_hostname_canon(label), 0);

    /* A report names its machine canonically after decoding. */
    struct sample *s = sample_new(7, 1, 0);
    s->machine.fqdn = "PC-7.CORP.EXAMPLE.";
    size_t len;
    uint8_t *buf = sample_pack(s, &len);
    whb_report *r = NULL;
    char why[128];
    assert_int_equal(whb_wire_report_unpack(buf, len, &r, why, sizeof(why)), 0);
    assert_string_equal(r->machine->fqdn, "pc-7.corp.example");
    whb_wire_report_free(r);
    free(buf);
    s->machine.fqdn = "pc-7..corp.example";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "fqdn missing or malformed");
    sample_free(s);
}

/* SQLite keeps signed 64-bit integers: 2^64-1 would come back as -1. */
static void seq_beyond_int64_is_refused(void **state)
{
    (void)state;
    char why[128];
    struct sample *s = sample_new(1, 1, 1);
    s->report.seq = UINT64_MAX;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "seq 18446744073709551615 out of range");
    s->report.seq = INT64_MAX;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);
    s->events[0].seq = (uint64_t)INT64_MAX + 1;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "event seq 9223372036854775808 out of range");
    sample_free(s);
}

static void too_many_events_are_refused(void **state)
{
    (void)state;
    char why[128];
    struct sample *s = sample_new(1, 1, WHB_WIRE_MAX_EVENTS + 1);
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    /* Counted before decoding (wire_scan.c), as the validator would after. */
    assert_string_equal(why, "Report.events has more than 1024 entries");
    s->events[5].kind = 0;
    s->report.n_events = 10;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "event 1006 has no valid kind");
    sample_free(s);
}

static void older_and_newer_schema_versions_are_accepted(void **state)
{
    (void)state;
    char why[128];
    struct sample *s = sample_new(1, 1, 0);
    s->report.schema_version = WHB_WIRE_SCHEMA_VERSION + 1;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);
    s->report.schema_version = 0;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "schema_version missing");
    sample_free(s);
}

static void ack_round_trips(void **state)
{
    (void)state;
    whb_ack ack = WHB__V1__ACK__INIT;
    size_t len;
    ack.acked_seq = 99;
    ack.interval_s = 30;
    ack.boot_id = "b";
    uint8_t *buf = whb_wire_ack_pack(&ack, &len);
    whb_ack *back = whb_wire_ack_unpack(buf, len);
    assert_non_null(back);
    assert_int_equal(back->acked_seq, 99);
    assert_int_equal(back->interval_s, 30);
    whb_wire_ack_free(back);
    free(buf);
}

static void event_kind_names_are_stable(void **state)
{
    (void)state;
    assert_string_equal(whb_wire_event_kind_name(WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST),
                        "carrier_lost");
    assert_string_equal(whb_wire_event_kind_name(WHB__V1__EVENT_KIND__EVENT_KIND_DELIVERY_FAILED),
                        "delivery_failed");
    assert_string_equal(
        whb_wire_event_kind_name(WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SCAN_FAILED),
        "update_scan_failed");
    assert_string_equal(whb_wire_event_kind_name(WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_PROXY_AUTH),
                        "update_proxy_auth");
    assert_string_equal(whb_wire_event_kind_name(999), "unknown");
}

/* A Windows agent's update client state: carried whole, and bounded and checked like the
 * rest (the SusClientId is an identifier the collector joins machines on). */
static void update_client_round_trips_and_is_checked(void **state)
{
    (void)state;
    struct sample *s = sample_new(7, 3, 0);
    const char *sus = "0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192";
    sample_add_update_client(s, sus, 0x8024401c, 1);
    size_t len;
    uint8_t *buf = sample_pack(s, &len);
    whb_report *r = NULL;
    char why[160] = "";
    assert_int_equal(whb_wire_report_unpack(buf, len, &r, why, sizeof(why)), 0);
    const Whb__V1__UpdateClient *u = r->snapshot->update_client;
    assert_non_null(u);
    assert_string_equal(u->wu_server, "http://wsus01.corp.example:8530");
    assert_int_equal(u->use_wu_server, WHB__V1__FLAG__FLAG_ON);
    assert_string_equal(u->sus_client_id, sus);
    assert_int_equal(u->n_log, 2);
    assert_int_equal(u->log[1]->event_id, 25);
    assert_int_equal(u->log[1]->error_code, 0x8024401c);
    assert_int_equal(u->services[0]->start_type, WHB__V1__START_TYPE__START_TYPE_DISABLED);
    whb_wire_report_free(r);
    free(buf);

    /* Not a GUID, or not in the one spelling the collector compares. */
    static const char *const bad_ids[] = {"0B6A3C5E-4F1D-4E8A-9C2B-7D5E6F708192",
                                          "{0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192}",
                                          "0b6a3c5e4f1d4e8a9c2b7d5e6f708192", "pc-42",
                                          "0b6a3c5e-"
                                          "4f1d-4e8a-9c2b-"
                                          "7d5e6f70819g"};
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        s->wu.sus_client_id = (char *)bad_ids[i];
        assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
        assert_string_equal(why, "update_client sus_client_id is not a lower-case GUID");
    }
    s->wu.sus_client_id = ""; /* absent: a fresh image, or an agent that cannot read it */
    assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);

    s->wu_log[1].service_id = "3da21691-e39d-4da6-8a4b-b43877bcb1b7"; /* braces expected */
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "update_client log event 1: service_id is not a GUID");
    s->wu_log[1].service_id = "";
    s->wu_log[1].event_id = 0;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "update_client log event 1 has no valid event id");
    s->wu_log[1].event_id = 25;
    s->wu.wu_server = "http://wsus\x1b[2J:8530";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why,
                        "update_client wu_server contains a control or bidi override character");
    s->wu.wu_server = "http://wsus01:8530";
    s->wu_services[1].name = "";
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "update_client service 1 has no valid name");
    s->wu_services[1].name = "BITS";

    /* More log events or services than an agent keeps. */
    Whb__V1__UpdateLogEvent *many[WHB_WIRE_MAX_UPDATE_LOG + 1];
    for (int i = 0; i <= WHB_WIRE_MAX_UPDATE_LOG; i++)
        many[i] = &s->wu_log[0];
    s->wu.log = many;
    s->wu.n_log = WHB_WIRE_MAX_UPDATE_LOG + 1;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    /* Refused by the pre-scan, before protobuf-c decodes anything (wire_scan.c). */
    assert_string_equal(why, "UpdateClient.log has more than 32 entries");
    s->wu.n_log = WHB_WIRE_MAX_UPDATE_LOG;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), 0);
    s->wu.log = s->wu_log_ptrs;
    s->wu.n_log = 2;
    Whb__V1__UpdateService *svcs[WHB_WIRE_MAX_UPDATE_SVC + 1];
    for (int i = 0; i <= WHB_WIRE_MAX_UPDATE_SVC; i++)
        svcs[i] = &s->wu_services[0];
    s->wu.services = svcs;
    s->wu.n_services = WHB_WIRE_MAX_UPDATE_SVC + 1;
    assert_int_equal(unpack_sample(s, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "UpdateClient.services has more than 8 entries");
    sample_free(s);
}

/* Found by fuzz_report: an unknown field with an out-of-range number was kept and re-packed
 * into bytes protobuf-c refuses. Unknown fields are dropped on decode. */
static void unknown_fields_are_dropped_and_repacking_decodes(void **state)
{
    (void)state;
    static uint8_t buf[4096];
    long n = hexfile_read("report-unknown-field.hex", buf, sizeof(buf));
    assert_true(n > 0);
    whb_report *r = NULL, *back = NULL;
    char why[128];
    assert_int_equal(whb_wire_report_unpack(buf, (size_t)n, &r, why, sizeof(why)), 0);
    size_t len;
    uint8_t *again = whb_wire_report_pack(r, &len);
    assert_int_equal(whb_wire_report_unpack(again, len, &back, why, sizeof(why)), 0);
    assert_string_equal(back->machine->fqdn, r->machine->fqdn);
    assert_true(len < (size_t)n);
    size_t slen;
    uint8_t *snap = whb_wire_snapshot_pack(r->snapshot, &slen);
    whb_snapshot *s = whb_wire_snapshot_unpack(snap, slen);
    assert_non_null(s);
    whb_wire_snapshot_free(s);
    free(snap);
    free(again);
    whb_wire_report_free(back);
    whb_wire_report_free(r);
}

/* A report decoded into an arena is the one decoded with malloc, byte for byte once packed
 * again, also when it spills past the arena's buffer (many events, unknown fields); a refused
 * body leaves the arena empty, and a reset one takes the next report. */
static void arena_decodes_the_same(void **state)
{
    (void)state;
    static uint8_t unknown[4096];
    long un = hexfile_read("report-unknown-field.hex", unknown, sizeof(unknown));
    assert_true(un > 0);
    struct sample *s = sample_new(42, 7, WHB_WIRE_MAX_EVENTS);
    size_t len;
    uint8_t *big = sample_pack(s, &len);
    const struct {
        const uint8_t *buf;
        size_t len;
    } bodies[] = {{big, len}, {unknown, (size_t)un}};
    _Alignas(max_align_t) unsigned char room[512];
    struct whb_wire_arena arena;
    whb_wire_arena_init(&arena, room, sizeof(room));
    char why[128];
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        whb_report *heap = NULL, *in = NULL;
        assert_int_equal(
            whb_wire_report_unpack(bodies[i].buf, bodies[i].len, &heap, why, sizeof(why)), 0);
        assert_int_equal(
            whb_wire_report_unpack_in(&arena, bodies[i].buf, bodies[i].len, &in, why, sizeof(why)),
            0);
        assert_true(arena.used > 0);
        assert_true(i > 0 || arena.chunks != NULL); /* the events spilled */
        size_t a_len, b_len;
        uint8_t *a = whb_wire_report_pack(heap, &a_len), *b = whb_wire_report_pack(in, &b_len);
        assert_int_equal(a_len, b_len);
        assert_memory_equal(a, b, a_len);
        free(a);
        free(b);
        whb_wire_report_free(heap);
        whb_wire_arena_reset(&arena);
        assert_int_equal(arena.used, 0);
        assert_null(arena.chunks);
    }
    /* Refused after decoding (its name), and before (its bytes). */
    s->machine.fqdn = "pc 42";
    uint8_t *bad_name = sample_pack(s, &len);
    whb_report *r = (whb_report *)0x1;
    assert_int_equal(whb_wire_report_unpack_in(&arena, bad_name, len, &r, why, sizeof(why)),
                     WHB_EPROTO);
    assert_null(r);
    assert_string_equal(why, "fqdn missing or malformed");
    assert_int_equal(arena.used, 0);
    assert_null(arena.chunks);
    static const uint8_t bad_string[] = {0x1a, 0x02, 0xff};
    assert_int_equal(
        whb_wire_report_unpack_in(&arena, bad_string, sizeof(bad_string), &r, why, sizeof(why)),
        WHB_EPROTO);
    assert_string_equal(why, "Report field 3: length beyond the body");
    assert_int_equal(arena.used, 0);
    assert_null(arena.chunks);
    free(bad_name);
    free(big);
    sample_free(s);
}

/* Appends field `number` (length-delimited) holding body to buf at *n. */
static void put_varint(uint8_t *buf, size_t *n, uint64_t v)
{
    do {
        buf[(*n)++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
}

static void append_field(uint8_t *buf, size_t *n, unsigned number, const uint8_t *body, size_t len)
{
    put_varint(buf, n, (uint64_t)number << 3 | 2);
    put_varint(buf, n, len);
    memcpy(buf + *n, body, len);
    *n += len;
}

/* Issue 22: a report whose snapshot field is repeated made protobuf-c merge the copies at
 * super-linear cost before anything checked it (64 KiB: 14 ms of CPU). The scan refuses it
 * from the bytes, as it does any singular field sent twice, repeats beyond the validator's
 * bounds and floods of unknown fields; a report as agents make it passes. */
static void repeated_singular_fields_are_refused_before_decoding(void **state)
{
    (void)state;
    struct sample *s = sample_new(3, 1, 2);
    size_t len, slen;
    uint8_t *report = sample_pack(s, &len);
    uint8_t *snap = whb_wire_snapshot_pack(&s->snapshot, &slen);
    char why[200] = "";
    assert_int_equal(whb_wire_report_prescan(report, len, why, sizeof(why)), 0);

    uint8_t *big = malloc(len + 400 * (slen + 8));
    size_t n = len;
    memcpy(big, report, len);
    append_field(big, &n, 8, snap, slen);
    assert_int_equal(whb_wire_report_prescan(big, n, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "Report.snapshot appears more than once");
    whb_report *r = NULL;
    assert_int_equal(whb_wire_report_unpack(big, n, &r, why, sizeof(why)), WHB_EPROTO);
    assert_null(r);
    assert_string_equal(why, "Report.snapshot appears more than once");

    /* Inside a message too: the machine's name twice. */
    n = len;
    memcpy(big, report, len);
    append_field(big, &n, 2, (const uint8_t *)"\x12\x01x\x12\x01y", 6);
    assert_int_equal(whb_wire_report_prescan(big, n, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "Machine.fqdn appears more than once");

    /* More events than the validator allows, seen before a single one is decoded. */
    n = len;
    memcpy(big, report, len);
    static const uint8_t empty_event[] = {0x08, 0x01};
    for (int i = 0; i < WHB_WIRE_MAX_EVENTS; i++)
        append_field(big, &n, 9, empty_event, sizeof(empty_event));
    assert_int_equal(whb_wire_report_prescan(big, n, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "Report.events has more than 1024 entries");

    /* Unknown fields: a few (a newer agent's) pass, a flood does not. */
    n = len;
    memcpy(big, report, len);
    for (int i = 0; i < 32; i++)
        append_field(big, &n, 99, (const uint8_t *)"x", 1);
    assert_int_equal(whb_wire_report_prescan(big, n, why, sizeof(why)), 0);
    append_field(big, &n, 99, (const uint8_t *)"x", 1);
    assert_int_equal(whb_wire_report_prescan(big, n, why, sizeof(why)), WHB_EPROTO);
    assert_string_equal(why, "Report: more than 32 unknown fields");

    /* A length past the end, a group. */
    static const uint8_t past[] = {0x1a, 0x7f, 'b'}, group[] = {0x0b};
    assert_int_equal(whb_wire_report_prescan(past, sizeof(past), why, sizeof(why)), WHB_EPROTO);
    assert_int_equal(whb_wire_report_prescan(group, sizeof(group), why, sizeof(why)), WHB_EPROTO);
    free(big);
    free(snap);
    free(report);
    sample_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_report_round_trips),
        cmocka_unit_test(garbage_is_refused),
        cmocka_unit_test(missing_fields_are_named),
        cmocka_unit_test(bad_text_is_refused),
        cmocka_unit_test(collector_named_in_bounds),
        cmocka_unit_test(text_check_bounds),
        cmocka_unit_test(terminal_controls_are_refused),
        cmocka_unit_test(host_names_are_canonical),
        cmocka_unit_test(seq_beyond_int64_is_refused),
        cmocka_unit_test(too_many_events_are_refused),
        cmocka_unit_test(older_and_newer_schema_versions_are_accepted),
        cmocka_unit_test(ack_round_trips),
        cmocka_unit_test(event_kind_names_are_stable),
        cmocka_unit_test(unknown_fields_are_dropped_and_repacking_decodes),
        cmocka_unit_test(arena_decodes_the_same),
        cmocka_unit_test(repeated_singular_fields_are_refused_before_decoding),
        cmocka_unit_test(update_client_round_trips_and_is_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
