/* A machine's identity over its life, on a real SQLite file or a real PostgreSQL server
 * (with-pg.sh), issue 22: refusals recorded for `why`, a reimaged machine (same id with a new
 * key; a new id with the same name) back through release, forget, the enrollments to review,
 * renames into a name WSUS lists for another computer, the enrollment rule on WSUS's list,
 * per-machine event quotas and pruning, and stamps that would overflow the clock mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "explain/correlate.h"
#include "sample.h"
#include "store/store.h"
#include "testdb.h"

struct fixture {
    char path[64];
    struct whb_store *store;
    struct whb_store_report in; /* the knobs of the next put */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char why[256];
    snprintf(f->path, sizeof(f->path), "/tmp/whb-test-ident-XXXXXX");
    close(mkstemp(f->path));
    int rc = testdb_reset() ? -1
             : testdb_pg()  ? whb_store_postgresql.open(testdb_pg(), &f->store, why, sizeof(why))
                            : whb_store_sqlite.open(f->path, &f->store, why, sizeof(why));
    if (rc) {
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

/* Stores one report in a transaction of its own, as the writer would, with key keyfill (32
 * bytes of it), the token or not, from source ip. */
static int put(struct fixture *f, const struct sample *s, uint8_t keyfill, int enrolling,
               int64_t now, struct whb_store_result *res)
{
    struct whb_store_report in = f->in;
    in.report = &s->report;
    in.mode = WHB_IDENTITY_KEY;
    in.enrolling = enrolling;
    in.now_ms = now;
    in.grace = 3;
    if (!in.source_ip[0])
        snprintf(in.source_ip, sizeof(in.source_ip), "192.0.2.9");
    memset(in.key_hash, keyfill, sizeof(in.key_hash));
    assert_int_equal(f->store->ops->begin(f->store), 0);
    int rc = f->store->ops->put_report(f->store, &in, res);
    assert_int_equal(f->store->ops->commit(f->store), 0);
    return rc;
}

static int admin(struct fixture *f, enum whb_store_admin action, const char *id, int *had_key)
{
    uint8_t key[WHB_IDENTITY_HASH_LEN];
    int dummy;
    return f->store->ops->admin(f->store, action, id, 5000, key, had_key ? had_key : &dummy);
}

static int key_known(struct fixture *f, uint8_t fill)
{
    uint8_t key[WHB_IDENTITY_HASH_LEN];
    memset(key, fill, sizeof(key));
    return f->store->ops->key_known(f->store, key);
}

/* The same machine id, reinstalled with a new key: refused (and recorded for `why`) until an
 * admin releases the binding; then it enrolls again with the token, and the old key is out. */
static void reimaged_same_id_comes_back_through_release(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct whb_store_refusal refusals[4];
    int n, had_key;
    struct sample *s = sample_new(1, 1, 0);
    assert_int_equal(put(f, s, 0xaa, 1, 1000, &res), 0);
    assert_int_equal(key_known(f, 0xaa), 1);
    assert_int_equal(key_known(f, 0xbb), 0);
    s->report.seq = 2;
    for (int i = 0; i < 3; i++)
        assert_int_equal(put(f, s, 0xbb, 1, 2000 + i, &res), WHB_EDENIED);
    assert_int_equal(res.denial, WHB_DENY_KEY_MISMATCH);
    assert_int_equal(f->store->ops->refusals(f->store, "m-1", refusals, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(refusals[0].cause, WHB_REFUSAL_KEY);
    assert_int_equal(refusals[0].count, 3);
    assert_int_equal(refusals[0].first_ms, 2000);
    assert_int_equal(refusals[0].last_ms, 2002);
    assert_string_equal(refusals[0].source, "192.0.2.9");

    assert_int_equal(admin(f, WHB_ADMIN_RELEASE, "m-1", &had_key), 0);
    assert_true(had_key);
    assert_int_equal(key_known(f, 0xaa), 0);
    assert_int_equal(admin(f, WHB_ADMIN_RELEASE, "m-nobody", NULL), WHB_ENOTFOUND);
    /* Without the token the released machine is not enrolled; with it, its new key binds. */
    assert_int_equal(put(f, s, 0xbb, 0, 3000, &res), WHB_EDENIED);
    assert_int_equal(res.denial, WHB_DENY_NOT_ENROLLED);
    assert_int_equal(put(f, s, 0xbb, 1, 3000, &res), 0);
    assert_int_equal(key_known(f, 0xbb), 1);
    s->report.seq = 3;
    assert_int_equal(put(f, s, 0xaa, 1, 4000, &res), WHB_EDENIED);
    assert_int_equal(res.denial, WHB_DENY_KEY_MISMATCH);
    assert_int_equal(put(f, s, 0xbb, 0, 4000, &res), 0);
    sample_free(s);
}

/* Reinstalled under a new machine id with the same name: 409, recorded against the machine
 * that holds the name; once an admin releases that one, the new id takes the name (the old
 * row and its history go). */
static void reimaged_new_id_takes_the_released_name(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct whb_store_refusal refusals[4];
    struct whb_machine_view v;
    int n;
    struct sample *old = sample_new(1, 1, 2), *fresh = sample_new(1, 1, 0);
    fresh->machine.machine_id = "m-1-reimaged";
    assert_int_equal(put(f, old, 0xaa, 1, 1000, &res), 0);
    assert_int_equal(put(f, fresh, 0xcc, 1, 2000, &res), WHB_EDENIED);
    assert_true(res.conflict);
    assert_int_equal(f->store->ops->refusals(f->store, "m-1", refusals, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(refusals[0].cause, WHB_REFUSAL_NAME);
    assert_non_null(strstr(refusals[0].claimant, "m-1-reimaged"));

    assert_int_equal(admin(f, WHB_ADMIN_RELEASE, "m-1", NULL), 0);
    /* Released, the old one keeps its name and history until someone takes them... */
    assert_int_equal(f->store->ops->get_machine(f->store, "pc-1.corp.example", &v), 0);
    assert_string_equal(v.machine_id, "m-1");
    /* ...but not an impostor without the token. */
    assert_int_equal(put(f, fresh, 0xcc, 0, 3000, &res), WHB_EDENIED);
    assert_int_equal(put(f, fresh, 0xcc, 1, 3000, &res), 0);
    assert_int_equal(f->store->ops->get_machine(f->store, "pc-1.corp.example", &v), 0);
    assert_string_equal(v.machine_id, "m-1-reimaged");
    assert_int_equal(f->store->ops->get_machine(f->store, "m-1", &v), WHB_ENOTFOUND);
    struct whb_hist_event ev[4];
    assert_int_equal(f->store->ops->get_events(f->store, "m-1", 0, INT64_MAX, ev, 4, &n), 0);
    assert_int_equal(n, 0);
    sample_free(old);
    sample_free(fresh);
}

static int collect(const struct whb_store_enrollment *e, void *arg)
{
    struct whb_store_enrollment *out = arg;
    for (int i = 0; i < 8; i++)
        if (!out[i].machine_id[0]) {
            out[i] = *e;
            return 0;
        }
    return 1;
}

/* New enrollments wait for review; accepted, they leave the list; forgotten, a machine and
 * its key are gone. */
static void enrollments_review_accept_and_forget(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct whb_store_enrollment list[8];
    struct sample *a = sample_new(1, 1, 1), *b = sample_new(2, 1, 0);
    snprintf(f->in.source_ip, sizeof(f->in.source_ip), "198.51.100.7");
    assert_int_equal(put(f, a, 0xaa, 1, 1000, &res), 0);
    assert_int_equal(put(f, b, 0xbb, 1, 2000, &res), 0);
    memset(list, 0, sizeof(list));
    assert_int_equal(f->store->ops->enrollments(f->store, 0, 10, collect, list), 0);
    assert_string_equal(list[0].machine_id, "m-2"); /* newest first */
    assert_string_equal(list[1].machine_id, "m-1");
    assert_string_equal(list[1].enrolled_from, "198.51.100.7");
    assert_int_equal(list[1].first_seen_ms, 1000);
    assert_true(list[1].keyed);
    assert_false(list[1].on_wsus);
    assert_int_equal(list[2].machine_id[0], 0);

    assert_int_equal(admin(f, WHB_ADMIN_ACCEPT, "m-1", NULL), 0);
    memset(list, 0, sizeof(list));
    assert_int_equal(f->store->ops->enrollments(f->store, 0, 10, collect, list), 0);
    assert_string_equal(list[0].machine_id, "m-2");
    assert_int_equal(list[1].machine_id[0], 0);
    memset(list, 0, sizeof(list));
    assert_int_equal(f->store->ops->enrollments(f->store, 1, 10, collect, list), 0);
    assert_int_equal(list[1].reviewed_ms, 5000);

    int had_key;
    assert_int_equal(admin(f, WHB_ADMIN_FORGET, "m-1", &had_key), 0);
    assert_true(had_key);
    struct whb_machine_view v;
    assert_int_equal(f->store->ops->get_machine(f->store, "pc-1", &v), WHB_ENOTFOUND);
    assert_int_equal(key_known(f, 0xaa), 0);
    /* Forgotten, it enrolls again as new (with the token). */
    assert_int_equal(put(f, a, 0xaa, 0, 6000, &res), WHB_EDENIED);
    assert_int_equal(put(f, a, 0xaa, 1, 6000, &res), 0);
    sample_free(a);
    sample_free(b);
}

static void import_wsus(struct fixture *f, const char *fqdn, const char *ip)
{
    struct whb_wsus_computer c;
    struct whb_wsus_change change;
    char why[200];
    uint64_t n;
    memset(&c, 0, sizeof(c));
    snprintf(c.fqdn, sizeof(c.fqdn), "%s", fqdn);
    snprintf(c.ip, sizeof(c.ip), "%s", ip);
    c.line = 1;
    assert_int_equal(
        f->store->ops->wsus_stage(f->store, "0123456789abcdef", 1, &c, 1, 1, why, sizeof(why)), 0);
    assert_int_equal(f->store->ops->wsus_finish(f->store, "0123456789abcdef", 1, &n, &change), 0);
}

/* Issue 22: an enrolled machine renamed itself to a computer on WSUS's list whose agent was not
 * installed yet, which then got 409 forever. A listed name goes only to the machine with the
 * address WSUS has for it; an unlisted free name is still anyone's to move to. */
static void a_rename_cannot_take_a_name_wsus_lists_for_another(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct whb_store_refusal refusals[4];
    int n;
    struct sample *m = sample_new(1, 1, 0), *victim = sample_new(7, 1, 0);
    import_wsus(f, "pc-7.corp.example", "10.0.0.7");
    assert_int_equal(put(f, m, 0xaa, 1, 1000, &res), 0);
    m->report.seq = 2;
    m->machine.fqdn = "pc-7.corp.example";
    assert_int_equal(put(f, m, 0xaa, 0, 2000, &res), WHB_EDENIED);
    assert_true(res.conflict);
    assert_non_null(strstr(res.why, "may not rename itself"));
    assert_int_equal(f->store->ops->refusals(f->store, "m-1", refusals, 4, &n), 0);
    assert_string_equal(refusals[0].cause, WHB_REFUSAL_RENAME);
    /* The real pc-7 enrolls. */
    assert_int_equal(put(f, victim, 0x77, 1, 3000, &res), 0);
    /* A free name off the list: fine. */
    m->machine.fqdn = "pc-1-new.corp.example";
    assert_int_equal(put(f, m, 0xaa, 0, 4000, &res), 0);
    /* Renamed in AD and listed by WSUS at an address the machine has: its own new name. */
    import_wsus(f, "pc-1-b.corp.example", "10.0.0.1");
    m->report.seq = 3;
    m->machine.fqdn = "pc-1-b.corp.example";
    assert_int_equal(put(f, m, 0xaa, 0, 5000, &res), 0);
    sample_free(m);
    sample_free(victim);
}

/* [enrollment] require: only names on WSUS's list (and, with _and_ip, from its address). */
static void the_enrollment_rule_reads_wsus_list(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct sample *listed = sample_new(1, 1, 0), *other = sample_new(2, 1, 0);
    import_wsus(f, "pc-1.corp.example", "10.0.0.99");
    f->in.enroll_rule = WHB_ENROLL_WSUS_NAME;
    assert_int_equal(put(f, other, 0xbb, 1, 1000, &res), WHB_EDENIED);
    assert_non_null(strstr(res.why, "denied: pc-2.corp.example is not on WSUS's imported list"));
    f->in.enroll_rule = WHB_ENROLL_WSUS_NAME_IP;
    assert_int_equal(put(f, listed, 0xaa, 1, 1000, &res), WHB_EDENIED);
    assert_non_null(strstr(res.why, "another address (10.0.0.99)"));
    snprintf(f->in.source_ip, sizeof(f->in.source_ip), "10.0.0.99");
    assert_int_equal(put(f, listed, 0xaa, 1, 1000, &res), 0);
    sample_free(listed);
    sample_free(other);
}

/* Issue 22: one key stored 135,000 events in 2.8 s. A machine's events come out of a budget
 * (burst, then per hour): over it, nothing of the report is stored and the answer says when to
 * come back; past events_kept the oldest go. */
static void event_quota_and_pruning(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct whb_hist_event ev[64];
    int n;
    f->in.events_per_hour = 3600; /* one a second */
    f->in.events_burst = 30;
    f->in.events_kept = 40;
    struct sample *s = sample_new(1, 1, 20);
    assert_int_equal(put(f, s, 0xaa, 1, 1000, &res), 0);
    sample_free(s);
    s = sample_new(1, 2, 20);
    assert_int_equal(put(f, s, 0xaa, 0, 2000, &res), WHB_EDENIED);
    assert_true(res.quota);
    assert_int_equal(res.retry_after_s, 10); /* 9 more events at one a second, rounded up */
    assert_int_equal(f->store->ops->get_events(f->store, "m-1", 0, INT64_MAX, ev, 64, &n), 0);
    assert_int_equal(n, 20);
    /* Ten seconds later the budget has refilled enough. */
    assert_int_equal(put(f, s, 0xaa, 0, 11000, &res), 0);
    sample_free(s);
    /* A heartbeat without events is never refused. */
    s = sample_new(1, 3, 0);
    assert_int_equal(put(f, s, 0xaa, 0, 11500, &res), 0);
    sample_free(s);
    /* 40 kept: the third batch of 20 prunes the oldest tenth beyond 36. */
    s = sample_new(1, 4, 20);
    assert_int_equal(put(f, s, 0xaa, 0, 60000, &res), 0);
    assert_int_equal(f->store->ops->get_events(f->store, "m-1", 0, INT64_MAX, ev, 64, &n), 0);
    assert_true(n <= 40 && n >= 36);
    sample_free(s);
}

/* Issue 22: an event stamped INT64_MAX with sent_at 1 overflowed the mapping onto the
 * collector's clock (undefined behaviour) and vanished from history. It saturates and is
 * never later than its report's arrival. */
static void stamps_that_would_overflow_saturate(void **state)
{
    struct fixture *f = *state;
    struct whb_store_result res;
    struct whb_hist_event ev[4];
    int n;
    struct sample *s = sample_new(1, 1, 2);
    s->report.sent_at_ms = 1;
    s->events[0].at_ms = INT64_MAX;
    s->events[1].at_ms = INT64_MIN + 1;
    s->events[1].since_ms = INT64_MAX;
    assert_int_equal(put(f, s, 0xaa, 1, 1764000000000LL, &res), 0);
    assert_int_equal(f->store->ops->get_events(f->store, "m-1", 0, 1764000000000LL, ev, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ev[0].at_ms, 0);
    assert_int_equal(ev[1].at_ms, 1764000000000LL);
    sample_free(s);
}

/* Machine n reporting from sw-1 (chassis 02:00:5e:10:00:01), port n, at now; fakes come with
 * the token from the attacker's address. */
static void on_switch(struct fixture *f, unsigned n, uint64_t seq, int64_t now, const char *from)
{
    struct whb_store_result res;
    struct sample *s = sample_new(n, seq, 0);
    s->lldp.chassis_id = "02:00:5e:10:00:01";
    s->lldp.system_name = "sw-floor-2";
    snprintf(f->in.source_ip, sizeof(f->in.source_ip), "%s", from);
    assert_int_equal(put(f, s, (uint8_t)n, 1, now, &res), 0);
    sample_free(s);
}

/* Issue 22's fake-neighbour attack: pc-1, a real machine alone on its switch, loses its link
 * (nothing reaches the collector): lost connectivity, low. Four machines enrolled with the
 * token from one host report being on the same switch and go silent with it: the answer must
 * not become a switch outage. Reviewed by an admin, the same four would count. */
static void fake_neighbours_do_not_move_the_answer(void **state)
{
    struct fixture *f = *state;
    struct whb_explanation alone, attacked, reviewed;
    struct whb_machine_view m;
    int64_t t0 = 1764000000000LL;
    on_switch(f, 1, 1, t0, "10.20.1.11");
    admin(f, WHB_ADMIN_ACCEPT, "m-1", NULL); /* the real machine is an old one */
    assert_int_equal(whb_explain_host(f->store, "pc-1", t0 + 1800000, &m, &alone), 0);
    assert_int_equal(alone.reason, WHB_REASON_LOST_CONNECTIVITY);
    assert_int_equal(alone.confidence, WHB_CONFIDENCE_LOW);

    for (unsigned n = 2; n <= 5; n++)
        on_switch(f, n, 1, t0 + 1000, "10.99.9.9");
    assert_int_equal(whb_explain_host(f->store, "pc-1", t0 + 1800000, &m, &attacked), 0);
    assert_int_equal(attacked.reason, WHB_REASON_LOST_CONNECTIVITY);
    assert_int_equal(attacked.confidence, WHB_CONFIDENCE_LOW);
    assert_string_equal(attacked.summary, alone.summary);
    struct whb_peer_group p;
    assert_int_equal(
        f->store->ops->peer_group(f->store, WHB_PEERS_SWITCH, &m, t0 + 1800000, t0, 120000, 0, &p),
        0);
    assert_int_equal(p.together, 1); /* pc-1 alone: the fakes are not counted */

    /* Once an admin accepts them (they were real after all), they are neighbours. */
    admin(f, WHB_ADMIN_ACCEPT, NULL, NULL);
    assert_int_equal(whb_explain_host(f->store, "pc-1", t0 + 1800000, &m, &reviewed), 0);
    assert_int_equal(reviewed.confidence, WHB_CONFIDENCE_MEDIUM);
    assert_non_null(strstr(reviewed.summary, "switch sw-floor-2"));
    assert_non_null(strstr(reviewed.summary, "all 5 known machines silent"));
}

/* Machine n at addr (its subnet), reporting at now from the address from. */
static void in_subnet(struct fixture *f, unsigned n, int64_t now, const char *addr,
                      const char *from)
{
    struct whb_store_result res;
    struct sample *s = sample_new(n, 1, 0);
    snprintf(s->addr, sizeof(s->addr), "%s", addr);
    snprintf(f->in.source_ip, sizeof(f->in.source_ip), "%s", from);
    assert_int_equal(put(f, s, (uint8_t)n, 1, now, &res), 0);
    sample_free(s);
}

/* The multi-subnet variant: fakes on pc-1's subnet and on two others, silent with it, turned
 * its answer into "most of the fleet went silent at once" (collector unavailable: nothing to do
 * on the computers). Unreviewed, they count for nothing; accepted, the same machines would. */
static void a_fake_fleet_does_not_blame_the_collector(void **state)
{
    struct fixture *f = *state;
    struct whb_explanation alone, attacked, reviewed;
    struct whb_machine_view m;
    int64_t t0 = 1764000000000LL, asked = t0 + 1800000;
    static const char *const addrs[] = {"10.1.0.2/16", "10.1.0.3/16", "10.2.0.4/16",
                                        "10.2.0.5/16", "10.3.0.6/16", "10.3.0.7/16"};
    in_subnet(f, 1, t0, "10.1.0.1/16", "10.1.0.1");
    admin(f, WHB_ADMIN_ACCEPT, "m-1", NULL);
    assert_int_equal(whb_explain_host(f->store, "pc-1", asked, &m, &alone), 0);
    assert_int_equal(alone.reason, WHB_REASON_LOST_CONNECTIVITY);
    assert_int_equal(alone.confidence, WHB_CONFIDENCE_LOW);
    for (unsigned n = 2; n <= 7; n++)
        in_subnet(f, n, t0 + 1000, addrs[n - 2], "10.99.9.9");
    assert_int_equal(whb_explain_host(f->store, "pc-1", asked, &m, &attacked), 0);
    assert_int_equal(attacked.reason, WHB_REASON_LOST_CONNECTIVITY);
    assert_int_equal(attacked.confidence, WHB_CONFIDENCE_LOW);
    assert_string_equal(attacked.summary, alone.summary);
    admin(f, WHB_ADMIN_ACCEPT, NULL, NULL);
    assert_int_equal(whb_explain_host(f->store, "pc-1", asked, &m, &reviewed), 0);
    assert_int_equal(reviewed.reason, WHB_REASON_COLLECTOR_UNAVAILABLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reimaged_same_id_comes_back_through_release, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(reimaged_new_id_takes_the_released_name, setup, teardown),
        cmocka_unit_test_setup_teardown(enrollments_review_accept_and_forget, setup, teardown),
        cmocka_unit_test_setup_teardown(a_rename_cannot_take_a_name_wsus_lists_for_another, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_enrollment_rule_reads_wsus_list, setup, teardown),
        cmocka_unit_test_setup_teardown(event_quota_and_pruning, setup, teardown),
        cmocka_unit_test_setup_teardown(stamps_that_would_overflow_saturate, setup, teardown),
        cmocka_unit_test_setup_teardown(fake_neighbours_do_not_move_the_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(a_fake_fleet_does_not_blame_the_collector, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
