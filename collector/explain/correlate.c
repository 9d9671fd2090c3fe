/* Implementation of correlate.h. */
#include "explain/correlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "whb.pb-c.h"

int64_t whb_correlation_window(unsigned interval_s)
{
    /* The detection resolution: machines silenced at one instant last reported up to an
     * interval apart (finding.h TOGETHER_MS). */
    return (int64_t)(interval_s ? interval_s : 60) * 1000 + 5000;
}

#define REFUSALS_MAX 4

/* Most of a neighbour group, two at least, silent with the machine. */
static int neighbours_quiet(const struct whb_explain_input *in)
{
    for (int i = 0; i < in->n_peers; i++) {
        const struct whb_peer_group *p = &in->peers[i];
        if (p->together >= 2 && p->together * 2 >= p->together + p->healthy)
            return 1;
    }
    return 0;
}

/* No neighbour to judge by: alone on its switch or access point and in its subnet (a lone
 * Wi-Fi laptop, a machine on a switch of its own), and, asked while silent, every machine of
 * the fleet silent now: one reporting (back from a silence shared with it, as group_over reads
 * a group) says the fleet's silence is not this one's. */
static int no_neighbours(struct whb_store *st, const struct whb_explain_input *in, int64_t now,
                         int with_gaps)
{
    for (int i = 0; i < in->n_peers; i++)
        if (in->peers[i].total >= 2)
            return 0;
    uint64_t known = 0, silent = 0;
    if (with_gaps)
        return 1;
    return st->ops->count_machines && st->ops->count_machines(st, now, &known, &silent) == 0 &&
           silent >= known;
}

/* Now: every other machine silent with it is back, for longer than this one would have taken
 * to come back with them (a heartbeat, and one more in its backoff): what silenced them is
 * over, so its silence goes on for a cause of its own (a cable pulled while its switch was
 * down). It is alone in the group, the others healthy; p->back still says they were with it.
 * The accuracy benchmark's overlap class: "the switch: all 3 known machines silent" sent the
 * network team to a switch that worked. */
static void group_over(struct whb_peer_group *p, const struct whb_machine_view *m, int64_t now)
{
    int64_t slack = 2 * (int64_t)(m->interval_s ? m->interval_s : 60) * 1000 + 15000;
    if (p->together < 2 || p->back + 1 < p->together || now - p->back_ms <= slack)
        return;
    p->healthy += p->back;
    p->together = 1;
}

/* The neighbours as they were at anchor, the whole fleet, and the collector's own downtimes
 * around the silence [anchor, until]. */
static void context(struct whb_store *st, const struct whb_machine_view *m, int64_t now,
                    int64_t anchor, int64_t until, int with_gaps, struct whb_explain_input *in)
{
    static const enum whb_peer_kind kinds[] = {WHB_PEERS_SWITCH, WHB_PEERS_ACCESS_POINT,
                                               WHB_PEERS_SUBNET};
    int64_t window = whb_correlation_window(m->interval_s);
    /* A closed silence's evidence window is closed: neighbours that went quiet after it ended
     * are no part of it. */
    if (with_gaps && until - anchor < window)
        window = until - anchor > 0 ? until - anchor : 0;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (st->ops->peer_group(st, kinds[i], m, now, anchor, window, with_gaps,
                                &in->peers[in->n_peers]) == 0) {
            if (!with_gaps)
                group_over(&in->peers[in->n_peers], m, now);
            in->n_peers++;
        }
    /* The whole fleet is counted (a scan of every silent machine) only when the machine's own
     * neighbours went quiet with it: a collector nobody reaches silences them too. A machine
     * with none has only the fleet to tell it from the collector (class collside: a lone Wi-Fi
     * laptop, asked while the collector's disk was full, "silent, no last gasp"). */
    if ((neighbours_quiet(in) || no_neighbours(st, in, now, with_gaps)) &&
        st->ops->fleet_group(st, now, anchor, window, until, &in->peers[in->n_peers]) == 0)
        in->n_peers++;
    st->ops->downtimes(st, anchor - window, until, in->down, WHB_EXPLAIN_MAX_DOWNTIMES,
                       &in->n_down);
}

/* What the switch said about the machine's port (sw, port) in [from, to], and the port as it
 * stands when now: into sw (caller's, freed by it). */
struct sw_word {
    struct whb_switch_port port;
    struct whb_switch_event *events;
};

#define SW_EVENTS_MAX 48

static void switch_context(struct whb_store *st, const char *sw, const char *port, int64_t from,
                           int64_t to, int now, struct sw_word *w, struct whb_explain_input *in)
{
    if (!sw[0] || !port[0] || !st->ops->switch_port)
        return;
    int have = st->ops->switch_port(st, sw, port, 0, &w->port) == 0;
    w->events = malloc(SW_EVENTS_MAX * sizeof(*w->events));
    if (!w->events)
        return;
    int n = 0;
    if (st->ops->switch_events(st, sw, port, have ? w->port.ifindex : 0, from, to, w->events,
                               SW_EVENTS_MAX, &n) == 0)
        in->n_sw_events = n;
    in->sw_events = w->events;
    if (have && now)
        in->sw_port = &w->port;
}

/* The Windows Update side of a machine whose client is known: who else has its WSUS identity
 * (and the name WSUS lists it under), and what the fleet's clients did at once. */
static void wu_context(struct whb_store *st, const struct whb_machine_view *m, int64_t now,
                       struct whb_wu_fleet *fleet, struct whb_explain_input *in)
{
    struct whb_store_match same[WHB_STORE_MATCH_MAX];
    struct whb_wsus_computer c;
    int n = 0;
    in->wu_window_ms = WHB_WU_FLEET_WINDOW_MS;
    if (st->ops->wu_fleet(st, now, in->wu_window_ms, fleet) == 0)
        in->wu_fleet = fleet;
    if (!m->wu.sus_client_id[0])
        return;
    if (st->ops->wu_same_id(st, m->wu.sus_client_id, same, WHB_STORE_MATCH_MAX, &n) == 0) {
        size_t used = 0;
        in->n_same_id = (unsigned)n;
        for (int i = 0; i < n && used < sizeof(in->same_id); i++)
            used += (size_t)snprintf(in->same_id + used, sizeof(in->same_id) - used, "%s%s",
                                     i ? ", " : "", same[i].fqdn);
    }
    if (st->ops->wsus_by_id(st, m->wu.sus_client_id, &c) == 0)
        snprintf(in->wsus_name_for_id, sizeof(in->wsus_name_for_id), "%s", c.fqdn);
}

void whb_explain_reads(const struct whb_machine_view *m, int64_t now, struct whb_read_ahead *r)
{
    /* Events from the half hour before the last report tell how it went silent; a silence is
     * read against its neighbours and the collector's downtimes from its last report on. */
    int64_t window = whb_correlation_window(m->interval_s);
    *r = (struct whb_read_ahead){.m = m,
                                 .events_from = m->last_seen_ms - 1800000,
                                 .events_to = now,
                                 .events_max = WHB_HISTORY_EVENTS,
                                 .refusals_max = now > m->due_ms ? REFUSALS_MAX : 0,
                                 .anchor = m->last_seen_ms,
                                 .window = window,
                                 .down_from = m->last_seen_ms - window,
                                 .down_to = now};
}

int whb_explain_view(struct whb_store *st, const struct whb_machine_view *m, int64_t now,
                     struct whb_explanation *out)
{
    struct whb_explain_input in = {.now_ms = now, .m = m, .host = m->fqdn};
    struct whb_wu_fleet fleet;
    struct whb_hist_event *evs = malloc(WHB_HISTORY_EVENTS * sizeof(*evs));
    if (!evs)
        return WHB_ENOMEM;
    int n = 0, rc;
    struct whb_read_ahead reads;
    whb_explain_reads(m, now, &reads);
    rc = st->ops->get_events(st, m->machine_id, reads.events_from, reads.events_to, evs,
                             reads.events_max, &n);
    if (rc) {
        free(evs);
        return rc;
    }
    in.events = evs;
    in.n_events = n;
    struct sw_word sw = {0};
    struct whb_store_refusal refusals[REFUSALS_MAX];
    if (reads.refusals_max && st->ops->refusals &&
        st->ops->refusals(st, m->machine_id, refusals, reads.refusals_max, &in.n_refusals) == 0)
        in.refusals = refusals;
    if (now > m->due_ms) {
        context(st, m, now, reads.anchor, reads.down_to, 0, &in);
        if (!m->wireless)
            switch_context(st, m->sw_name, m->sw_port, m->last_seen_ms - 1800000, now + 60000, 1,
                           &sw, &in);
    } else if (m->wsus_class[0] && strcmp(m->wsus_class, "ok") != 0)
        st->ops->wsus_failing(st, m->wsus_class, now, &in.wsus_failing);
    if (now <= m->due_ms && m->wu.known)
        wu_context(st, m, now, &fleet, &in);
    whb_explain_now(&in, out);
    free(evs);
    free(sw.events);
    return 0;
}

int whb_explain_host(struct whb_store *st, const char *host, int64_t now,
                     struct whb_machine_view *m, struct whb_explanation *out)
{
    int rc = st->ops->get_machine(st, host, m);
    if (rc == WHB_ENOTFOUND) {
        struct whb_explain_input in = {.now_ms = now, .host = host};
        whb_explain_now(&in, out);
        return WHB_ENOTFOUND;
    }
    if (rc)
        return rc;
    /* A silent machine's first reads, in one round trip where the store can. */
    int ahead = now > m->due_ms && st->ops->read_ahead;
    if (ahead) {
        struct whb_read_ahead reads;
        whb_explain_reads(m, now, &reads);
        st->ops->read_ahead(st, &reads, 1);
    }
    rc = whb_explain_view(st, m, now, out);
    if (ahead)
        st->ops->read_ahead(st, NULL, 0);
    return rc;
}

/* The switch neighbours (a wireless machine's: its access point's) that went silent with m at
 * anchor (within window), as they told it on return: a carrier loss as their silence began,
 * or another story, and where they came back. A pair or a few is where a coincidence is worth
 * telling apart. */
static void peer_stories(struct whb_store *st, const struct whb_machine_view *m, int64_t anchor,
                         int64_t window, struct whb_explain_input *in)
{
    const struct whb_peer_group *sw = NULL;
    enum whb_peer_kind kind = m->wireless ? WHB_PEERS_ACCESS_POINT : WHB_PEERS_SWITCH;
    for (int i = 0; i < in->n_peers; i++)
        if (in->peers[i].kind == kind)
            sw = &in->peers[i];
    if (!sw || sw->together < 2 || sw->together > WHB_EXPLAIN_MAX_STORIES + 1)
        return;
    struct whb_store_gap gaps[8];
    struct whb_hist_event evs[16];
    int64_t due = (int64_t)(m->interval_s ? m->interval_s : 60) * 1000 + 15000;
    for (unsigned i = 0; i < sw->n_ids && in->n_stories < WHB_EXPLAIN_MAX_STORIES; i++) {
        const char *id = sw->together_ids[i];
        int ng = 0, ne = 0;
        if (strcmp(id, m->machine_id) == 0 || st->ops->get_gaps(st, id, gaps, 8, &ng))
            continue;
        const struct whb_store_gap *g = NULL;
        for (int k = 0; k < ng && !g; k++)
            if (!gaps[k].last_gasp && llabs(gaps[k].start_ms - anchor) <= window)
                g = &gaps[k];
        struct whb_peer_story *t = &in->stories[in->n_stories++];
        memset(t, 0, sizeof(*t));
        if (!g) /* still silent since then: its story is to come */
            continue;
        t->told = 1;
        /* Back on another switch, or in another subnet (its first reports may come before
         * LLDP names the new switch). */
        t->moved = (g->before_sw[0] && g->after_sw[0] && strcmp(g->before_sw, g->after_sw)) ||
                   (g->before_subnet[0] && g->after_subnet[0] &&
                    strcmp(g->before_subnet, g->after_subnet)) ||
                   (m->wireless && g->before_bssid[0] && g->after_bssid[0] &&
                    strcmp(g->before_bssid, g->after_bssid));
        if (st->ops->get_events(st, id, g->start_ms - 500, g->start_ms + due, evs, 16, &ne) == 0)
            for (int k = 0; k < ne && !t->link_lost_ms; k++)
                if (evs[k].kind == WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST &&
                    evs[k].reason_code == 0)
                    t->link_lost_ms = evs[k].at_ms;
    }
}

/* The events of [from, to] in time order with the undelivered heartbeats left out but the
 * first (at a 2 s interval, a silence spools hundreds of them, and the store gives the latest
 * events of a window): read in slices of about 40 heartbeats, a slice halved when it is full. */
static int scan_causes(struct whb_store *st, const struct whb_machine_view *m, int64_t from,
                       int64_t to, struct whb_hist_event *out, int max, int *n, int *skipped)
{
    enum { SLICE_MAX = 64, QUERIES_MAX = 256 };
    struct whb_hist_event *slice = malloc(SLICE_MAX * sizeof(*slice));
    int64_t step = 40 * (int64_t)(m->interval_s ? m->interval_s : 60) * 1000;
    int rc = 0, queries = 0, beat = 0;
    *n = 0;
    if (!slice)
        return WHB_ENOMEM;
    for (int64_t t = from; t <= to && *n < max && queries < QUERIES_MAX;) {
        int64_t end = to - t > step ? t + step : to;
        int got = 0;
        while ((rc = st->ops->get_events(st, m->machine_id, t, end, slice, SLICE_MAX, &got)) == 0 &&
               got >= SLICE_MAX && end - t > 1000 && ++queries < QUERIES_MAX)
            end = t + (end - t) / 2;
        if (rc)
            break;
        for (int i = 0; i < got && *n < max; i++) {
            if (slice[i].kind == WHB__V1__EVENT_KIND__EVENT_KIND_HEARTBEAT && beat++) {
                (*skipped)++;
                continue;
            }
            out[(*n)++] = slice[i];
        }
        queries++;
        t = end + 1;
    }
    free(slice);
    return rc;
}

/* The events of a past gap, in time order, read in parts so that hours of spooled heartbeats
 * push neither its start nor its end out of what is read: the half hour before it (its
 * latest), its first minutes up to cause_to (where its cause is; heartbeats left out but the
 * first), its last minutes and the return, and what the budget leaves of the middle. */
static int gap_events(struct whb_store *st, const struct whb_machine_view *m,
                      const struct whb_store_gap *gap, int64_t cause_to, struct whb_hist_event *evs,
                      int *n, int *skipped)
{
    enum {
        LEAD = WHB_HISTORY_EVENTS / 5,
        CAUSE = 2 * WHB_HISTORY_EVENTS / 5,
        MIDDLE = WHB_HISTORY_EVENTS / 10,
        BACK = WHB_HISTORY_EVENTS / 4
    };
    int64_t b_from = gap->end_ms - 5 * 60000, b_to = gap->end_ms + 120000;
    int nl = 0, na = 0, nm = 0, nb = 0, rc;
    if (cause_to > b_to)
        cause_to = b_to;
    if (b_from <= cause_to)
        b_from = cause_to + 1;
    struct whb_hist_event *tail = evs + LEAD + CAUSE + MIDDLE;
    rc = st->ops->get_events(st, m->machine_id, gap->start_ms - 30 * 60000, gap->start_ms - 1, evs,
                             LEAD, &nl);
    if (!rc)
        rc = scan_causes(st, m, gap->start_ms, cause_to, evs + nl, CAUSE, &na, skipped);
    /* A cause window that filled the budget ends where it was read up to. */
    int64_t m_from = na == CAUSE ? evs[nl + na - 1].at_ms + 1 : cause_to + 1;
    /* The return, heartbeats but the first left out: at short heartbeats a machine back from
     * its first cause and kept silent by a second spools minutes of them before its return,
     * enough to push what it said on coming back (a resume, a start, its link lost) out of
     * the latest BACK. Only when that fills the budget, the latest as before. */
    int back_skipped = 0;
    if (!rc && b_from <= b_to)
        rc = scan_causes(st, m, b_from, b_to, tail, BACK, &nb, &back_skipped);
    if (!rc && nb == BACK)
        rc = st->ops->get_events(st, m->machine_id, b_from, b_to, tail, BACK, &nb);
    else
        *skipped += back_skipped;
    /* The middle: its first events, heartbeats but the first left out (a machine that woke
     * from its first cause into a second spools minutes of heartbeats after its resume, which
     * pushed the resume and its link lost out of the latest: "hibernation" high for a gap a
     * shut port made longer), then its latest after those. */
    if (!rc && b_from - 1 >= m_from) {
        int mid_skipped = 0, late = 0;
        rc = scan_causes(st, m, m_from, b_from - 1, evs + nl + na, MIDDLE / 2, &nm, &mid_skipped);
        *skipped += mid_skipped;
        int64_t after = nm ? evs[nl + na + nm - 1].at_ms + 1 : m_from;
        if (!rc && nm == MIDDLE / 2 && after <= b_from - 1)
            rc = st->ops->get_events(st, m->machine_id, after, b_from - 1, evs + nl + na + nm,
                                     MIDDLE - nm, &late);
        nm += late;
    }
    if (rc)
        return rc;
    memmove(evs + nl + na + nm, tail, (size_t)nb * sizeof(*evs));
    *n = nl + na + nm + nb;
    return 0;
}

struct name_of {
    const char *chassis;
    char *out;
    size_t len;
};

static int take_name(const struct whb_machine_view *v, void *arg)
{
    struct name_of *n = arg;
    if (strcmp(v->sw_chassis, n->chassis) != 0 || !v->sw_name[0])
        return 0;
    snprintf(n->out, n->len, "%s", v->sw_name);
    return 1;
}

/* The system name of the switch with this chassis id, as a machine on it now tells it (its
 * LLDP neighbour); "" when none is on it. */
static void switch_name_of(struct whb_store *st, const char *chassis, int64_t now, char *out,
                           size_t len)
{
    struct name_of n = {chassis, out, len};
    struct whb_store_filter f = {.kind = WHB_FILTER_SWITCH, .a = chassis, .b = "", .limit = 8};
    out[0] = '\0';
    if (st->ops->each_machine)
        st->ops->each_machine(st, &f, now, take_name, &n);
}

int whb_explain_past_gap(struct whb_store *st, const struct whb_machine_view *m,
                         const struct whb_store_gap *gap, int64_t now, struct whb_explanation *out)
{
    struct whb_explain_input in = {.now_ms = now,
                                   .m = m,
                                   .host = m->fqdn,
                                   .gap_start_ms = gap->start_ms,
                                   .gap_end_ms = gap->end_ms,
                                   .gap = gap};
    struct whb_hist_event *evs = malloc(WHB_HISTORY_EVENTS * sizeof(*evs));
    if (!evs)
        return WHB_ENOMEM;
    int n = 0;
    /* Its neighbours then are those of where it was then: just back, its switch may not be
     * heard yet (LLDP), or it may be elsewhere now. */
    struct whb_machine_view then = *m;
    if (gap->before_sw[0] && strcmp(gap->before_sw, m->sw_chassis) != 0) {
        snprintf(then.sw_chassis, sizeof(then.sw_chassis), "%s", gap->before_sw);
        then.sw_name[0] = '\0';
    }
    if (gap->before_port[0])
        snprintf(then.sw_port, sizeof(then.sw_port), "%s", gap->before_port);
    if (gap->before_subnet[0])
        snprintf(then.subnet, sizeof(then.subnet), "%s", gap->before_subnet);
    if (gap->before_bssid[0])
        snprintf(then.bssid, sizeof(then.bssid), "%s", gap->before_bssid);
    /* Wired when it went quiet, on its Wi-Fi now (a dock's laptop whose Windows connected the
     * Wi-Fi once the dock's link went): the silence is its wired adapter's, judged as such,
     * with its switch's word on that port. */
    int was_wired =
        m->wireless && gap->before_sw[0] && gap->before_port[0] && !gap->before_bssid[0];
    if (was_wired) {
        then.wireless = 0;
        then.bssid[0] = then.ssid[0] = '\0';
        switch_name_of(st, gap->before_sw, now, then.sw_name, sizeof(then.sw_name));
        in.m = &then;
    }
    context(st, &then, now, gap->start_ms, gap->end_ms, 1, &in);
    /* Its cause is in its first minutes, or while the collector was down as it went quiet. */
    int64_t cause_to = gap->start_ms + 3 * 60000 + 2 * (int64_t)m->interval_s * 1000;
    for (int i = 0; i < in.n_down; i++)
        if (in.down[i].from_ms <= cause_to && in.down[i].to_ms + 10 * 60000 > cause_to)
            cause_to = in.down[i].to_ms + 10 * 60000;
    int rc = gap_events(st, m, gap, cause_to, evs, &n, &in.heartbeats_skipped);
    if (rc) {
        free(evs);
        return rc;
    }
    in.events = evs;
    in.n_events = n;
    /* The port it was on before the gap, when it did not move to another switch. */
    struct sw_word sw = {0};
    const char *port = gap->before_port[0] ? gap->before_port : m->sw_port;
    if (!m->wireless && (!gap->before_sw[0] || !strcmp(gap->before_sw, m->sw_chassis)))
        switch_context(st, m->sw_name, port, gap->start_ms - 1800000, gap->end_ms + 120000, 0, &sw,
                       &in);
    else if (was_wired)
        switch_context(st, then.sw_name, port, gap->start_ms - 1800000, gap->end_ms + 120000, 0,
                       &sw, &in);
    int64_t window = whb_correlation_window(m->interval_s);
    if (gap->end_ms - gap->start_ms < window)
        window = gap->end_ms - gap->start_ms;
    peer_stories(st, &then, gap->start_ms, window, &in);
    whb_explain_gap(&in, out);
    free(evs);
    free(sw.events);
    return 0;
}

#define GAPS_FOR_DAYS 256
#define DAY_MS        (24 * 3600 * 1000LL)

static void add_evidence(struct whb_explanation *x, int64_t at, const char *text)
{
    if (x->n_evidence >= WHB_EXPLAIN_MAX_EVIDENCE)
        return;
    struct whb_evidence *e = &x->evidence[x->n_evidence++];
    e->at_ms = at;
    e->source = WHB_SOURCE_COLLECTOR;
    snprintf(e->text, sizeof(e->text), "%s", text);
}

int whb_explain_wsus_silence(struct whb_store *st, const struct whb_machine_view *m,
                             int64_t wsus_status_ms, int64_t wsus_sync_ms, int64_t now,
                             struct whb_explanation *out, struct whb_explanation *now_x,
                             struct whb_days *days_out)
{
    struct whb_store_gap *gaps = calloc(GAPS_FOR_DAYS, sizeof(*gaps));
    char text[WHB_EXPLAIN_TEXT], summary[WHB_EXPLAIN_TEXT];
    int n = 0, rc;
    if (!gaps)
        return WHB_ENOMEM;
    if ((rc = whb_explain_view(st, m, now, now_x)) ||
        (rc = st->ops->get_gaps(st, m->machine_id, gaps, GAPS_FOR_DAYS, &n))) {
        free(gaps);
        return rc;
    }
    /* Never reported to WSUS: the days our records cover. */
    int64_t from = wsus_status_ms ? wsus_status_ms : m->first_seen_ms;
    struct whb_days d = whb_days_online(m, gaps, n, from, now);
    free(gaps);
    *days_out = d;
    *out = *now_x;
    if (d.total == 0)
        return 0;
    if (d.online == 0 || d.online * 2 < d.known) {
        snprintf(text, sizeof(text),
                 "on and online on %u of the %u days WSUS has not heard from it (our records "
                 "cover %u of them)",
                 d.online, d.total, d.known);
        add_evidence(out, now, text);
        /* What it does now says little about weeks our records do not cover. */
        if (d.known * 2 < d.total && out->confidence == WHB_CONFIDENCE_HIGH) {
            out->confidence = WHB_CONFIDENCE_MEDIUM;
            snprintf(out->confidence_why, sizeof(out->confidence_why),
                     "our records cover only %u of the %u days WSUS has not heard from it: this "
                     "answers the last of them",
                     d.known, d.total);
        }
        return 0;
    }
    /* On and online most of those days: the client's own story is the answer, not the last
     * few minutes (a laptop that went to sleep a minute ago). */
    if (!now_x->reporting) {
        struct whb_machine_view awake = *m;
        awake.due_ms = now + 1;
        if ((rc = whb_explain_view(st, &awake, now, out)))
            return rc;
        out->reporting = 0;
        out->silent_since_ms = now_x->silent_since_ms;
    }
    snprintf(text, sizeof(text),
             "on and online on %u of the %u days WSUS has not heard from it (our records cover "
             "%u of them)",
             d.online, d.total, d.known);
    add_evidence(out, now, text);
    /* Our records of only a part of those days make the claim weaker. */
    if (d.known * 2 < d.total && out->confidence == WHB_CONFIDENCE_HIGH) {
        out->confidence = WHB_CONFIDENCE_MEDIUM;
        snprintf(out->confidence_why, sizeof(out->confidence_why),
                 "our records cover only %u of the %u days WSUS has not heard from it", d.known,
                 d.total);
    }
    if (wsus_sync_ms && wsus_status_ms && wsus_sync_ms - wsus_status_ms > 2 * DAY_MS) {
        char synced[32], status[32];
        whb_clock_format_duration(now - wsus_sync_ms, synced, sizeof(synced));
        whb_clock_format_duration(now - wsus_status_ms, status, sizeof(status));
        snprintf(text, sizeof(text),
                 "WSUS: it synced %s ago but its last status report is %s old: its scans reach "
                 "WSUS, its status reports do not",
                 synced, status);
        add_evidence(out, wsus_sync_ms, text);
        if (out->reason == WHB_REASON_REPORTING)
            snprintf(out->next_step, sizeof(out->next_step),
                     "Check the client's intranet statistics server (WUStatusServer must be the "
                     "same URL as WUServer) and the WSUS server's ReportingWebService "
                     "(/ReportingWebService/ReportingWebService.asmx, its IIS and NTFS "
                     "permissions)");
    }
    snprintf(summary, sizeof(summary),
             "on and online %u of %u days WSUS has not heard from it; %.150s", d.online, d.total,
             out->summary[0] ? out->summary : "its Windows Update client does not report");
    snprintf(out->summary, sizeof(out->summary), "%s", summary);
    return 0;
}
