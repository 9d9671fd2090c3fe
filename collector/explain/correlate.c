/* Implementation of correlate.h. */
#include "explain/correlate.h"

#include <stdlib.h>
#include <string.h>

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

int whb_explain_view(struct whb_store *st, const struct whb_machine_view *m, int64_t now,
                     struct whb_explanation *out)
{
    struct whb_explain_input in = {.now_ms = now, .m = m, .host = m->fqdn};
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
