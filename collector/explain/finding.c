/* The windows and lookups of finding.h. */
#include "explain/finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "whb.pb-c.h"

/* The latest the machine's next report was due: an interval after the last one, plus a send's
 * wait (a slow WSUS probe holds the agent's loop up to 10 s), and no later than the grace of
 * three intervals after which the collector itself called it silent. */
static int64_t next_due(const struct span *s)
{
    int64_t wait = SEND_WAIT_MS < 2 * s->interval ? SEND_WAIT_MS : 2 * s->interval;
    return s->start + s->interval + wait;
}

/* The collector's downtime that began before the machine's next report was due (a kill is
 * known to its last alive mark, a second before it at most): only such a downtime
 * can have silenced it. One that began later met a machine already silent, and an answer given
 * before it stays. */
static const struct whb_downtime *onset_downtime(const struct whb_explain_input *in,
                                                 const struct span *s)
{
    for (int i = 0; i < in->n_down; i++) {
        const struct whb_downtime *d = &in->down[i];
        if (d->from_ms >= s->start - SLACK_MS - 1000 && d->from_ms <= next_due(s))
            return d;
    }
    return NULL;
}

/* The machine's own way out gone: its link, its association, its address, or the adapter
 * itself (a dock's USB/Thunderbolt adapter: undocked, or a failing dock dropping off the bus:
 * the agent tells no carrier loss for it, only its removal). */
static int loses_network(const struct whb_hist_event *e)
{
    switch (e->kind) {
    case K(CARRIER_LOST):
    case K(ADMIN_DOWN):
    case K(WIFI_DISCONNECTED):
    case K(ADAPTER_REMOVED):
        return 1;
    case K(NETWORK_CHANGED):
        return strstr(e->detail, "no address") || strstr(e->detail, "gw none");
    default:
        return 0;
    }
}

/* A TLS handshake that failed (curl 35, CURLE_SSL_CONNECT_ERROR): the collector's (a handshake
 * it cannot complete) with the machine's own link up, but also what a path cut in the middle of
 * it gives (a port shut, a relay dropping the connection: SSL_ERROR_SYSCALL), so not the
 * collector's once the machine lost its own way out. */
static int failed_handshake(const struct whb_hist_event *e)
{
    return e->kind == K(DELIVERY_FAILED) && e->curl_code == 35;
}

struct span whb_explain_span(const struct whb_explain_input *in)
{
    struct span s;
    s.past = in->gap_start_ms != 0;
    s.start = s.past ? in->gap_start_ms : in->m->last_seen_ms;
    s.end = s.past ? in->gap_end_ms : in->now_ms;
    s.interval = (int64_t)(in->m->interval_s ? in->m->interval_s : 60) * 1000;
    s.announced = s.past ? in->gap && in->gap->last_gasp : in->m->last_gasp;
    s.down = onset_downtime(in, &s);
    s.down_near = s.down != NULL;
    for (int i = 0; i < in->n_down && !s.down_near; i++)
        s.down_near = llabs(in->down[i].from_ms - s.start) <= TOGETHER_MS(s.interval) + 1000;
    /* A report was due one interval after the last one: whatever silenced the machine happened
     * between its last report and the one that never came. While the collector was down, a
     * cause could come until the machine would have been back: what kept it silent after the
     * collector returned. */
    s.cause_until = s.start + s.interval + SEND_WAIT_MS;
    if (s.down && s.down->to_ms + RETURN_MS(s.interval) > s.cause_until)
        s.cause_until = s.down->to_ms + RETURN_MS(s.interval);
    /* Refused by a running collector from the start: no downtime says when that ended, but a
     * cause of the machine's own told on return, while it lasted or after, is what kept it
     * silent from then on (its gasp, a pulled cable, a crash). */
    s.refused = NULL;
    int cut = 0; /* its own link or address lost before: a failed handshake was the cut's */
    for (int i = 0; s.past && i < in->n_events && !s.refused; i++) {
        const struct whb_hist_event *e = &in->events[i];
        if (e->at_ms < s.start - SLACK_MS || e->at_ms > s.cause_until)
            continue;
        cut |= loses_network(e);
        if (whb_refused_by_collector(e) || (failed_handshake(e) && !cut))
            s.refused = e;
    }
    if (s.refused && s.end > s.cause_until)
        s.cause_until = s.end;
    /* Refused, the others refused with it went quiet with it: not a pattern of the network. */
    s.down_near |= s.refused != NULL;
    return s;
}

int whb_refused_by_collector(const struct whb_hist_event *e)
{
    if (e->kind != K(DELIVERY_FAILED))
        return 0;
    if (e->http_status >= 500)
        return 1;
    /* Not 35 (failed_handshake, above): a path cut in the middle of the handshake gives it too. */
    switch (e->curl_code) {
    case 51: /* CURLE_PEER_FAILED_VERIFICATION (older curl) */
    case 60: /* CURLE_PEER_FAILED_VERIFICATION: expired, not trusted, another name */
    case 83: /* CURLE_SSL_ISSUER_ERROR */
    case 90: /* CURLE_SSL_PINNEDPUBKEYNOTMATCH */
    case 91: /* CURLE_SSL_INVALIDCERTSTATUS */
        return 1;
    default:
        return 0;
    }
}

int64_t whb_cause_until(const struct span *s)
{
    return s->cause_until;
}

int64_t whb_sends_from(const struct span *s)
{
    return s->start + SLACK_MS;
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
    case K(WIFI_ASSOC_FAILED):
    case K(HEARTBEAT):
    case K(DELIVERY_FAILED):
        return 1;
    default:
        return loses_network(e);
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

/* A past gap begins when the last report before it arrived; one that waited in the path (its
 * agent's wait over, the report stored late) arrives after what the machine saw next. An event
 * stamped after it could have left, and told only on the return, was followed by no report
 * that went through: it may have begun the silence. */
static int told_after_late_report(const struct span *s, const struct whb_hist_event *e)
{
    return s->past && !is_weak(e->kind) && e->received_ms > s->start &&
           e->at_ms >= s->start - LATE_REPORT_MS;
}

/* An address or route lost goes with a link lost (Windows drops its lease with the link), and
 * the two may be told in separate reports of the return, each mapping the agent's clock by its
 * own delivery: stamped a few milliseconds apart either way. */
#define WITH_LINK_MS 2000

static int loses_address(const struct whb_hist_event *e)
{
    return e->kind == K(NETWORK_CHANGED);
}

/* The link loss that came with the address loss at i, if one follows it that closely. */
static const struct whb_hist_event *link_with(const struct whb_explain_input *in, int i)
{
    const struct whb_hist_event *a = &in->events[i];
    for (int j = i + 1; j < in->n_events && in->events[j].at_ms - a->at_ms <= WITH_LINK_MS; j++) {
        const struct whb_hist_event *e = &in->events[j];
        if (is_cause(in, e) && !is_weak(e->kind) && !is_power(e->kind) && !loses_address(e))
            return e;
    }
    return NULL;
}

/* The event that undoes a loss of the network (its link, its association, its address). */
static int restores(const struct whb_hist_event *loss, const struct whb_hist_event *e)
{
    if (strcmp(loss->adapter, e->adapter) != 0)
        return 0;
    switch (loss->kind) {
    case K(CARRIER_LOST):
        return e->kind == K(CARRIER_GAINED);
    case K(ADMIN_DOWN):
        return e->kind == K(ADMIN_UP);
    case K(WIFI_DISCONNECTED):
    case K(WIFI_ASSOC_FAILED):
        return e->kind == K(WIFI_ASSOCIATED);
    case K(ADAPTER_REMOVED):
        return e->kind == K(ADAPTER_ADDED);
    case K(NETWORK_CHANGED):
        return e->kind == K(NETWORK_CHANGED) && !loses_network(e);
    default:
        return 0;
    }
}

/* A loss undone before the silence began did not begin it, though told only on the return
 * (the reports after it waited in the path and were stored late). */
static int undone_before(const struct whb_explain_input *in, int i, int64_t until)
{
    for (int j = i + 1; j < in->n_events && in->events[j].at_ms <= until; j++)
        if (restores(&in->events[i], &in->events[j]))
            return 1;
    return 0;
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
        if (e->at_ms < (is_power(e->kind) ? gasp_from : s.start - AFTER_LAST_MS) &&
            !told_after_late_report(&s, e))
            continue;
        if (!is_weak(e->kind) && !is_power(e->kind) && undone_before(in, i, s.start))
            continue;
        if (!is_weak(e->kind)) {
            const struct whb_hist_event *link = loses_address(e) ? link_with(in, i) : NULL;
            if (link)
                e = link;
            return weak && e->at_ms > whb_cause_until(&s) ? weak : e;
        }
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

/* A laptop undocked or carried out of its access point's range, then put to sleep,
 * hibernated or shut down before its link came back (a lid closed on the way): the gasp could
 * not leave, and it is what kept the machine silent. */
#define GASP_AFTER_LINK_MS (2 * MIN_MS)

static const struct whb_hist_event *gasp_after_link_loss(const struct whb_explain_input *in,
                                                         const struct whb_hist_event *first,
                                                         const struct span *s)
{
    if (!s->past || (first->kind != K(CARRIER_LOST) && first->kind != K(WIFI_DISCONNECTED) &&
                     first->kind != K(ADAPTER_REMOVED)))
        return NULL;
    const struct whb_hist_event *gasp = NULL;
    for (int i = 0; i < in->n_events; i++) {
        const struct whb_hist_event *e = &in->events[i];
        if (e->at_ms < first->at_ms || e->at_ms > first->at_ms + GASP_AFTER_LINK_MS ||
            e->at_ms > s->end)
            continue;
        if (e->kind == K(CARRIER_GAINED) || e->kind == K(WIFI_ASSOCIATED) ||
            e->kind == K(ADAPTER_ADDED) || e->kind == K(AGENT_START))
            return gasp; /* back on a network (or restarted) first: its gasp could leave */
        if (!gasp && is_power(e->kind) && e->kind != K(AGENT_STOP))
            gasp = e;
    }
    return gasp;
}

/* The first cause after the last report is a power event: the machine said it was going. A
 * power event from an earlier silence (followed by reports) or one that came after the
 * machine had already lost its way to the collector is not this silence's last word, unless
 * its link was gone (gasp_after_link_loss). */
const struct whb_hist_event *whb_last_gasp(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *first = whb_first_cause(in);
    if (!first || first->at_ms > whb_cause_until(&s))
        return NULL;
    return is_power(first->kind) ? first : gasp_after_link_loss(in, first, &s);
}

const struct whb_downtime *whb_collector_down(const struct whb_explain_input *in)
{
    return whb_explain_span(in).down;
}

/* Unannounced silences (a PC switched off at the wall, a crash, a laptop unplugged and
 * carried off) at a generous rate of one per machine per eight hours. */
#define QUIET_PER_MS (1.0 / (8.0 * 3600.0 * 1000.0))

/* e^x for 0 <= x <= 50 by its series (no libm for one function). */
static double series_exp(double x)
{
    double sum = 1.0, term = 1.0;
    for (int j = 1; j < 200 && term > 1e-17 * sum; j++) {
        term *= x / j;
        sum += term;
    }
    return sum;
}

double whb_chance_together(unsigned k, unsigned n, int64_t window_ms)
{
    if (k < 2)
        return 1.0;
    if (n < k)
        n = k;
    /* Others going quiet within +-window of this one: Poisson with this mean. */
    double mean = (double)(n - 1) * QUIET_PER_MS * 2.0 * (double)window_ms;
    if (mean > 50.0)
        return 1.0;
    double term = 1.0 / series_exp(mean), below = 0.0;
    for (unsigned j = 0; j + 1 < k; j++) {
        below += term;
        term *= mean / (j + 1);
    }
    return below >= 1.0 ? 0.0 : 1.0 - below;
}

int whb_pattern(unsigned k, unsigned n, int64_t window_ms)
{
    return k >= 3 && whb_chance_together(k, n, window_ms) < CHANCE_MAX;
}

const struct whb_peer_group *whb_peers(const struct whb_explain_input *in, enum whb_peer_kind kind)
{
    for (int i = 0; i < in->n_peers; i++)
        if (in->peers[i].kind == kind)
            return &in->peers[i];
    return NULL;
}
