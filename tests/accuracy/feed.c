/* The collector side of the benchmark: a real SQLite store, reports ingested through the real
 * put_report with the simulated receipt time, in the order they arrive (a late report after
 * its resend, an ack lost and the same events twice), and the collector's own life. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "store/runs.h"
#include "sim.h"
#include "store/store.h"

/* The collector marks itself alive every second (store/runs.h); the store keeps only the
 * latest mark, so only the last one before a stop (or a full disk) is written apart from one
 * every 5 s. */
#define ALIVE_EVERY_MS 1000
#define ALIVE_WRITE_MS 5000

struct arrival {
    int64_t at;
    int machine;
    uint8_t *buf;
    size_t len;
};

struct acc_feed {
    struct whb_store *st;
    struct arrival *q;
    int n, cap;
    int up; /* the collector process runs */
    int64_t next_alive, written_alive;
    int64_t t0;
    const struct acc_world *w;
    unsigned stored, duplicates, refused;
    /* Every report stored: when and whose, in receipt order. */
    struct stored {
        int64_t at;
        int machine;
    } * log;
    size_t n_log, cap_log;
    /* Class reimaged: the old bindings released by the admin, WSUS's list imported. */
    unsigned char released[ACC_MAX_MACHINES];
    int listed;
};

int acc_feed_open(const struct acc_world *w, struct acc_feed **out, char *why, size_t whylen)
{
    struct acc_feed *f = calloc(1, sizeof(*f));
    if (!f) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    /* A private in-memory database: the same schema and statements as the file. */
    if (whb_store_sqlite.open(":memory:", &f->st, why, whylen)) {
        free(f);
        return -1;
    }
    f->t0 = w->t0;
    f->w = w;
    *out = f;
    return 0;
}

void acc_feed_close(struct acc_feed *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->n; i++)
        free(f->q[i].buf);
    free(f->q);
    free(f->log);
    if (f->st)
        f->st->ops->close(f->st);
    free(f);
}

struct whb_store *acc_feed_store(struct acc_feed *f)
{
    return f->st;
}

void acc_feed_send(struct acc_feed *f, int machine, int64_t arrive_ms, uint8_t *buf, size_t len)
{
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 64;
        struct arrival *q = realloc(f->q, (size_t)cap * sizeof(*q));
        if (!q) {
            free(buf);
            return;
        }
        f->q = q;
        f->cap = cap;
    }
    /* Kept sorted by receipt time; equal times keep their sending order. */
    int i = f->n;
    while (i > 0 && f->q[i - 1].at > arrive_ms) {
        f->q[i] = f->q[i - 1];
        i--;
    }
    f->q[i] = (struct arrival){arrive_ms, machine, buf, len};
    f->n++;
}

static void note_stored(struct acc_feed *f, int64_t at, int machine)
{
    if (f->n_log == f->cap_log) {
        size_t cap = f->cap_log ? f->cap_log * 2 : 1024;
        struct stored *l = realloc(f->log, cap * sizeof(*l));
        if (!l)
            return;
        f->log = l;
        f->cap_log = cap;
    }
    f->log[f->n_log++] = (struct stored){at, machine};
}

int acc_feed_served_others(const struct acc_feed *f, const struct acc_world *w, int machine,
                           int64_t from, int64_t to)
{
    unsigned share, http;
    int curl;
    const char *err;
    /* Down, or running and refusing this machine (class collside), is not serving it. */
    for (int64_t t = from; t <= to; t += 1000)
        if (!acc_world_collector_up(w, t) ||
            acc_world_collector_refuses(w, machine, t, &share, &http, &curl, &err))
            return 0;
    /* The log is in receipt order: the first report at or after from, by bisection. */
    size_t lo = 0, hi = f->n_log;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->log[mid].at < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < f->n_log && f->log[i].at <= to; i++)
        if (f->log[i].machine != machine)
            return 1;
    return 0;
}

/* Class reimaged: the admin releases the binding a new identity's name is held by (whb release
 * NAME), in a transaction of its own, at release_at; its next enrollment takes the name. */
static int release_due(struct acc_feed *f, int64_t upto, int verbose)
{
    const struct acc_world *w = f->w;
    for (int i = 0; i < w->n; i++) {
        const struct acc_machine *mc = &w->m[i];
        if (!mc->same_name || f->released[i] || mc->release_at > upto)
            continue;
        uint8_t key[WHB_IDENTITY_HASH_LEN];
        int had_key, old = mc->same_name - 1;
        f->released[i] = 1;
        if (f->st->ops->admin(f->st, WHB_ADMIN_RELEASE, w->m[old].id, mc->release_at, key,
                              &had_key))
            return -1;
        if (verbose)
            printf("  +%02lld:%02lld:%02lld admin released %s (%s)\n",
                   (long long)((mc->release_at - f->t0) / 3600000),
                   (long long)((mc->release_at - f->t0) / 60000 % 60),
                   (long long)((mc->release_at - f->t0) / 1000 % 60), w->m[old].fqdn, w->m[old].id);
    }
    return 0;
}

static int release_pending(const struct acc_feed *f, int64_t upto)
{
    for (int i = 0; i < f->w->n; i++)
        if (f->w->m[i].same_name && !f->released[i] && f->w->m[i].release_at <= upto)
            return 1;
    return 0;
}

/* Class reimaged: WSUS's list as the admin exports and imports it (Get-WsusComputer): each
 * Windows machine there then, with the address and SusClientId it had and its last status. */
static int import_wsus(struct acc_feed *f, int64_t t)
{
    const struct acc_world *w = f->w;
    struct whb_wsus_computer rows[ACC_MAX_MACHINES];
    size_t n = 0;
    char why[200];
    memset(rows, 0, sizeof(rows));
    for (int i = 0; i < w->n; i++) {
        const struct acc_machine *mc = &w->m[i];
        if (!mc->windows || mc->same_name || mc->start_ms > t)
            continue;
        struct whb_wsus_computer *c = &rows[n++];
        snprintf(c->fqdn, sizeof(c->fqdn), "%s", mc->fqdn);
        snprintf(c->ip, sizeof(c->ip), "10.20.%d.%d",
                 mc->wireless ? w->ap.subnet : acc_world_subnet(w, i, mc->sw), mc->host);
        snprintf(c->target_id, sizeof(c->target_id), "%.39s", mc->sus);
        c->last_status_ms = mc->wu_ok_ms;
        c->last_sync_ms = mc->wu_ok_ms;
    }
    uint64_t imported;
    struct whb_wsus_change change;
    f->listed = 1;
    if (f->st->ops->wsus_stage(f->st, "acc0wsus", 1, rows, n, t, why, sizeof(why)) ||
        f->st->ops->wsus_finish(f->st, "acc0wsus", t, &imported, &change)) {
        fprintf(stderr, "whb-accuracy: WSUS import: %s\n", why);
        return -1;
    }
    return 0;
}

int acc_feed_drain(struct acc_feed *f, int64_t t, int verbose)
{
    int k = 0, rc = 0;
    if (f->w->wsus_list_at && !f->listed && t >= f->w->wsus_list_at && import_wsus(f, t))
        return -1;
    if (!f->n || f->q[0].at > t)
        return release_due(f, t, verbose);
    if (f->st->ops->begin(f->st))
        return -1;
    for (; k < f->n && f->q[k].at <= t; k++) {
        struct arrival *a = &f->q[k];
        /* A release takes effect between the reports that arrive either side of it. */
        if (release_pending(f, a->at) &&
            (f->st->ops->commit(f->st) || release_due(f, a->at, verbose) ||
             f->st->ops->begin(f->st)))
            return -1;
        whb_report *r = NULL;
        char why[160];
        /* Up or down when it arrived (within the second before this drain), not now: a last
         * gasp sent a moment before a kill was stored and acknowledged. */
        if (!acc_world_collector_up(f->w, a->at)) {
            f->refused++; /* in flight when the collector died: never acknowledged */
        } else if (whb_wire_report_unpack(a->buf, a->len, &r, why, sizeof(why)) == 0) {
            struct whb_store_report in = {
                .report = r, .mode = WHB_IDENTITY_KEY, .enrolling = 1, .now_ms = a->at, .grace = 3};
            struct whb_store_result res;
            memset(in.key_hash, a->machine + 1, sizeof(in.key_hash));
            const struct acc_machine *mc = &f->w->m[a->machine];
            int taken = mc->same_name && a->at < mc->release_at;
            int prc = f->st->ops->put_report(f->st, &in, &res);
            if (prc == WHB_EDENIED && res.conflict && taken) {
                /* The refusal the agent was told of (409), recorded against the name's owner. */
                f->refused++;
                if (verbose)
                    printf("  +%02lld:%02lld:%02lld collector refused %s (%s): %s\n",
                           (long long)((a->at - f->t0) / 3600000),
                           (long long)((a->at - f->t0) / 60000 % 60),
                           (long long)((a->at - f->t0) / 1000 % 60), r->machine->fqdn,
                           r->machine->machine_id, res.why);
                whb_wire_report_free(r);
                free(a->buf);
                continue;
            }
            if (prc || taken) {
                /* The generator and the collector disagree on who may have the name. */
                fprintf(stderr, "whb-accuracy: put_report: %s%s\n", res.why,
                        taken ? " (stored, though its name is another's)" : "");
                rc = -1;
            }
            f->stored++;
            f->duplicates += (unsigned)res.duplicate;
            note_stored(f, a->at, a->machine);
            if (verbose)
                printf("  +%02lld:%02lld:%02lld collector stored %s seq %llu (%zu events)%s%s\n",
                       (long long)((a->at - f->t0) / 3600000),
                       (long long)((a->at - f->t0) / 60000 % 60),
                       (long long)((a->at - f->t0) / 1000 % 60), r->machine->fqdn,
                       (unsigned long long)r->seq, r->n_events, r->last_gasp ? " last gasp" : "",
                       res.duplicate ? " duplicate" : "");
            whb_wire_report_free(r);
        } else {
            fprintf(stderr, "whb-accuracy: a simulated report does not decode: %s\n", why);
            rc = -1;
        }
        free(a->buf);
    }
    memmove(f->q, f->q + k, (size_t)(f->n - k) * sizeof(*f->q));
    f->n -= k;
    if (f->st->ops->commit(f->st) || release_due(f, t, verbose))
        return -1;
    /* The fleet's admin reviews every machine as it enrolls (whb accept): the simulated
     * machines are real ones, so they are neighbours whose silences count (issue 22). */
    uint8_t key[WHB_IDENTITY_HASH_LEN];
    int had_key;
    if (f->st->ops->admin(f->st, WHB_ADMIN_ACCEPT, NULL, t, key, &had_key))
        return -1;
    return rc;
}

enum mark { MARK_START, MARK_ALIVE, MARK_STOP };

/* The collector's record of its own runs (collector/runs.h), as the real one keeps it. */
static int mark(struct acc_feed *f, enum mark m, int64_t now)
{
    return m == MARK_START  ? whb_runs_start(f->st, now)
           : m == MARK_STOP ? whb_runs_stop(f->st, now)
                            : whb_runs_alive(f->st, now);
}

int acc_feed_collector(struct acc_feed *f, const struct acc_world *w, int64_t t, int verbose)
{
    int up = acc_world_collector_up(w, t), rc = 0;
    if (up && !f->up) {
        f->up = 1;
        rc = mark(f, MARK_START, t);
        f->next_alive = t + ALIVE_EVERY_MS;
        f->written_alive = t;
        if (verbose && t > w->t0)
            printf("  +%02lld:%02lld:%02lld collector started\n",
                   (long long)((t - w->t0) / 3600000), (long long)((t - w->t0) / 60000 % 60),
                   (long long)((t - w->t0) / 1000 % 60));
    } else if (!up && f->up) {
        f->up = 0;
        /* A clean stop leaves its mark; a kill -9 leaves a run with no stop. */
        for (int k = 0; k < w->n_inc; k++)
            if (w->inc[k].kind == INC_COLLECTOR_STOP && w->inc[k].start == t)
                rc = mark(f, MARK_STOP, t);
        if (verbose)
            printf("  +%02lld:%02lld:%02lld collector down\n", (long long)((t - w->t0) / 3600000),
                   (long long)((t - w->t0) / 60000 % 60), (long long)((t - w->t0) / 1000 % 60));
    } else if (up && t >= f->next_alive) {
        /* A full disk fails the mark (class collside): the last before it is written. */
        if (!acc_world_collector_writes(w, t))
            ;
        else if (t - f->written_alive >= ALIVE_WRITE_MS || !acc_world_collector_up(w, t + 1000) ||
                 !acc_world_collector_writes(w, t + 1000)) {
            rc = mark(f, MARK_ALIVE, t);
            f->written_alive = t;
        }
        f->next_alive = t + ALIVE_EVERY_MS;
    }
    return rc;
}
