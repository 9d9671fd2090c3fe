/* The windows and lookups of finding.h. */
#include "explain/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "whb.pb-c.h"

struct span whb_explain_span(const struct whb_explain_input *in)
{
    struct span s;
    s.past = in->gap_start_ms != 0;
    s.start = s.past ? in->gap_start_ms : in->m->last_seen_ms;
    s.end = s.past ? in->gap_end_ms : in->now_ms;
    s.interval = (int64_t)(in->m->interval_s ? in->m->interval_s : 60) * 1000;
    s.announced = s.past ? in->gap && in->gap->last_gasp : in->m->last_gasp;
    return s;
}

/* A report was due one interval after the last one: whatever silenced the machine happened
 * between its last report and the one that never came. */
int64_t whb_cause_until(const struct span *s)
{
    return s->start + s->interval + SEND_WAIT_MS;
}

void whb_say(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, WHB_EXPLAIN_TEXT, fmt, ap);
    va_end(ap);
}

static void vevidence(struct finding *f, int64_t at, enum whb_evidence_source src, const char *fmt,
                      va_list ap)
{
    if (f->n_ev >= (int)(sizeof(f->ev) / sizeof(f->ev[0])))
        return;
    f->ev[f->n_ev].at_ms = at;
    f->ev[f->n_ev].source = src;
    vsnprintf(f->ev[f->n_ev].text, WHB_EXPLAIN_TEXT, fmt, ap);
    f->n_ev++;
}

void whb_evidence(struct finding *f, int64_t at, enum whb_evidence_source src, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vevidence(f, at, src, fmt, ap);
    va_end(ap);
}

void whb_evidence_event(struct finding *f, const struct whb_explain_input *in,
                        const struct whb_hist_event *e, const char *fmt, ...)
{
    int64_t late = in->m && in->m->interval_s ? (int64_t)in->m->interval_s * 1000 : 60000;
    enum whb_evidence_source src = e->received_ms && e->received_ms - e->at_ms > late + SLACK_MS
                                       ? WHB_SOURCE_MACHINE_LATER
                                       : WHB_SOURCE_MACHINE;
    va_list ap;
    va_start(ap, fmt);
    vevidence(f, e->at_ms, src, fmt, ap);
    va_end(ap);
}

void whb_hit(struct finding *f, int score, enum whb_confidence conf)
{
    f->score = score;
    f->conf = conf;
}

void whb_also(struct finding *f, enum whb_reason r)
{
    for (int i = 0; i < f->n_also; i++)
        if (f->also[i] == r)
            return;
    if (f->n_also < (int)(sizeof(f->also) / sizeof(f->also[0])))
        f->also[f->n_also++] = r;
}

void whb_rule_out(struct finding *f, enum whb_reason r)
{
    if (f->n_out < (int)(sizeof(f->ruled_out) / sizeof(f->ruled_out[0])))
        f->ruled_out[f->n_out++] = r;
}

/* Windows marks link and Wi-Fi changes in Modern Standby (by power policy) with code 1. */
static int in_standby(const struct whb_explain_input *in, const struct whb_hist_event *e)
{
    return e->reason_code == 1 &&
           (e->kind == K(CARRIER_LOST) ||
            (e->kind == K(WIFI_DISCONNECTED) && in->m && strstr(in->m->os, "Windows")));
}

static int is_cause(const struct whb_explain_input *in, const struct whb_hist_event *e)
{
    if (in_standby(in, e))
        return 0;
    switch (e->kind) {
    case K(SUSPEND):
    case K(HIBERNATE):
    case K(SHUTDOWN):
    case K(AGENT_STOP):
    case K(ADMIN_DOWN):
    case K(WIFI_DISCONNECTED):
    case K(WIFI_ASSOC_FAILED):
    case K(HEARTBEAT):
    case K(DELIVERY_FAILED):
        return 1;
    case K(CARRIER_LOST):
        return 1;
    case K(NETWORK_CHANGED):
        return strstr(e->detail, "no address") || strstr(e->detail, "gw none");
    default:
        return 0;
    }
}

static int is_power(int kind)
{
    return kind == K(SUSPEND) || kind == K(HIBERNATE) || kind == K(SHUTDOWN) ||
           kind == K(AGENT_STOP);
}

/* The first cause of the silence: a power event may be in the last report itself (which,
 * flagged a last gasp, may have taken up to a send timeout to arrive); anything else that
 * came before the last report was followed by a report that went through, so it did not
 * silence the machine (a failed send that a later one made good, a link back up). */
/* A failed send says only that a report did not get through: a lost ack, a slow collector,
 * or whatever silenced the machine. What the machine itself saw happen to its power or its
 * network, soon after, says which. */
static int is_weak(int kind)
{
    return kind == K(HEARTBEAT) || kind == K(DELIVERY_FAILED);
}

const struct whb_hist_event *whb_first_cause(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *weak = NULL;
    int64_t gasp_from = s.start - SLACK_MS - (s.announced ? SEND_WAIT_MS : 0);
    for (int i = 0; i < in->n_events; i++) {
        const struct whb_hist_event *e = &in->events[i];
        if (!is_cause(in, e) || e->at_ms > s.end + SLACK_MS)
            continue;
        if (e->at_ms < (is_power(e->kind) ? gasp_from : s.start - AFTER_LAST_MS))
            continue;
        if (!is_weak(e->kind))
            return weak && e->at_ms > whb_cause_until(&s) ? weak : e;
        if (!weak)
            weak = e;
    }
    return weak;
}

static int matches(const struct whb_explain_input *in, const struct whb_hist_event *e, int kind)
{
    return kind ? e->kind == kind : is_cause(in, e);
}

const struct whb_hist_event *whb_first_in(const struct whb_explain_input *in, int kind,
                                          int64_t from, int64_t to)
{
    for (int i = 0; i < in->n_events; i++)
        if (matches(in, &in->events[i], kind) && in->events[i].at_ms >= from &&
            in->events[i].at_ms <= to)
            return &in->events[i];
    return NULL;
}

const struct whb_hist_event *whb_last_in(const struct whb_explain_input *in, int kind, int64_t from,
                                         int64_t to)
{
    for (int i = in->n_events - 1; i >= 0; i--)
        if (matches(in, &in->events[i], kind) && in->events[i].at_ms >= from &&
            in->events[i].at_ms <= to)
            return &in->events[i];
    return NULL;
}

int whb_count_in(const struct whb_explain_input *in, int kind, int64_t from, int64_t to)
{
    int n = 0;
    for (int i = 0; i < in->n_events; i++)
        n += matches(in, &in->events[i], kind) && in->events[i].at_ms >= from &&
             in->events[i].at_ms <= to;
    return n;
}

/* The first cause after the last report is a power event: the machine said it was going. A
 * power event from an earlier silence (followed by reports) or one that came after the
 * machine had already lost its way to the collector is not this silence's last word. */
const struct whb_hist_event *whb_last_gasp(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *first = whb_first_cause(in);
    if (!first || !is_power(first->kind) || first->at_ms > whb_cause_until(&s))
        return NULL;
    return first;
}

const struct whb_downtime *whb_collector_down(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    for (int i = 0; i < in->n_down; i++) {
        const struct whb_downtime *d = &in->down[i];
        /* The collector went away after the machine's last report and before its next (a
         * kill is known to the last alive mark, WHB_RUNS_ALIVE_MS before it at most). */
        if (d->from_ms >= s.start - SLACK_MS - 5000 && d->from_ms <= whb_cause_until(&s))
            return d;
    }
    return NULL;
}

const struct whb_peer_group *whb_peers(const struct whb_explain_input *in, enum whb_peer_kind kind)
{
    for (int i = 0; i < in->n_peers; i++)
        if (in->peers[i].kind == kind)
            return &in->peers[i];
    return NULL;
}
