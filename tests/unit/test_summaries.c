/* The fleet summaries (collector/summaries/): the status, outages and network texts made from a
 * real SQLite store filled through its put_report with sample reports, the collector's own
 * downtimes and runs, the worker's in-place path for a small fleet, and the table of silent
 * machines' reasons. Time is an argument everywhere: the fleet lives at T0. */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "collector.h"
#include "error.h"
#include "explain/correlate.h"
#include "sample.h"
#include "store/runs.h"
#include "store/store.h"
#include "summaries/collectors.h"
#include "summaries/reasons.h"
#include "summaries/summaries.h"
#include "summaries/worker.h"
#include "testdb.h"
#include "tmpdir.h"

#define T0  1764000000000LL
#define MIN 60000LL
#define NOW (T0 + 30 * MIN)

struct fixture {
    char dir[256];
    struct whb_collector col;
    struct whb_store *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char why[256];
    if (!f || test_tmpdir(f->dir, sizeof(f->dir)))
        return -1;
    whb_config_defaults(&f->col.cfg);
    snprintf(f->col.cfg.db_path, sizeof(f->col.cfg.db_path), "%s/c.db", f->dir);
    snprintf(f->col.cfg.collector_id, sizeof(f->col.cfg.collector_id), "col-test");
    f->col.cfg.interval_s = 60;
    /* On PostgreSQL too (test_summaries_pg): the summaries read through both backends. */
    int rc = testdb_reset() ? -1
             : testdb_pg()  ? whb_store_postgresql.open(testdb_pg(), &f->st, why, sizeof(why))
                            : whb_store_sqlite.open(f->col.cfg.db_path, &f->st, why, sizeof(why));
    if (testdb_pg()) { /* the worker opens its own handle from the configuration */
        f->col.cfg.db_postgresql = 1;
        snprintf(f->col.cfg.db_conninfo, sizeof(f->col.cfg.db_conninfo), "%s", testdb_pg());
    }
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
    f->st->ops->close(f->st);
    test_rmtree(f->dir);
    free(f);
    return 0;
}

enum place { WIFI = 0, SW1, SW2, SW3 };

/* Machine n, attached at place, sends report seq at collector time at (a last gasp: it shuts
 * down), stored through the store's put_report in a transaction of its own. */
static void report(struct fixture *f, unsigned n, enum place where, uint64_t seq, int64_t at,
                   int last_gasp)
{
    static const char *const chassis[] = {"", "00:11:22:33:44:01", "00:11:22:33:44:02",
                                          "00:11:22:33:44:03"};
    static const char *const names[] = {"", "sw-1", "sw-2", "sw-3"};
    struct sample *s = sample_new(n, seq, last_gasp ? 1 : 0);
    Whb__V1__Wireless wifi;
    assert_non_null(s);
    snprintf(s->addr, sizeof(s->addr), "10.%d.0.%u/24", (int)where, n);
    if (where == WIFI) {
        whb__v1__wireless__init(&wifi);
        wifi.ssid = "Corp";
        wifi.bssid = "a0:b1:c2:d3:e4:f5";
        wifi.associated = 1;
        wifi.signal_dbm = -55;
        s->adapter.name = "wlan0";
        s->adapter.type = WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_WIRELESS;
        s->adapter.wireless = &wifi;
        s->adapter.lldp = NULL;
    } else {
        s->lldp.chassis_id = (char *)chassis[where];
        s->lldp.system_name = (char *)names[where];
    }
    if (last_gasp) {
        s->report.last_gasp = 1;
        s->events[0].kind = WHB__V1__EVENT_KIND__EVENT_KIND_SHUTDOWN;
        s->events[0].detail = "shutting down";
    }
    struct whb_store_report in = {
        .report = &s->report, .mode = WHB_IDENTITY_KEY, .enrolling = 1, .now_ms = at, .grace = 3};
    struct whb_store_result res;
    memset(in.key_hash, 0xaa, sizeof(in.key_hash));
    assert_int_equal(f->st->ops->begin(f->st), 0);
    assert_int_equal(f->st->ops->put_report(f->st, &in, &res), 0);
    assert_int_equal(f->st->ops->commit(f->st), 0);
    /* An admin reviewed the fleet (whb accept --all): its machines move each other's answers. */
    uint8_t key[WHB_IDENTITY_HASH_LEN];
    int had_key;
    assert_int_equal(f->st->ops->admin(f->st, WHB_ADMIN_ACCEPT, NULL, at, key, &had_key), 0);
    sample_free(s);
}

/* Ten machines that reported at T0: on sw-1 six (pc-1, pc-2 and pc-3 silent since, the others
 * reporting: three at once, not a coincidence), on sw-2 two (pc-7 silent), on sw-3 pc-9 that
 * shut down, and pc-10 on Wi-Fi. At NOW the silent ones are 30 minutes past their last report. */
static void fleet(struct fixture *f)
{
    for (unsigned n = 1; n <= 6; n++)
        report(f, n, SW1, 1, T0, 0);
    report(f, 7, SW2, 1, T0, 0);
    report(f, 8, SW2, 1, T0, 0);
    report(f, 9, SW3, 1, T0, 1);
    report(f, 10, WIFI, 1, T0, 0);
    /* The others report every minute since (a machine back from a silence that began with
     * theirs would have gone quiet with them). */
    const unsigned on[] = {4, 5, 6, 8, 10};
    const enum place at[] = {SW1, SW1, SW1, SW2, WIFI};
    for (uint64_t k = 1; k <= 30; k++)
        for (unsigned i = 0; i < 5; i++)
            report(f, on[i], at[i], 1 + k, k < 30 ? T0 + (int64_t)k * MIN : NOW - 30000, 0);
}

/* The collector's life: killed at T0 - 60 min (its last alive mark), back 10 minutes later,
 * alive a moment before NOW. */
static void collector_runs(struct fixture *f)
{
    assert_int_equal(whb_runs_start(f->st, T0 - 120 * MIN), 0);
    assert_int_equal(whb_runs_alive(f->st, T0 - 60 * MIN), 0);
    assert_int_equal(whb_runs_start(f->st, T0 - 50 * MIN), 0);
    assert_int_equal(whb_runs_alive(f->st, NOW - 2000), 0);
}

static json_t *parse(char *text)
{
    assert_non_null(text);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    free(text);
    assert_non_null(doc);
    return doc;
}

static long long int_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    return (long long)json_integer_value(v);
}

static const char *str_at(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    assert_non_null(s);
    return s;
}

/* The entry of list whose key is value, or NULL. */
static json_t *find(json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *v = json_string_value(json_object_get(e, key));
        if (v && !strcmp(v, value))
            return e;
    }
    return NULL;
}

static enum whb_reason engine_says(struct fixture *f, const char *host)
{
    struct whb_machine_view m;
    struct whb_explanation x;
    assert_int_equal(whb_explain_host(f->st, host, NOW, &m, &x), 0);
    return x.reason;
}

static void status_counts_the_fleet_and_the_silent_by_reason(void **state)
{
    struct fixture *f = *state;
    fleet(f);
    collector_runs(f);
    json_t *doc = parse(whb_summary_status(&f->col, f->st, NOW, NULL));
    assert_int_equal(int_at(doc, "known"), 10);
    assert_int_equal(int_at(doc, "reporting"), 5);
    assert_int_equal(int_at(doc, "not_reporting"), 5);
    assert_int_equal(int_at(doc, "explained"), 5);
    assert_string_equal(str_at(doc, "generated_at"), "2025-11-24T16:30:00Z");

    /* Each silent machine counted under its own reason, as `why` gives it. */
    json_t *by = json_object_get(doc, "by_reason");
    assert_int_equal(json_array_size(by), 3);
    json_t *port = find(by, "reason", "port_disabled");
    assert_non_null(port);
    assert_int_equal(int_at(port, "machines"), 3);
    assert_string_equal(str_at(port, "term"), whb_reason_info(WHB_REASON_PORT_DISABLED)->term);
    assert_true(json_is_true(json_object_get(port, "documented")));
    assert_int_equal(int_at(find(by, "reason", "lost_connectivity"), "machines"), 1);
    assert_int_equal(int_at(find(by, "reason", "turned_off"), "machines"), 1);
    assert_int_equal(engine_says(f, "pc-1"), WHB_REASON_PORT_DISABLED);
    assert_int_equal(engine_says(f, "pc-2"), WHB_REASON_PORT_DISABLED);
    assert_int_equal(engine_says(f, "pc-3"), WHB_REASON_PORT_DISABLED);
    assert_int_equal(engine_says(f, "pc-7"), WHB_REASON_LOST_CONNECTIVITY);
    assert_int_equal(engine_says(f, "pc-9"), WHB_REASON_TURNED_OFF);

    /* The collector's own downtime of the last day, and its run now. */
    json_t *down = json_object_get(doc, "collector_downtimes");
    assert_int_equal(json_array_size(down), 1);
    assert_string_equal(str_at(json_array_get(down, 0), "from"), "2025-11-24T15:00:00Z");
    assert_string_equal(str_at(json_array_get(down, 0), "to"), "2025-11-24T15:10:00Z");
    assert_string_equal(str_at(json_array_get(down, 0), "how"), "killed or crashed");
    json_t *cols = json_object_get(doc, "collectors");
    assert_int_equal(json_array_size(cols), 1);
    assert_string_equal(str_at(json_array_get(cols, 0), "id"), "col-test");
    assert_string_equal(str_at(json_array_get(cols, 0), "state"), "running");
    json_decref(doc);

    /* A walk that is told to stop gives no half-made text. */
    _Atomic int cancel = 1;
    assert_null(whb_summary_status(&f->col, f->st, NOW, &cancel));
}

static void outages_group_the_silent_machines_of_one_switch(void **state)
{
    struct fixture *f = *state;
    fleet(f);
    collector_runs(f);
    json_t *doc = parse(whb_summary_outages(&f->col, f->st, NOW, NULL));
    json_t *list = json_object_get(doc, "outages");
    assert_int_equal(int_at(doc, "unexplained"), 0);
    /* sw-1's three silent machines are one outage; pc-7 alone on sw-2 is none, nor is pc-9,
     * which shut down, nor pc-10 on Wi-Fi, which reports. */
    json_t *sw = find(list, "kind", "switch");
    assert_non_null(sw);
    assert_string_equal(str_at(sw, "where"), "switch sw-1 (00:11:22:33:44:01)");
    assert_string_equal(str_at(sw, "reason"), "port_disabled");
    assert_int_equal(int_at(sw, "machines_count"), 3);
    assert_string_equal(str_at(sw, "since"), "2025-11-24T16:00:00Z");
    json_t *machines = json_object_get(sw, "machines");
    assert_int_equal(json_array_size(machines), 3);
    json_t *pc1 = find(machines, "machine", "pc-1.corp.example");
    json_t *pc2 = find(machines, "machine", "pc-2.corp.example");
    assert_non_null(pc1);
    assert_non_null(pc2);
    assert_string_equal(str_at(pc1, "port"), "Gi1/0/2");
    assert_string_equal(str_at(pc2, "port"), "Gi1/0/3");
    assert_null(find(list, "kind", "access_point"));
    assert_null(find(list, "kind", "wsus"));
    /* The collector's downtime is an outage of its own, named for what it is. */
    json_t *ours = find(list, "kind", "collector");
    assert_non_null(ours);
    assert_string_equal(str_at(ours, "reason"), "collector_unavailable");
    assert_string_equal(str_at(ours, "where"), "the collector");
    assert_string_equal(str_at(ours, "since"), "2025-11-24T15:00:00Z");
    assert_string_equal(str_at(ours, "until"), "2025-11-24T15:10:00Z");
    assert_int_equal(json_array_size(list), 2);
    json_decref(doc);
}

/* The whole fleet went quiet while the collector was down (killed after its alive mark at
 * T0 + 1 min, back at T0 + 20 min): the downtime says how many it silenced. */
static void a_downtime_counts_the_machines_it_silenced(void **state)
{
    struct fixture *f = *state;
    for (unsigned n = 1; n <= 3; n++)
        report(f, n, SW1, 1, T0, 0);
    assert_int_equal(whb_runs_start(f->st, T0 - MIN), 0);
    assert_int_equal(whb_runs_alive(f->st, T0 + MIN), 0);
    assert_int_equal(whb_runs_start(f->st, T0 + 20 * MIN), 0);
    json_t *down = whb_summary_downtimes(&f->col, f->st, T0 + 25 * MIN, 1);
    assert_int_equal(json_array_size(down), 1);
    json_t *d = json_array_get(down, 0);
    assert_string_equal(str_at(d, "from"), "2025-11-24T16:01:00Z");
    assert_string_equal(str_at(d, "to"), "2025-11-24T16:20:00Z");
    assert_int_equal(int_at(d, "machines_silenced"), 3);
    json_decref(down);
    /* Without the count it is only the times. */
    down = whb_summary_downtimes(&f->col, f->st, T0 + 25 * MIN, 0);
    assert_null(json_object_get(json_array_get(down, 0), "machines_silenced"));
    json_decref(down);
    /* Not after a day. */
    down = whb_summary_downtimes(&f->col, f->st, T0 + 25 * 60 * MIN, 1);
    assert_int_equal(json_array_size(down), 0);
    json_decref(down);
    /* The collector that no longer marks itself alive is not running; one stopped says so. */
    unsigned running = 9;
    json_t *cols = whb_summary_collectors(&f->col, f->st, T0 + 25 * MIN, &running);
    assert_string_equal(str_at(json_array_get(cols, 0), "state"), "not_running");
    assert_int_equal(running, 0);
    json_decref(cols);
    assert_int_equal(whb_runs_stop(f->st, T0 + 26 * MIN), 0);
    cols = whb_summary_collectors(&f->col, f->st, T0 + 27 * MIN, &running);
    assert_string_equal(str_at(json_array_get(cols, 0), "state"), "stopped");
    assert_string_equal(str_at(json_array_get(cols, 0), "stopped"), "2025-11-24T16:26:00Z");
    json_decref(cols);
}

static void network_summaries_count_machines_per_switch_and_network(void **state)
{
    struct fixture *f = *state;
    fleet(f);
    json_t *doc = parse(whb_summary_network(f->st, 0, NOW));
    json_t *list = json_object_get(doc, "switches");
    assert_int_equal(json_array_size(list), 3);
    const struct {
        const char *name, *chassis;
        int machines, silent;
    } want[] = {{"sw-1", "00:11:22:33:44:01", 6, 3},
                {"sw-2", "00:11:22:33:44:02", 2, 1},
                {"sw-3", "00:11:22:33:44:03", 1, 1}};
    for (int i = 0; i < 3; i++) {
        json_t *sw = find(list, "switch", want[i].name);
        assert_non_null(sw);
        assert_string_equal(str_at(sw, "chassis"), want[i].chassis);
        assert_int_equal(int_at(sw, "machines"), want[i].machines);
        assert_int_equal(int_at(sw, "silent"), want[i].silent);
    }
    json_decref(doc);
    doc = parse(whb_summary_make(&f->col, f->st, WHB_SUMMARY_WIFIS, NOW, NULL));
    list = json_object_get(doc, "networks");
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(str_at(json_array_get(list, 0), "ssid"), "Corp");
    assert_string_equal(str_at(json_array_get(list, 0), "bssid"), "a0:b1:c2:d3:e4:f5");
    assert_int_equal(int_at(json_array_get(list, 0), "machines"), 1);
    assert_int_equal(int_at(json_array_get(list, 0), "silent"), 0);
    json_decref(doc);
    /* An hour later every machine is silent. */
    doc = parse(whb_summary_make(&f->col, f->st, WHB_SUMMARY_SWITCHES, NOW + 60 * MIN, NULL));
    assert_int_equal(int_at(find(json_object_get(doc, "switches"), "switch", "sw-1"), "silent"), 6);
    json_decref(doc);
}

static void reasons_hold_until_the_machine_reports_again(void **state)
{
    struct fixture *f = *state;
    struct whb_machine_view m;
    int reason = -1, confidence = -1;
    const char *fqdn = NULL, *where = NULL;
    fleet(f);
    struct whb_reasons *r = whb_reasons_make(f->st, NOW, NULL);
    assert_non_null(r);
    assert_int_equal(r->n, 5);
    assert_int_equal(f->st->ops->get_machine(f->st, "pc-1", &m), 0);
    assert_int_equal(whb_reasons_find(r, &m, &reason, &confidence, &fqdn, &where), 0);
    assert_int_equal(reason, WHB_REASON_PORT_DISABLED);
    assert_int_equal(confidence, WHB_CONFIDENCE_MEDIUM);
    assert_string_equal(fqdn, "pc-1.corp.example");
    assert_string_equal(where, "sw-1 Gi1/0/2 pc-1.corp.example");
    assert_int_equal(f->st->ops->get_machine(f->st, "pc-9", &m), 0);
    assert_int_equal(whb_reasons_find(r, &m, &reason, &confidence, &fqdn, &where), 0);
    assert_int_equal(reason, WHB_REASON_TURNED_OFF);
    /* A machine that reports has no entry. */
    assert_int_equal(f->st->ops->get_machine(f->st, "pc-4", &m), 0);
    assert_int_equal(whb_reasons_find(r, &m, &reason, &confidence, &fqdn, &where), WHB_ENOTFOUND);
    /* pc-1 reports again: its entry no longer holds, though the table still has it. */
    report(f, 1, SW1, 2, NOW - 1000, 0);
    assert_int_equal(f->st->ops->get_machine(f->st, "pc-1", &m), 0);
    assert_int_equal(whb_reasons_find(r, &m, &reason, &confidence, &fqdn, &where), WHB_ENOTFOUND);
    whb_reasons_free(r);
    /* Told to stop: no table. */
    _Atomic int cancel = 1;
    assert_null(whb_reasons_make(f->st, NOW, &cancel));
}

/* The pass reads a switch's and a subnet's rows once for all its silent machines, and each
 * machine's reason is the one `why` gives it. */
static void reasons_share_peer_groups_and_answer_as_why(void **state)
{
    struct fixture *f = *state;
    struct whb_machine_view m;
    struct whb_explanation x;
    int reason = -1, confidence = -1;
    const char *fqdn = NULL, *where = NULL;
    fleet(f);
    struct whb_reasons *r = whb_reasons_make(f->st, NOW, NULL);
    assert_non_null(r);
    assert_null(f->st->peer_cache); /* the pass's own, gone with it */
    /* pc-1, pc-2 and pc-3 share sw-1 and 10.1.0.0/24: read for the first, reused after. */
    assert_true(r->peers_served >= 4);
    /* PostgreSQL reads the silent machines' rows ahead, in one round trip, and every answer
     * so read is the one explaining asked for (same statement, same parameters). */
    if (testdb_pg()) {
        assert_true(r->ahead_read >= 5 * 4); /* events, refusals, downtimes, peers returned */
        assert_int_equal(r->ahead_served, r->ahead_read);
    } else
        assert_int_equal(r->ahead_read, 0);
    const char *silent[] = {"pc-1", "pc-2", "pc-3", "pc-7", "pc-9"};
    for (size_t i = 0; i < sizeof(silent) / sizeof(silent[0]); i++) {
        assert_int_equal(f->st->ops->get_machine(f->st, silent[i], &m), 0);
        assert_int_equal(whb_reasons_find(r, &m, &reason, &confidence, &fqdn, &where), 0);
        assert_int_equal(whb_explain_view(f->st, &m, NOW, &x), 0);
        assert_int_equal(reason, x.reason);
        assert_int_equal(confidence, x.confidence);
    }
    whb_reasons_free(r);
}

/* The function the worker is handed, counting the summaries made through the asking
 * thread's handle. */
static struct whb_store *asking;
static unsigned made_in_place[WHB_SUMMARY_COUNT_];
static pthread_mutex_t made_lock = PTHREAD_MUTEX_INITIALIZER;

static char *counting_make(struct whb_collector *col, struct whb_store *st, enum whb_summary k,
                           int64_t now, const _Atomic int *cancel)
{
    pthread_mutex_lock(&made_lock);
    made_in_place[k] += st == asking;
    pthread_mutex_unlock(&made_lock);
    return whb_summary_make(col, st, k, now, cancel);
}

/* A small fleet is summarised in place, through the asking loop's handle: always fresh. */
static void a_small_fleet_is_summarised_in_place(void **state)
{
    struct fixture *f = *state;
    struct whb_summaries *s = NULL;
    int64_t made = 0;
    fleet(f);
    asking = f->st;
    memset(made_in_place, 0, sizeof(made_in_place));
    assert_int_equal(whb_summaries_start(&f->col, counting_make, &s), 0);
    assert_non_null(s);
    f->col.summaries = s;

    json_t *doc = parse(whb_summaries_get(s, f->st, WHB_SUMMARY_STATUS, NOW));
    assert_int_equal(int_at(doc, "known"), 10);
    json_decref(doc);
    /* A machine more is in the next answer at once: nothing is served from an older one. */
    report(f, 11, SW2, 1, NOW - 1000, 0);
    doc = parse(whb_summaries_get(s, f->st, WHB_SUMMARY_STATUS, NOW));
    assert_int_equal(int_at(doc, "known"), 11);
    assert_int_equal(int_at(doc, "reporting"), 6);
    json_decref(doc);
    doc = parse(whb_summaries_get(s, f->st, WHB_SUMMARY_SWITCHES, NOW));
    assert_int_equal(int_at(find(json_object_get(doc, "switches"), "switch", "sw-2"), "machines"),
                     3);
    json_decref(doc);
    doc = parse(whb_summaries_get(s, f->st, WHB_SUMMARY_OUTAGES, NOW));
    assert_non_null(find(json_object_get(doc, "outages"), "kind", "switch"));
    json_decref(doc);
    pthread_mutex_lock(&made_lock);
    assert_int_equal(made_in_place[WHB_SUMMARY_STATUS], 2);
    assert_int_equal(made_in_place[WHB_SUMMARY_SWITCHES], 1);
    assert_int_equal(made_in_place[WHB_SUMMARY_OUTAGES], 1);
    pthread_mutex_unlock(&made_lock);
    /* Reasons are explained in place too: the worker's table is not handed out. */
    assert_null(whb_summaries_reasons(s, f->st, NOW, &made));
    whb_summaries_stop(s);
    f->col.summaries = NULL;
}

/* A silent machine's reason moves with time: just after the collector's own downtime it is the
 * collector's, later its own. The worker's table made at the collector's start must not decide
 * the outages asked for 40 minutes later (a small fleet's are made in place, and `why` says
 * then that two of sw-1's machines stayed cut off after the collector was back: their own
 * silences, which the downtime that met them all says nothing more about). */
static void outages_in_place_use_the_reasons_of_their_time(void **state)
{
    struct fixture *f = *state;
    struct whb_summaries *s = NULL;
    struct whb_machine_view m;
    int64_t w = whb_clock_wall_ms(), made = 0;
    for (unsigned n = 1; n <= 6; n++)
        report(f, n, SW1, 1, w - 21 * MIN, 0);
    assert_int_equal(whb_runs_start(f->st, w - 30 * MIN), 0);
    assert_int_equal(whb_runs_alive(f->st, w - 20 * MIN), 0); /* then killed */
    assert_int_equal(whb_runs_start(f->st, w - MIN), 0);
    for (unsigned n = 3; n <= 6; n++) {
        report(f, n, SW1, 2, w, 0);
        report(f, n, SW1, 3, w + 39 * MIN, 0);
    }
    asking = NULL;
    assert_int_equal(whb_summaries_start(&f->col, counting_make, &s), 0);
    f->col.summaries = s;
    const struct whb_reasons *r = NULL;
    for (int ms = 0; ms < 10000 && !(r = whb_summaries_reasons_held(s, &made)); ms += 5)
        usleep(5000);
    assert_non_null(r);
    int reason = -1, confidence;
    const char *fqdn, *where;
    assert_int_equal(f->st->ops->get_machine(f->st, "pc-1", &m), 0);
    assert_int_equal(whb_reasons_find(r, &m, &reason, &confidence, &fqdn, &where), 0);
    assert_int_equal(reason, WHB_REASON_COLLECTOR_UNAVAILABLE);
    whb_summaries_reasons_put(s, r);

    int64_t later = w + 40 * MIN;
    struct whb_explanation x;
    assert_int_equal(whb_explain_host(f->st, "pc-1", later, &m, &x), 0);
    assert_int_equal(x.reason, WHB_REASON_LOST_CONNECTIVITY);
    json_t *doc = parse(whb_summaries_get(s, f->st, WHB_SUMMARY_OUTAGES, later));
    json_t *sw = find(json_object_get(doc, "outages"), "kind", "switch");
    assert_non_null(sw);
    assert_string_equal(str_at(sw, "reason"), "lost_connectivity");
    assert_int_equal(int_at(sw, "machines_count"), 2);
    json_decref(doc);
    whb_summaries_stop(s);
    f->col.summaries = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(status_counts_the_fleet_and_the_silent_by_reason, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(outages_group_the_silent_machines_of_one_switch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_downtime_counts_the_machines_it_silenced, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(network_summaries_count_machines_per_switch_and_network,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(reasons_hold_until_the_machine_reports_again, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(reasons_share_peer_groups_and_answer_as_why, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_small_fleet_is_summarised_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(outages_in_place_use_the_reasons_of_their_time, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
