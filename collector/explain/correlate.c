/* Implementation of correlate.h. */
#include "explain/correlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"

int64_t whb_correlation_window(unsigned interval_s)
{
    int64_t w = 2 * (int64_t)interval_s * 1000;
    return w < 120000 ? 120000 : w;
}

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

/* The neighbours as they were at anchor, the whole fleet, and the collector's own downtimes
 * around the silence [anchor, until]. */
static void context(struct whb_store *st, const struct whb_machine_view *m, int64_t now,
                    int64_t anchor, int64_t until, int with_gaps, struct whb_explain_input *in)
{
    static const enum whb_peer_kind kinds[] = {WHB_PEERS_SWITCH, WHB_PEERS_ACCESS_POINT,
                                               WHB_PEERS_SUBNET};
    int64_t window = whb_correlation_window(m->interval_s);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (st->ops->peer_group(st, kinds[i], m, now, anchor, window, with_gaps,
                                &in->peers[in->n_peers]) == 0)
            in->n_peers++;
    /* The whole fleet is counted (a scan of every silent machine) only when the machine's own
     * neighbours went quiet with it: a collector nobody reaches silences them too. */
    if (neighbours_quiet(in) &&
        st->ops->fleet_group(st, now, anchor, window, &in->peers[in->n_peers]) == 0)
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

int whb_explain_view(struct whb_store *st, const struct whb_machine_view *m, int64_t now,
                     struct whb_explanation *out)
{
    struct whb_explain_input in = {.now_ms = now, .m = m, .host = m->fqdn};
    struct whb_wu_fleet fleet;
    struct whb_hist_event *evs = malloc(WHB_HISTORY_EVENTS * sizeof(*evs));
    if (!evs)
        return WHB_ENOMEM;
    int n = 0, rc;
    /* Events from the half hour before the last report tell how it went silent. */
    rc = st->ops->get_events(st, m->machine_id, m->last_seen_ms - 1800000, now, evs,
                             WHB_HISTORY_EVENTS, &n);
    if (rc) {
        free(evs);
        return rc;
    }
    in.events = evs;
    in.n_events = n;
    struct sw_word sw = {0};
    if (now > m->due_ms) {
        context(st, m, now, m->last_seen_ms, now, 0, &in);
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
    return whb_explain_view(st, m, now, out);
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
    int n = 0, n2 = 0;
    /* The half hour that led up to it and the start of the gap, where its cause is; then the
     * rest of it up to the return (events are on the collector's clock; the rules keep to
     * their own windows inside this). Asked as one, hours of spooled heartbeats would push
     * the start out of the latest WHB_HISTORY_EVENTS. */
    int64_t split = gap->start_ms + 15 * 60000;
    if (split > gap->end_ms + 120000)
        split = gap->end_ms + 120000;
    int rc = st->ops->get_events(st, m->machine_id, gap->start_ms - 30 * 60000, split, evs,
                                 WHB_HISTORY_EVENTS / 2, &n);
    if (!rc && split < gap->end_ms + 120000)
        rc = st->ops->get_events(st, m->machine_id, split + 1, gap->end_ms + 120000, evs + n,
                                 WHB_HISTORY_EVENTS - n, &n2);
    if (rc) {
        free(evs);
        return rc;
    }
    n += n2;
    in.events = evs;
    in.n_events = n;
    context(st, m, now, gap->start_ms, gap->end_ms, 1, &in);
    /* The port it was on before the gap, when it did not move to another switch. */
    struct sw_word sw = {0};
    const char *port = gap->before_port[0] ? gap->before_port : m->sw_port;
    if (!m->wireless && (!gap->before_sw[0] || !strcmp(gap->before_sw, m->sw_chassis)))
        switch_context(st, m->sw_name, port, gap->start_ms - 1800000, gap->end_ms + 120000, 0, &sw,
                       &in);
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
