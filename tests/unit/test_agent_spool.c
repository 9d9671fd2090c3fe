/* The agent's spool (client/spool.c): order and acks across reopening, a torn tail cut, a
 * damaged record costing only itself, resynchronisation on good frames, and a full spool that
 * drops heartbeats first and never a state change. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "spool.h"
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

static uint64_t counter(void *arg)
{
    return ++*(uint64_t *)arg;
}

/* Numbered anew above the collector's seq (the run file was lost): this boot's records take
 * the new numbers in their order, another boot's keep theirs, nothing is lost, and the file
 * reads back the same after reopening. */
static void renumbered_records_keep_order_and_other_boots(void **state)
{
    (void)state;
    struct whb_spool *sp;
    uint64_t seqs[512], next = 5000;
    int n;
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    whb_event e;
    make_event(&e, 7, CARRIER);
    e.boot_id = "boot-old";
    assert_int_equal(whb_spool_append(sp, &e, 1), 0);
    for (uint64_t s = 1; s <= 4; s++)
        append(sp, s, s == 2 ? CARRIER : HEARTBEAT, 0);
    assert_int_equal(whb_spool_renumber(sp, "boot-a", counter, &next), 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 5);
    assert_int_equal(seqs[0], 7);
    for (int i = 1; i < 5; i++)
        assert_int_equal(seqs[i], 5000 + (uint64_t)i);
    whb_spool_close(sp);
    assert_int_equal(whb_spool_open(path, 1 << 20, &sp), 0);
    peek_seqs(sp, seqs, &n);
    assert_int_equal(n, 5);
    assert_int_equal(seqs[4], 5004);
    whb_spool_close(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(spool_keeps_order_and_drops_only_acked, setup, teardown),
        cmocka_unit_test_setup_teardown(torn_tail_is_cut_not_fatal, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_record_costs_only_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(resync_finds_every_good_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(renumbered_records_keep_order_and_other_boots, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(full_spool_drops_heartbeats_first_never_events, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
