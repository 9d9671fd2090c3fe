/* Class collside: the collector runs but does not serve, or serves badly, as happens in the
 * field, on issue 21's fleets. What the collector answers is read from collector/: a commit
 * that fails (its disk full: SQLite's SQLITE_FULL) answers every report 503 "storage
 * unavailable" with Retry-After 5 (ingest/answer.c whb_report_committed) and its alive marks,
 * writes too, fail (store/runs_alive.c: "the run simply ends earlier"); a full writer's queue
 * answers 503 "collector busy, retry later" with Retry-After 1 (whb_report_busy) to the sends
 * that meet it; a certificate the agents do not trust is refused by their curl (60, or 35 for a
 * handshake that fails) while the collector runs and marks itself alive. What the agent does is
 * read from client/: a DELIVERY_FAILED with the curl code and the HTTP status on a new cause
 * (client/agent.c note_failure), its own backoff (Retry-After is read, client/sender.c, and not
 * used), everything spooled and delivered on return. Meanwhile one machine goes quiet for a
 * cause of its own (or none does). */
#include <stdio.h>
#include <string.h>

#include "scen.h"

static int active(const struct acc_incident *i, int64_t t)
{
    return t >= i->start && t < i->end;
}

int acc_world_collector_refuses(const struct acc_world *w, int m, int64_t t, unsigned *share,
                                unsigned *http, int *curl, const char **err)
{
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (!active(i, t))
            continue;
        if (i->kind == INC_COLLECTOR_FULL) {
            *share = 100, *http = 503, *curl = 0;
            *err = "HTTP 503: storage unavailable";
            return 1;
        }
        if (i->kind == INC_COLLECTOR_CERT) {
            *share = 100, *http = 0, *curl = (int)i->code;
            *err = i->code == 35 ? "OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to "
                                   "whb.corp.example:8443"
                   : i->subnet   ? "SSL certificate problem: unable to get local issuer "
                                   "certificate"
                                 : "SSL certificate problem: certificate has expired";
            return 1;
        }
        if (i->kind == INC_COLLECTOR_BUSY && m >= 0 && m < 64 && (i->who >> m & 1)) {
            *share = i->code, *http = 503, *curl = 0;
            *err = "HTTP 503: collector busy, retry later";
            return 1;
        }
    }
    return 0;
}

int acc_world_collector_writes(const struct acc_world *w, int64_t t)
{
    for (int k = 0; k < w->n_inc; k++)
        if (w->inc[k].kind == INC_COLLECTOR_FULL && active(&w->inc[k], t))
            return 0;
    return 1;
}

static void tag(struct acc_timeline *tl, const char *what)
{
    size_t n = strlen(tl->modifiers);
    snprintf(tl->modifiers + n, sizeof(tl->modifiers) - n, "%s ", what);
}

/* The machine with a cause of its own: a wired one of the first two switches, or Wi-Fi. */
static int own_machine(const struct acc_world *w, struct acc_rng *r)
{
    if (acc_rng_chance(r, 20))
        return w->first_wifi;
    int s = (int)acc_rng_below(r, 2);
    return w->sw_first[s] + (int)acc_rng_below(r, (unsigned)w->sw_count[s]);
}

/* Another machine, healthy all along, on another switch than m's. */
static int healthy_machine(const struct acc_world *w, struct acc_rng *r, int m)
{
    int s = !w->m[m].wireless && w->m[m].sw == 0 ? 1 : 0;
    return w->sw_first[s] + (int)acc_rng_below(r, (unsigned)w->sw_count[s]);
}

static enum acc_inc_kind own_kind(struct acc_rng *r, int wifi)
{
    static const enum acc_inc_kind wired[] = {INC_CABLE,     INC_CABLE,       INC_PORT_SHUT,
                                              INC_SHUTDOWN,  INC_POWER_CUT,   INC_SLEEP,
                                              INC_HIBERNATE, INC_AGENT_CRASH, INC_SHUTDOWN};
    static const enum acc_inc_kind air[] = {INC_SHUTDOWN, INC_POWER_CUT, INC_SLEEP, INC_HIBERNATE,
                                            INC_AGENT_CRASH};
    return wifi ? air[acc_rng_below(r, 5)] : wired[acc_rng_below(r, 9)];
}

/* What an admin calls the machine's own cause, and the set its delivered spool leaves (the
 * history's: the gasp, UNCLEAN_STOP or CARRIER_LOST it spooled tells it). */
static const char *own_truth(enum acc_inc_kind k)
{
    switch (k) {
    case INC_CABLE:
        return "cable_unplugged";
    case INC_PORT_SHUT:
        return "port_disabled";
    case INC_SLEEP:
        return "sleep";
    case INC_HIBERNATE:
        return "hibernation";
    case INC_AGENT_CRASH:
        return "agent_crashed";
    default:
        return "turned_off";
    }
}

static void own_history(struct acc_timeline *tl, enum acc_inc_kind k, int m, int64_t c, int64_t e)
{
    if (k == INC_CABLE || k == INC_PORT_SHUT)
        acc_item(tl, PHASE_HISTORY, m, c, e, 1, own_truth(k), "cable_unplugged", "port_disabled",
                 NULL);
    else
        acc_item(tl, PHASE_HISTORY, m, c, e, 0, own_truth(k), NULL);
}

/* Asked while silent with nothing of its own cause at the collector (its gasp refused with
 * everything else, or none): the no-gasp set of its kind of link, its own cause first. */
static struct acc_item *nogasp_now(struct acc_timeline *tl, enum acc_inc_kind k, int m, int64_t at)
{
    const char *t = own_truth(k);
    if (tl->w.m[m].wireless)
        return acc_item(tl, PHASE_NOW, m, at, 0, 1, t, NOGASP_WIFI, NULL);
    return acc_item(tl, PHASE_NOW, m, at, 0, 1, t, NOGASP_WIRED, NULL);
}

/* The whole fleet refused for [f, e): the disk full (refused and its marks failing) or the
 * certificate (refused by the agents, the collector marking itself alive). Healthy h asked
 * while it lasts and afterwards; m, three times in four, silent for its own cause from c,
 * during it, until well after it: asked while the collector refuses (it cannot tell m from the
 * rest), once the rest are back (its own silence, its gasp never reached the collector) and
 * afterwards (its spool tells its cause). */
static int64_t fleet_refused(struct acc_timeline *tl, struct acc_rng *r, enum acc_inc_kind kind)
{
    struct acc_world *w = &tl->w;
    int64_t f = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t e = f + (kind == INC_COLLECTOR_FULL ? acc_rng_ms(r, 4 * 60, 20 * 60)
                                                : acc_rng_ms(r, 10 * 60, 40 * 60));
    struct acc_incident *x = acc_inc(tl, kind, -1, -1, f, e);
    if (kind == INC_COLLECTOR_CERT) {
        x->code = acc_rng_chance(r, 15) ? 35 : 60;
        x->subnet = acc_rng_chance(r, 50); /* replaced by an untrusted one, or expired */
    }
    int m = own_machine(w, r), h = healthy_machine(w, r, m);
    /* While it lasts, the evidence is the fleet silent at once: with the collector's own marks
     * stopped (its disk), the collector; with them going on, the collector or the way to it. */
    int cert = kind == INC_COLLECTOR_CERT;
    int64_t during = acc_pick(r, acc_overdue(w, f), e - acc_sec(10));
    struct acc_item *it =
        cert ? acc_item(tl, PHASE_NOW, h, during, 0, 1, "collector_unavailable",
                        "lost_connectivity", NULL)
             : acc_item(tl, PHASE_NOW, h, during, 0, 0, "collector_unavailable", NULL);
    if (cert)
        it->places = PLACE_COLLECTOR | PLACE_NETWORK;
    acc_item(tl, PHASE_HISTORY, h, f, e, 0, "collector_unavailable", NULL);
    int64_t end = e + 10 * MIN;
    if (acc_rng_chance(r, 75)) {
        enum acc_inc_kind k = own_kind(r, w->m[m].wireless);
        int64_t c = acc_pick(r, f + MIN, e - MIN);
        int64_t back = e + 3 * acc_iv(w) + acc_sec(20);
        int64_t oe = back + acc_rng_ms(r, 4 * 60, 15 * 60);
        acc_inc(tl, k, m, -1, c, oe);
        int64_t at = acc_pick(r, c + acc_sec(20), e - acc_sec(10));
        if (at > acc_overdue(w, f)) {
            it = cert ? acc_item(tl, PHASE_NOW, m, at, 0, 1, "collector_unavailable",
                                 "lost_connectivity", NULL)
                      : acc_item(tl, PHASE_NOW, m, at, 0, 0, "collector_unavailable", NULL);
            it->places = cert ? PLACE_COLLECTOR | PLACE_NETWORK : 0;
        }
        nogasp_now(tl, k, m, acc_pick(r, back + MIN, oe - acc_sec(10)));
        own_history(tl, k, m, c, oe);
        tag(tl, acc_inc_name(k));
        acc_note(tl, "+%llds to +%llds ", (c - f) / 1000, (oe - e) / 1000);
        end = oe;
    } else {
        acc_item(tl, PHASE_NOW, m, e + 3 * acc_iv(w) + acc_rng_ms(r, 15, 45), 0, 0, "reporting",
                 NULL);
    }
    acc_note(tl, "for %lldmin (%lld) ", (e - f) / MIN, (long long)x->code);
    return end;
}

static int64_t disk_full(struct acc_timeline *tl, struct acc_rng *r)
{
    return fleet_refused(tl, r, INC_COLLECTOR_FULL);
}

static int64_t cert_refused(struct acc_timeline *tl, struct acc_rng *r)
{
    return fleet_refused(tl, r, INC_COLLECTOR_CERT);
}

/* Overloaded for [f, e): half the fleet's sends (their connections meeting a full queue) get
 * 503 most of the time; the agents back off and mostly get through. One machine goes quiet for
 * its own cause meanwhile, among the refused three times in five. */
static int64_t overload(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int64_t f = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t e = f + acc_rng_ms(r, 3 * 60, 15 * 60);
    struct acc_incident *x = acc_inc(tl, INC_COLLECTOR_BUSY, -1, -1, f, e);
    x->code = 50 + acc_rng_below(r, 31);
    int m = own_machine(w, r), h = healthy_machine(w, r, m);
    for (int i = 0; i < w->n; i++)
        if (acc_rng_chance(r, 50))
            x->who |= 1ull << i;
    int refused = acc_rng_chance(r, 60);
    x->who = refused ? x->who | 1ull << m : x->who & ~(1ull << m);
    x->who |= 1ull << h;
    /* Refused, a gasp may or may not get through: its cause one without a gasp. */
    enum acc_inc_kind k = own_kind(r, w->m[m].wireless);
    while (refused && (k == INC_SHUTDOWN || k == INC_SLEEP || k == INC_HIBERNATE))
        k = own_kind(r, w->m[m].wireless);
    int64_t c = acc_pick(r, f + 30 * 1000, e - 30 * 1000);
    int64_t oe = e + 3 * acc_iv(w) + acc_sec(20) + acc_rng_ms(r, 4 * 60, 15 * 60);
    acc_inc(tl, k, m, -1, c, oe);
    /* While silent: a gasp says its cause; else the no-gasp set. */
    int gasp = k == INC_SHUTDOWN || k == INC_SLEEP || k == INC_HIBERNATE;
    int64_t at = acc_pick(r, acc_overdue(w, c), oe - acc_sec(10));
    if (gasp)
        acc_item(tl, PHASE_NOW, m, at, 0, 0, own_truth(k), NULL);
    else
        nogasp_now(tl, k, m, at);
    own_history(tl, k, m, c, oe);
    acc_item(tl, PHASE_NOW, h, e + 3 * acc_iv(w) + acc_rng_ms(r, 15, 45), 0, 0, "reporting", NULL);
    tag(tl, acc_inc_name(k));
    acc_note(tl, refused ? "refused %lld%% for %lldmin " : "served, %lld%% for %lldmin ",
             (long long)x->code, (e - f) / MIN);
    return oe;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} collsides[] = {
    {"disk_full", disk_full},
    {"overload", overload},
    {"cert_refused", cert_refused},
};

unsigned acc_collside_count(void)
{
    return sizeof(collsides) / sizeof(collsides[0]);
}

const char *acc_collside_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    acc_worlds_fleet(tl, r, acc_rng_chance(r, 50));
    int64_t end = collsides[k].make(tl, r);
    acc_items_back(tl);
    tl->w.t_end = end + 10 * MIN;
    return collsides[k].name;
}
