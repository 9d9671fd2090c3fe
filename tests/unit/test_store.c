/* The SQLite store on a real file: identity binding, dedupe and the due-time index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "sample.h"
#include "store.h"

struct fixture {
    char path[64];
    struct whb_store *store;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char why[256];
    snprintf(f->path, sizeof(f->path), "/tmp/whb-test-store-XXXXXX");
    int fd = mkstemp(f->path);
    close(fd);
    if (whb_store_sqlite.open(f->path, &f->store, why, sizeof(why))) {
        fprintf(stderr, "open: %s\n", why);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char side[80];
    f->store->ops->close(f->store);
    unlink(f->path);
    snprintf(side, sizeof(side), "%s-wal", f->path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", f->path);
    unlink(side);
    free(f);
    return 0;
}

static void key_of(uint8_t key[WHB_IDENTITY_HASH_LEN], uint8_t fill)
{
    memset(key, fill, WHB_IDENTITY_HASH_LEN);
}

/* Stores one report in its own transaction, as the writer would. */
static int put(struct whb_store *st, const struct sample *s, uint8_t keyfill, int enrolling,
               int64_t now, struct whb_store_result *res)
{
    struct whb_store_report in = {.report = &s->report,
                                  .mode = WHB_IDENTITY_KEY,
                                  .enrolling = enrolling,
                                  .now_ms = now,
                                  .grace = 3};
    key_of(in.key_hash, keyfill);
    assert_int_equal(st->ops->begin(st), 0);
    int rc = st->ops->put_report(st, &in, res);
    assert_int_equal(st->ops->commit(st), 0);
    return rc;
}

static long long count(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long long n = -1;
    sqlite3_open(path, &db);
    sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void first_report_binds_key_then_other_keys_are_denied(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *s = sample_new(1, 1, 0);

    /* Not enrolled and no token: denied. */
    assert_int_equal(put(f->store, s, 0xaa, 0, 1000, &res), WHB_EDENIED);
    assert_non_null(strstr(res.why, "not enrolled"));
    /* With the token: bound to key 0xaa. */
    assert_int_equal(put(f->store, s, 0xaa, 1, 1000, &res), 0);
    assert_int_equal(res.acked_seq, 1);
    /* Another key for the same machine, even with the token: denied. */
    s->report.seq = 2;
    assert_int_equal(put(f->store, s, 0xbb, 1, 2000, &res), WHB_EDENIED);
    assert_non_null(strstr(res.why, "key other than the one bound"));
    /* The bound key, no token needed any more. */
    assert_int_equal(put(f->store, s, 0xaa, 0, 2000, &res), 0);
    assert_int_equal(res.acked_seq, 2);
    sample_free(s);
}

static void a_name_cannot_be_taken_by_another_machine(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *a = sample_new(1, 1, 0), *b = sample_new(2, 1, 0);
    assert_int_equal(put(f->store, a, 0xaa, 1, 1000, &res), 0);
    /* Machine 2, enrolled with its own key, claims machine 1's name. */
    b->machine.fqdn = "PC-1.corp.example";
    assert_int_equal(put(f->store, b, 0xbb, 1, 1000, &res), WHB_EDENIED);
    assert_non_null(strstr(res.why, "would shadow machine m-1 (pc-1.corp.example)"));
    assert_true(res.conflict);
    /* Under its own name it is fine, and a rename to a free name is allowed with its key. */
    b->machine.fqdn = b->fqdn;
    assert_int_equal(put(f->store, b, 0xbb, 1, 1000, &res), 0);
    b->report.seq = 2;
    b->machine.fqdn = "pc-2-renamed.corp.example";
    assert_int_equal(put(f->store, b, 0xbb, 0, 1000, &res), 0);
    sample_free(a);
    sample_free(b);
}

/* Lookups try FQDN, id and short name: an id or name that another machine answers to would
 * let a newcomer answer for it (pc-7 enrolled as id "pc-7" beside pc-7.corp.example). */
static void an_id_or_name_cannot_shadow_another_machine(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *a = sample_new(7, 1, 0), *b = sample_new(8, 1, 0);
    assert_int_equal(put(f->store, a, 0xaa, 1, 1000, &res), 0);
    /* An id equal to machine 7's short name. */
    b->machine.machine_id = "pc-7";
    b->machine.fqdn = "evil.corp.example";
    assert_int_equal(put(f->store, b, 0xbb, 1, 1000, &res), WHB_EDENIED);
    assert_true(res.conflict);
    assert_non_null(strstr(res.why, "machine pc-7 (evil.corp.example) would shadow machine m-7"));
    /* A single-label name equal to machine 7's id, or to its short name. */
    b->machine.machine_id = b->id;
    b->machine.fqdn = "m-7";
    assert_int_equal(put(f->store, b, 0xbb, 1, 1000, &res), WHB_EDENIED);
    assert_true(res.conflict);
    b->machine.fqdn = "pc-7";
    assert_int_equal(put(f->store, b, 0xbb, 1, 1000, &res), WHB_EDENIED);
    /* An FQDN whose short name is machine 7's id. */
    b->machine.fqdn = "m-7.other.example";
    assert_int_equal(put(f->store, b, 0xbb, 1, 1000, &res), WHB_EDENIED);
    /* Nothing of machine 8 was stored; under its own names it enrolls. */
    assert_int_equal(count(f->path, "SELECT count(*) FROM machines"), 1);
    b->machine.fqdn = b->fqdn;
    assert_int_equal(put(f->store, b, 0xbb, 1, 1000, &res), 0);
    assert_false(res.conflict);
    /* Machine 7 keeps reporting under its name. */
    a->report.seq = 2;
    assert_int_equal(put(f->store, a, 0xaa, 0, 2000, &res), 0);
    sample_free(a);
    sample_free(b);
}

/* A database from before canonical names may hold clashing rows: a lookup then lists every
 * machine that answers to the name instead of picking one. */
static void ambiguous_lookup_lists_the_machines(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *a = sample_new(7, 1, 0);
    assert_int_equal(put(f->store, a, 0xaa, 1, 1000, &res), 0);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO machines(machine_id, fqdn, first_seen, last_seen,"
                                  " interval_s, due_at, boot_id, last_seq) VALUES('pc-7',"
                                  " 'pc-7.corp.example.', 1, 1, 60, 1, 'b', 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    struct whb_machine_view m;
    assert_int_equal(f->store->ops->get_machine(f->store, "pc-7", &m), WHB_EINVAL);
    struct whb_store_match found[WHB_STORE_MATCH_MAX];
    int n = 0;
    assert_int_equal(f->store->ops->find_machines(f->store, "pc-7", found, WHB_STORE_MATCH_MAX, &n),
                     0);
    assert_int_equal(n, 2);
    assert_true((!strcmp(found[0].machine_id, "m-7") && !strcmp(found[1].machine_id, "pc-7")) ||
                (!strcmp(found[1].machine_id, "m-7") && !strcmp(found[0].machine_id, "pc-7")));
    /* The FQDN, with or without the trailing dot, and the id are not ambiguous. */
    assert_int_equal(f->store->ops->get_machine(f->store, "pc-7.corp.example", &m), 0);
    assert_string_equal(m.machine_id, "m-7");
    assert_int_equal(f->store->ops->get_machine(f->store, "PC-7.corp.example.", &m), 0);
    assert_string_equal(m.machine_id, "m-7");
    assert_int_equal(f->store->ops->get_machine(f->store, "m-7", &m), 0);
    assert_int_equal(f->store->ops->get_machine(f->store, "nobody", &m), WHB_ENOTFOUND);
    sample_free(a);
}

/* seq 2^63-1 would make every later report of the boot a duplicate. */
static void a_seq_jump_is_refused(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *s = sample_new(9, 5, 0);
    assert_int_equal(put(f->store, s, 0xaa, 1, 1000, &res), 0);
    s->report.seq = INT64_MAX;
    assert_int_equal(put(f->store, s, 0xaa, 0, 2000, &res), WHB_EPROTO);
    assert_string_equal(res.why, "seq 9223372036854775807 is more than 1000010 above the last "
                                 "stored seq 5 of this boot");
    assert_int_equal(count(f->path, "SELECT last_seq FROM machines"), 5);
    /* A restarted agent skips the rest of its block of 1000: fine. */
    s->report.seq = 5 + 999 * 3;
    assert_int_equal(put(f->store, s, 0xaa, 0, 3000, &res), 0);
    assert_false(res.duplicate);
    /* The bound grows with the silence: a day offline allows 864,000 more. */
    s->report.seq = 2002 + 1000000 + 800000;
    assert_int_equal(put(f->store, s, 0xaa, 0, 3000 + 86400000LL, &res), 0);
    /* A new boot counts from 0, with the same bound. */
    s->boot[0] = 'B';
    s->report.seq = 2000000;
    assert_int_equal(put(f->store, s, 0xaa, 0, 3000 + 86400000LL + 1000, &res), WHB_EPROTO);
    s->report.seq = 3;
    assert_int_equal(put(f->store, s, 0xaa, 0, 3000 + 86400000LL + 1000, &res), 0);
    sample_free(s);
}

static void mtls_machine_cannot_change_name(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *s = sample_new(5, 1, 0);
    struct whb_store_report in = {
        .report = &s->report, .mode = WHB_IDENTITY_MTLS, .now_ms = 1, .grace = 3};
    f->store->ops->begin(f->store);
    assert_int_equal(f->store->ops->put_report(f->store, &in, &res), 0);
    s->machine.fqdn = "other.corp.example";
    s->report.seq = 2;
    assert_int_equal(f->store->ops->put_report(f->store, &in, &res), WHB_EDENIED);
    f->store->ops->commit(f->store);
    sample_free(s);
}

static void same_boot_and_seq_is_stored_once(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *s = sample_new(3, 5, 4);
    assert_int_equal(put(f->store, s, 0xaa, 1, 1000, &res), 0);
    assert_false(res.duplicate);
    assert_int_equal(put(f->store, s, 0xaa, 0, 2000, &res), 0);
    assert_true(res.duplicate);
    assert_int_equal(res.acked_seq, 5);
    assert_int_equal(count(f->path, "SELECT count(*) FROM events"), 4);
    /* An older seq of the same boot does not roll the snapshot back. */
    s->report.seq = 4;
    s->adapter.carrier = 0;
    assert_int_equal(put(f->store, s, 0xaa, 0, 3000, &res), 0);
    assert_true(res.duplicate);
    assert_int_equal(res.acked_seq, 5);
    assert_int_equal(count(f->path, "SELECT last_seq FROM machines"), 5);
    /* A new boot starts its sequence again. */
    s->boot[0] = 'B';
    s->report.seq = 1;
    assert_int_equal(put(f->store, s, 0xaa, 0, 4000, &res), 0);
    assert_false(res.duplicate);
    assert_int_equal(count(f->path, "SELECT count(*) FROM events"), 8);
    sample_free(s);
}

static void due_index_finds_silent_machines(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    uint64_t known, silent;
    for (unsigned i = 0; i < 10; i++) {
        struct sample *s = sample_new(100 + i, 1, 0);
        s->report.interval_s = 60;
        /* Machines 0..4 reported at t=0, 5..9 at t=600 s. */
        assert_int_equal(put(f->store, s, 0xaa, 1, i < 5 ? 0 : 600000, &res), 0);
        sample_free(s);
    }
    /* Due after 3 x 60 s: at 200 s the first five are silent, at 800 s all ten. */
    assert_int_equal(f->store->ops->count_machines(f->store, 200000, &known, &silent), 0);
    assert_int_equal(known, 10);
    assert_int_equal(silent, 5);
    f->store->ops->count_machines(f->store, 800000, &known, &silent);
    assert_int_equal(silent, 10);
    f->store->ops->count_machines(f->store, 100000, &known, &silent);
    assert_int_equal(silent, 0);
    /* The query uses the index rather than scanning the fleet. */
    assert_int_equal(count(f->path, "SELECT count(*) FROM pragma_index_list('machines') "
                                    "WHERE name='machines_due'"),
                     1);
}

/* A report after the due time closes a silence: it is kept as a gap. */
static void late_report_records_a_gap(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *s = sample_new(7, 1, 0);
    assert_int_equal(put(f->store, s, 0xaa, 1, 1000, &res), 0);
    s->report.seq = 2;
    assert_int_equal(put(f->store, s, 0xaa, 0, 60000, &res), 0); /* within 3 x 60 s */
    assert_int_equal(count(f->path, "SELECT count(*) FROM gaps"), 0);
    s->report.seq = 3;
    assert_int_equal(put(f->store, s, 0xaa, 0, 600000, &res), 0);
    assert_int_equal(count(f->path, "SELECT start_ms FROM gaps"), 60000);
    assert_int_equal(count(f->path, "SELECT end_ms FROM gaps"), 600000);
    /* The attachment is kept from the snapshot for correlation. */
    assert_int_equal(count(f->path, "SELECT count(*) FROM machines WHERE sw_name='sw-1' AND "
                                    "sw_port='Gi1/0/8' AND subnet='10.0.0.0/16'"),
                     1);
    sample_free(s);
}

static void reopening_keeps_schema_version(void **state)
{
    struct fixture *f = *state;
    struct whb_store *again;
    char why[128];
    assert_int_equal(whb_store_sqlite.open(f->path, &again, why, sizeof(why)), 0);
    again->ops->close(again);
    assert_int_equal(count(f->path, "PRAGMA user_version"), 2);
    /* Version 2's columns and tables are there. */
    assert_int_equal(count(f->path, "SELECT count(*) FROM pragma_table_info('machines') "
                                    "WHERE name IN ('sw_chassis','bssid','subnet','wsus_class')"),
                     4);
    assert_int_equal(count(f->path, "SELECT count(*) FROM gaps"), 0);
    /* WAL is a property of the file: a fresh connection sees it. */
    sqlite3 *db;
    sqlite3_stmt *st;
    sqlite3_open(f->path, &db);
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(first_report_binds_key_then_other_keys_are_denied, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_name_cannot_be_taken_by_another_machine, setup, teardown),
        cmocka_unit_test_setup_teardown(an_id_or_name_cannot_shadow_another_machine, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(ambiguous_lookup_lists_the_machines, setup, teardown),
        cmocka_unit_test_setup_teardown(a_seq_jump_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(mtls_machine_cannot_change_name, setup, teardown),
        cmocka_unit_test_setup_teardown(same_boot_and_seq_is_stored_once, setup, teardown),
        cmocka_unit_test_setup_teardown(due_index_finds_silent_machines, setup, teardown),
        cmocka_unit_test_setup_teardown(late_report_records_a_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(reopening_keeps_schema_version, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
