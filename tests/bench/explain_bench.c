/* whb-explain-bench: fills a real SQLite (or PostgreSQL: DB "postgresql:CONNINFO") store through
 * the collector's own ingest code with N machines (48 per switch, 250 per /24, a share of them
 * silent, each with a few events), then times `why` for random hosts (p50/p99) and the listing of
 * every silent machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain/correlate.h"
#include "sample.h"
#include "store/census.h"
#include "store/store.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define BASE 1764000000000LL

/* Where a `why` spends its time: the store's read operations it calls, timed through a copy
 * of the backend's table that wraps them. */
enum spied { SPY_GET_MACHINE, SPY_EVENTS, SPY_PEERS, SPY_FLEET, SPY_DOWNTIMES, SPY_WSUS, SPY_N_ };
static const char *const spied_name[SPY_N_] = {"machine", "events",    "peer groups",
                                               "fleet",   "downtimes", "wsus failing"};
static const struct whb_store_ops *real;
static double spent[SPY_N_];
static unsigned long calls[SPY_N_];

#define SPY(which, call)                                                                           \
    do {                                                                                           \
        double t0_ = now_ms();                                                                     \
        int rc_ = (call);                                                                          \
        spent[which] += now_ms() - t0_;                                                            \
        calls[which]++;                                                                            \
        return rc_;                                                                                \
    } while (0)

static int spy_get_machine(struct whb_store *s, const char *host, struct whb_machine_view *out)
{
    SPY(SPY_GET_MACHINE, real->get_machine(s, host, out));
}

static int spy_events(struct whb_store *s, const char *id, int64_t from, int64_t to,
                      struct whb_hist_event *out, int max, int *n)
{
    SPY(SPY_EVENTS, real->get_events(s, id, from, to, out, max, n));
}

static int spy_peers(struct whb_store *s, enum whb_peer_kind kind, const struct whb_machine_view *m,
                     int64_t now, int64_t anchor, int64_t window, int with_gaps,
                     struct whb_peer_group *out)
{
    SPY(SPY_PEERS, real->peer_group(s, kind, m, now, anchor, window, with_gaps, out));
}

static int spy_fleet(struct whb_store *s, int64_t now, int64_t anchor, int64_t window,
                     int64_t ended, struct whb_peer_group *out)
{
    SPY(SPY_FLEET, real->fleet_group(s, now, anchor, window, ended, out));
}

static int spy_downtimes(struct whb_store *s, int64_t from, int64_t to, struct whb_downtime *out,
                         int max, int *n)
{
    SPY(SPY_DOWNTIMES, real->downtimes(s, from, to, out, max, n));
}

static int spy_wsus(struct whb_store *s, const char *cls, int64_t now, unsigned *n)
{
    SPY(SPY_WSUS, real->wsus_failing(s, cls, now, n));
}

static struct whb_store_ops spy_ops;

static void spy_on(struct whb_store *st)
{
    if (st->ops != &spy_ops)
        real = st->ops;
    spy_ops = *real;
    spy_ops.get_machine = spy_get_machine;
    spy_ops.get_events = spy_events;
    spy_ops.peer_group = spy_peers;
    spy_ops.fleet_group = spy_fleet;
    spy_ops.downtimes = spy_downtimes;
    spy_ops.wsus_failing = spy_wsus;
    st->ops = &spy_ops;
    memset(spent, 0, sizeof(spent));
    memset(calls, 0, sizeof(calls));
}

static void spy_print(const char *what, unsigned answers)
{
    printf("  where %s's time goes (ms per answer):", what);
    for (int i = 0; i < SPY_N_; i++)
        if (calls[i])
            printf(" %s %.3f (%lu calls)", spied_name[i], spent[i] / answers, calls[i]);
    printf("\n");
}

/* live: a store for a live collector (console.sh); the reporting machines ask for an hourly
 * report so that they stay reporting while the benchmark runs. */
static int fill(struct whb_store *st, unsigned n, unsigned silent_pct, int64_t base, int live)
{
    struct whb_store_result res;
    double t0 = now_ms();
    for (unsigned i = 0; i < n; i++) {
        if (i % 10000 == 0 && (i ? st->ops->commit(st) : 0, st->ops->begin(st)))
            return 1;
        struct sample *s = sample_new(i, 1, 3);
        char chassis[32];
        snprintf(chassis, sizeof(chassis), "02:00:%02x:%02x:%02x:00", (i / 48) >> 16 & 255,
                 (i / 48) >> 8 & 255, (i / 48) & 255);
        s->lldp.chassis_id = chassis;
        snprintf(s->addr, sizeof(s->addr), "10.%u.%u.%u/24", (i / 250) >> 8 & 255, (i / 250) & 255,
                 i % 250 + 1);
        int silent = (i * 7919u) % 100 < silent_pct;
        if (live && !silent)
            s->report.interval_s = 3600;
        struct whb_store_report in = {.report = &s->report,
                                      .mode = WHB_IDENTITY_KEY,
                                      .enrolling = 1,
                                      .grace = 3,
                                      .now_ms = base - (silent ? 3600000 + (i % 600) * 1000 : 0)};
        memset(in.key_hash, (int)(i & 255), sizeof(in.key_hash));
        if (st->ops->put_report(st, &in, &res)) {
            fprintf(stderr, "put %u: %s\n", i, res.why);
            return 1;
        }
        sample_free(s);
    }
    if (st->ops->commit(st))
        return 1;
    /* An admin reviewed the fleet (whb accept --all): neighbours count (issue 22). */
    uint8_t key[WHB_IDENTITY_HASH_LEN];
    int had_key;
    if (st->ops->admin(st, WHB_ADMIN_ACCEPT, NULL, base, key, &had_key))
        return 1;
    printf("filled %u machines (%u%% silent, 3 events each) in %.1f s\n", n, silent_pct,
           (now_ms() - t0) / 1e3);
    return 0;
}

/* The summaries worker's share: each silent machine explained, as its reasons are made. */
struct explain_walk {
    struct whb_store *st;
    int64_t now;
    unsigned n;
};

static int explain_one(const struct whb_machine_view *m, void *arg)
{
    struct explain_walk *w = arg;
    struct whb_explanation x;
    whb_explain_view(w->st, m, w->now, &x);
    w->n++;
    return 0;
}

static int count_one(const struct whb_machine_view *m, void *arg)
{
    (void)m;
    (*(unsigned long *)arg)++;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: whb-explain-bench DB MACHINES [SILENT_PCT] [QUERIES] [now|silent]\n"
                        "  DB: a SQLite file, or postgresql:CONNINFO\n"
                        "  now: reports dated from the wall clock (a store for a live "
                        "collector); QUERIES 0: fill only\n"
                        "  silent: the store asked now, a year after its reports (every machine "
                        "silent), counted with a fleet census as the collector does\n");
        return 2;
    }
    const char *db = argv[1];
    unsigned n = (unsigned)atoi(argv[2]);
    unsigned pct = argc > 3 ? (unsigned)atoi(argv[3]) : 5;
    unsigned q = argc > 4 ? (unsigned)atoi(argv[4]) : 2000;
    struct whb_store *st;
    char why[256];
    uint64_t known = 0, silent = 0;
    const struct whb_store_ops *ops = &whb_store_sqlite;
    if (!strncmp(db, "postgresql:", 11)) {
        ops = &whb_store_postgresql;
        db += 11;
    }
    if (ops->open(db, &st, why, sizeof(why))) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    int live = argc > 5 && !strcmp(argv[5], "now");
    int all_silent = argc > 5 && !strcmp(argv[5], "silent");
    int64_t wall_ms = (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000;
    int64_t base = live ? wall_ms : BASE;
    int64_t now = all_silent ? wall_ms : base + 60000;
    struct whb_census_keeper *keeper = NULL;
    st->ops->count_machines(st, now, &known, &silent);
    if (known < n && fill(st, n, pct, base, live))
        return 1;
    st->ops->count_machines(st, now, &known, &silent);
    printf("store: %llu machines, %llu silent\n", (unsigned long long)known,
           (unsigned long long)silent);

    if (q == 0) {
        st->ops->close(st);
        return 0;
    }
    if (all_silent) {
        struct whb_store *own;
        if (ops->open(db, &own, why, sizeof(why))) {
            fprintf(stderr, "%s\n", why);
            return 1;
        }
        double t0 = now_ms();
        if (whb_census_keeper_start(own, WHB_CENSUS_MIN_MACHINES, 1, &keeper))
            return 1;
        st->census = keeper;
        printf("census: made in %.0f ms\n", now_ms() - t0);
    }
    double *lat = calloc(q, sizeof(*lat));
    unsigned silent_answers = 0;
    spy_on(st);
    srand(42);
    for (unsigned i = 0; i < q; i++) {
        char host[64];
        struct whb_machine_view m;
        struct whb_explanation x;
        snprintf(host, sizeof(host), "pc-%u.corp.example", (unsigned)rand() % n);
        double t0 = now_ms();
        if (whb_explain_host(st, host, now, &m, &x)) {
            fprintf(stderr, "why %s failed\n", host);
            return 1;
        }
        lat[i] = now_ms() - t0;
        silent_answers += !x.reporting;
    }
    qsort(lat, q, sizeof(*lat), cmp);
    printf("why: %u random hosts (%u silent): p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", q,
           silent_answers, lat[q / 2], lat[q * 99 / 100], lat[q - 1]);
    spy_print("why", q);
    free(lat);

    struct whb_store_filter f = {.kind = WHB_FILTER_SILENT, .a = NULL, .b = NULL, .limit = 0};
    unsigned long listed = 0;
    double t0 = now_ms();
    st->ops->each_machine(st, &f, now, count_one, &listed);
    printf("silent list: %lu machines in %.1f ms\n", listed, now_ms() - t0);
    if (all_silent) {
        struct explain_walk w = {st, now, 0};
        f.limit = q;
        spy_on(st);
        t0 = now_ms();
        st->ops->each_machine(st, &f, now, explain_one, &w);
        printf("worker's reasons: %u silent machines explained in %.0f ms (%.3f ms each)\n", w.n,
               now_ms() - t0, (now_ms() - t0) / (w.n ? w.n : 1));
        spy_print("a reason", w.n ? w.n : 1);
    }
    if (real)
        st->ops = real;
    st->ops->close(st);
    whb_census_keeper_stop(keeper);
    return 0;
}
