/* The switch's own word (issue 24): what the switch the machine is plugged into said about its
 * port, from its syslog, its traps or a read of the port (collector/switch/). From the machine
 * alone a pulled cable, a shut port, a power cut and a dead agent look alike; the switch tells
 * them apart:
 *   - the port shut by an operator, or disabled by the switch itself (err-disable, port
 *     security), or closed by a failed 802.1X authentication: the port, for certain;
 *   - the link lost with the port enabled: not the port; the cable or the machine;
 *   - the port still up with the machine's link while it is silent: not the cable, the port or
 *     the switch, unless the link came back slower (a machine off or asleep with Wake-on-LAN).
 * Only what the switch said inside the silence counts; with nothing from the switch, none of
 * these rules says anything and the answer is what it was without switches. */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "explain/finding.h"
#include "explain/rules.h"

/* The switch's events are stamped when the collector heard them: a trap or a syslog line
 * comes within seconds (a Linux switch's snmpd polls its interfaces every few seconds), but
 * an inform retried, a switch's busy CPU or a syslog relay bring it tens of seconds late. */
#define SW_LATE_MS  (60 * 1000LL)
#define SW_EARLY_MS (60 * 1000LL) /* the machine's last report may come just after its cause */
#define SW_NEAR_MS  (5 * MIN_MS)  /* who configured it, a violation that led to the shut */
/* A read of a shut port says since when its link is gone, not when it was shut: read within
 * this of the link's going, the shut is what took it (a port shut just after its machine
 * went silent for another reason is rare); read later, either may have come first. */
#define SW_READ_SURE_MS (10 * MIN_MS)

static int wired_on_switch(const struct whb_explain_input *in)
{
    return in->m && !in->m->wireless && in->m->sw_name[0] && in->m->sw_port[0] &&
           (in->n_sw_events > 0 || in->sw_port);
}

/* When a cause of the silence must have happened, as the switch stamps it. */
static void cause_window(const struct whb_explain_input *in, int64_t *from, int64_t *to)
{
    struct span s = whb_explain_span(in);
    *from = s.start - SW_EARLY_MS;
    *to = whb_cause_until(&s) + SW_LATE_MS;
}

static const struct whb_switch_event *first_of(const struct whb_explain_input *in,
                                               enum whb_switch_kind kind, int64_t from, int64_t to)
{
    for (int i = 0; i < in->n_sw_events; i++) {
        const struct whb_switch_event *e = &in->sw_events[i];
        if (e->kind == kind && e->at_ms >= from && e->at_ms <= to)
            return e;
    }
    return NULL;
}

/* When a recovery from something that happened at at would have kept the machine reporting:
 * by its next report after at or after the silence began, whichever is later. */
static int64_t recovered_by(const struct whb_explain_input *in, int64_t at)
{
    struct span s = whb_explain_span(in);
    return (at > s.start ? at : s.start) + s.interval;
}

/* Whether an event says the port was back (link up, or read up) after at and before to. */
static int back_after(const struct whb_explain_input *in, int64_t at, int64_t to)
{
    for (int i = 0; i < in->n_sw_events; i++) {
        const struct whb_switch_event *e = &in->sw_events[i];
        if (e->at_ms <= at || e->at_ms > to)
            continue;
        if (e->kind == WHB_SW_LINK_UP || (e->kind == WHB_SW_POLL && e->oper == WHB_IF_UP))
            return 1;
    }
    return 0;
}

/* The last event of kind (and admin, unless WHB_IF_UNKNOWN) in [from, to] that the port had
 * not recovered from when the silence began: a shut undone before the machine's last report
 * did not cause the silence; one undone later (the port enabled again, and the machine back
 * soon after) did. */
static const struct whb_switch_event *standing(const struct whb_explain_input *in,
                                               enum whb_switch_kind kind, enum whb_if_status admin,
                                               int64_t from, int64_t to)
{
    const struct whb_switch_event *found = NULL;
    for (int i = 0; i < in->n_sw_events; i++) {
        const struct whb_switch_event *e = &in->sw_events[i];
        if (e->kind == kind && e->at_ms >= from && e->at_ms <= to &&
            (admin == WHB_IF_UNKNOWN || e->admin == admin))
            found = e;
    }
    return found && !back_after(in, found->at_ms, recovered_by(in, found->at_ms)) ? found : NULL;
}

/* A read of the port (any time in the silence) whose state began inside [from, to]
 * (ifLastChange), with the port enabled or not and err-disabled (a cause read) or not. */
static const struct whb_switch_event *polled_since(const struct whb_explain_input *in,
                                                   enum whb_if_status admin,
                                                   enum whb_if_status oper, int err, int64_t from,
                                                   int64_t to)
{
    for (int i = 0; i < in->n_sw_events; i++) {
        const struct whb_switch_event *e = &in->sw_events[i];
        if (e->kind == WHB_SW_POLL && e->admin == admin && e->oper == oper &&
            !e->cause[0] == !err && e->since_ms && e->since_ms >= from && e->since_ms <= to &&
            !back_after(in, e->since_ms, recovered_by(in, e->since_ms)))
            return e;
    }
    return NULL;
}

/* What the switch said of the port around the silence: when it was shut, when the switch
 * err-disabled it, when it lost its link with the port enabled (each 0: not said). A read
 * says when the port's link went (ifLastChange), not when the port was shut: a shut known only
 * from a read made long after may have come after the link had gone. A link lost
 * with the port enabled seconds before the port was shut or err-disabled means the port
 * closed on a link already gone (a machine off, a cable out): not what silenced it. */
#define CLOSED_AFTER_MS 2000

struct story {
    const struct whb_switch_event *shut, *err, *lost; /* the words (NULL: a read) */
    const struct whb_switch_event *shut_read, *err_read, *lost_read;
    int64_t shut_at, err_at, lost_at;
    int shut_unsure; /* from a read made long after the link went */
};

static void port_story(const struct whb_explain_input *in, struct story *st)
{
    int64_t from, to;
    cause_window(in, &from, &to);
    memset(st, 0, sizeof(*st));
    st->shut = standing(in, WHB_SW_ADMIN_DOWN, WHB_IF_UNKNOWN, from, to);
    if (!st->shut)
        st->shut = standing(in, WHB_SW_LINK_DOWN, WHB_IF_DOWN, from, to);
    st->err = standing(in, WHB_SW_ERR_DISABLED, WHB_IF_UNKNOWN, from, to);
    st->lost = standing(in, WHB_SW_LINK_DOWN, WHB_IF_UP, from, to);
    if (st->shut)
        st->shut_at = st->shut->at_ms;
    else if ((st->shut_read = polled_since(in, WHB_IF_DOWN, WHB_IF_DOWN, 0, from, to))) {
        st->shut_at = st->shut_read->since_ms;
        st->shut_unsure = st->shut_read->at_ms - st->shut_read->since_ms > SW_READ_SURE_MS;
    }
    if (st->err)
        st->err_at = st->err->at_ms;
    else if ((st->err_read = polled_since(in, WHB_IF_UP, WHB_IF_DOWN, 1, from, to)))
        st->err_at = st->err_read->since_ms;
    if (st->lost)
        st->lost_at = st->lost->at_ms;
    else if ((st->lost_read = polled_since(in, WHB_IF_UP, WHB_IF_DOWN, 0, from, to)))
        st->lost_at = st->lost_read->since_ms;
    /* A read of the shut port says its link went at since, not when it was shut: if the switch
     * said the port enabled, its link gone, after that, the shut came later still. */
    if (st->shut_read && st->lost_at) {
        int64_t enabled = st->lost ? st->lost->at_ms : st->lost_read->at_ms;
        if (enabled > st->shut_at && enabled < st->shut_read->at_ms)
            st->shut_at = enabled + 1;
    }
}

/* When the port was closed (shut or err-disabled), 0 if it was not; and whether its link had
 * gone before. */
static int64_t closed_at(const struct story *st)
{
    if (st->err_at && (!st->shut_at || st->err_at <= st->shut_at))
        return st->err_at;
    return st->shut_at;
}

static int lost_before_closed(const struct story *st)
{
    int64_t c = closed_at(st);
    return c && st->lost_at && st->lost_at + CLOSED_AFTER_MS < c;
}

/* The port as the switch names it, and the switch. */
static void port_words(const struct whb_explain_input *in, const struct whb_switch_event *e,
                       char *out, size_t len)
{
    const char *port = e && e->port[0]                       ? e->port
                       : in->sw_port && in->sw_port->name[0] ? in->sw_port->name
                                                             : in->m->sw_port;
    snprintf(out, len, "port %.60s on switch %.60s", port, in->m->sw_name);
}

static void how_long(const struct whb_explain_input *in, int64_t since, char *out, size_t len)
{
    struct span s = whb_explain_span(in);
    char dur[32];
    whb_clock_format_duration((s.past ? s.end : in->now_ms) - since, dur, sizeof(dur));
    snprintf(out, len, s.past ? "for %s" : "%s ago", dur);
}

/* Who or what the switch says was behind a disabled port, as evidence. */
static void who_or_what(const struct whb_explain_input *in, struct finding *f, int64_t at)
{
    const struct whb_switch_event *v = NULL, *c = NULL;
    for (int i = 0; i < in->n_sw_events; i++) {
        const struct whb_switch_event *e = &in->sw_events[i];
        if (e->kind == WHB_SW_PORT_SECURITY && e->at_ms >= at - SW_NEAR_MS &&
            e->at_ms <= at + SW_LATE_MS)
            v = e;
        if (e->kind == WHB_SW_CONFIG && e->at_ms >= at - SW_LATE_MS &&
            e->at_ms <= at + SW_NEAR_MS && !c)
            c = e;
    }
    if (v)
        whb_evidence(f, v->at_ms, WHB_SOURCE_SWITCH, "port-security violation by %s%s%.150s",
                     v->mac[0] ? v->mac : "an unknown address", v->text[0] ? ": " : "", v->text);
    if (c)
        whb_evidence(f, c->at_ms, WHB_SOURCE_SWITCH, "configured by %s right after: %.180s",
                     c->who[0] ? c->who : "someone", c->text);
}

/* The switch disabled the port: shut by an operator, or err-disabled by the switch. */
void whb_rule_switch_port_disabled(const struct whb_explain_input *in, struct finding *f)
{
    if (!wired_on_switch(in) || whb_last_gasp(in))
        return;
    struct story st;
    port_story(in, &st);
    int64_t at = closed_at(&st);
    if (!at || lost_before_closed(&st))
        return;
    char port[160], since[48];
    how_long(in, at, since, sizeof(since));
    if (at == st.err_at) {
        const struct whb_switch_event *e = st.err ? st.err : st.err_read;
        port_words(in, e, port, sizeof(port));
        whb_evidence(f, at, WHB_SOURCE_SWITCH, "%s err-disabled by the switch (%s): %.150s", port,
                     e->cause[0] ? e->cause : "cause not said", e->text);
        whb_say(f->summary, "switch %s disabled by the switch itself (err-disable: %s) %s", port,
                e->cause[0] ? e->cause : "cause not said", since);
        whb_say(f->why, "the switch says it disabled the port itself (err-disable)");
        whb_say(f->step,
                "%s: remove the cause (%s), then shutdown / no shutdown the port, or "
                "let errdisable recovery bring it back",
                port, e->cause[0] ? e->cause : "see the switch's log");
    } else {
        const struct whb_switch_event *e = st.shut ? st.shut : st.shut_read;
        port_words(in, e, port, sizeof(port));
        whb_evidence(f, at, WHB_SOURCE_SWITCH, "%s administratively down (shut): %.150s", port,
                     e->text);
        whb_say(f->summary, "switch %s shut (administratively down) %s", port, since);
        whb_say(f->why, st.shut_unsure
                            ? "the switch reads the port shut, its link gone since the silence "
                              "began; whether the shut came first, it cannot say"
                            : "the switch itself says the port was shut (ifAdminStatus down)");
        whb_say(f->step, "%s: enable it (no shutdown) if it was not meant to be shut", port);
    }
    who_or_what(in, f, at);
    if (st.shut_unsure && at != st.err_at) {
        /* Read later: the port shut, its link gone when the silence began, the order unknown. */
        whb_also(f, WHB_REASON_CABLE_UNPLUGGED);
        whb_also(f, WHB_REASON_TURNED_OFF);
        whb_hit(f, 96, WHB_CONFIDENCE_MEDIUM);
        return;
    }
    whb_rule_out(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_rule_out(f, WHB_REASON_FAULTY_ADAPTER);
    whb_rule_out(f, WHB_REASON_LOST_CONNECTIVITY);
    whb_hit(f, 96, WHB_CONFIDENCE_HIGH);
}

/* Whether the switch says the port closed (shut, err-disabled) by e, and when (0: it does not
 * say so): a word, or a read of the port shut or err-disabled. */
static int64_t says_closed(const struct whb_switch_event *e)
{
    if (e->kind == WHB_SW_ADMIN_DOWN || e->kind == WHB_SW_ERR_DISABLED ||
        (e->kind == WHB_SW_LINK_DOWN && e->admin == WHB_IF_DOWN))
        return e->at_ms;
    if (e->kind == WHB_SW_POLL &&
        (e->admin == WHB_IF_DOWN || (e->oper != WHB_IF_UP && e->cause[0])))
        return e->at_ms;
    return 0;
}

/* Whether e says the port open again: its link up, enabled with its link down, or read so. */
static int says_open(const struct whb_switch_event *e)
{
    if (e->kind == WHB_SW_LINK_UP)
        return 1;
    if (e->kind == WHB_SW_LINK_DOWN && e->admin == WHB_IF_UP)
        return 1;
    return e->kind == WHB_SW_POLL && e->admin == WHB_IF_UP && !e->cause[0];
}

/* The switch's word that closed the port after from and kept it closed until to, or NULL. */
static const struct whb_switch_event *closed_through(const struct whb_explain_input *in,
                                                     int64_t from, int64_t to)
{
    const struct whb_switch_event *closed = NULL;
    for (int i = 0; i < in->n_sw_events; i++) {
        const struct whb_switch_event *e = &in->sw_events[i];
        if (e->at_ms < from || e->at_ms > to)
            continue;
        if (says_closed(e)) {
            if (!closed)
                closed = e;
        } else if (closed && says_open(e)) {
            closed = NULL;
        }
    }
    return closed;
}

/* A machine that announced its sleep, hibernation or shutdown, whose port the switch closed
 * while it was silent: now, whatever its state, it cannot report until the port opens; in a
 * gap, it came back (resumed, or started) without its link behind the closed port. The gasp
 * stays beside the answer (its own rule's finding). */
void whb_rule_switch_closed_since(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *g = whb_last_gasp(in);
    if (!wired_on_switch(in) || !g ||
        (g->kind != K(SUSPEND) && g->kind != K(HIBERNATE) && g->kind != K(SHUTDOWN)))
        return;
    struct span s = whb_explain_span(in);
    int64_t until = in->now_ms;
    if (s.past) {
        /* Back from the gasp (a resume, a new start) with its link gone until the gap's end. */
        const struct whb_hist_event *r = whb_first_in(in, K(RESUME), g->at_ms + 1, s.end);
        const struct whb_hist_event *a = whb_first_in(in, K(AGENT_START), g->at_ms + 1, s.end);
        const struct whb_hist_event *back = r && (!a || r->at_ms <= a->at_ms) ? r : a;
        if (!back || s.end - back->at_ms <= RETURN_MS(s.interval) + s.interval)
            return;
        const struct whb_hist_event *lost =
            whb_first_in(in, K(CARRIER_LOST), back->at_ms - SLACK_MS, back->at_ms + SLACK_MS);
        const struct whb_hist_event *gained =
            whb_first_in(in, K(CARRIER_GAINED), back->at_ms + SLACK_MS, s.end + SLACK_MS);
        if (!lost && !(gained && gained->at_ms >= s.end - RETURN_MS(s.interval)))
            return;
        until = back->at_ms;
        whb_evidence_event(f, in, back, "%s: without its link",
                           back->kind == K(RESUME) ? "resumed" : "agent started");
    }
    const struct whb_switch_event *e = closed_through(in, g->at_ms, until);
    if (!e)
        return;
    char port[160], since[48];
    port_words(in, e, port, sizeof(port));
    how_long(in, e->at_ms, since, sizeof(since));
    int err = e->kind == WHB_SW_ERR_DISABLED || (e->kind == WHB_SW_POLL && e->cause[0]);
    whb_evidence(f, e->at_ms, WHB_SOURCE_SWITCH, "%s %s after the machine's last gasp: %.150s",
                 port, err ? "err-disabled by the switch" : "administratively down (shut)",
                 e->text);
    whb_say(f->summary, "switch %s %s %s, after the machine went %s", port,
            err ? "err-disabled" : "shut", since,
            g->kind == K(SHUTDOWN)    ? "off"
            : g->kind == K(HIBERNATE) ? "into hibernation"
                                      : "to sleep");
    whb_say(f->why, "%s",
            s.past ? "it came back without its link behind the port the switch "
                     "had closed while it was off"
                   : "the switch closed the port while the machine was silent: "
                     "it cannot report until the port is open again");
    whb_say(f->step, "%s: %s", port,
            err ? "remove the cause, then shutdown / no shutdown the port"
                : "enable it (no shutdown) if it was not meant to be shut");
    who_or_what(in, f, e->at_ms);
    whb_rule_out(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_rule_out(f, WHB_REASON_FAULTY_ADAPTER);
    whb_hit(f, 97, WHB_CONFIDENCE_HIGH);
}

/* Wired 802.1X: the switch kept the port closed to the machine. */
void whb_rule_switch_dot1x(const struct whb_explain_input *in, struct finding *f)
{
    if (!wired_on_switch(in) || whb_last_gasp(in))
        return;
    struct span s = whb_explain_span(in);
    int64_t from, to;
    cause_window(in, &from, &to);
    /* A failure in the lead-up counts too: re-authentication fails, the port closes later. */
    const struct whb_switch_event *d = first_of(in, WHB_SW_DOT1X_FAIL, s.start - LEADUP_MS, to);
    if (!d)
        return;
    char port[160];
    port_words(in, d, port, sizeof(port));
    whb_evidence(f, d->at_ms, WHB_SOURCE_SWITCH,
                 "wired 802.1X authentication of %s failed on %s: %.120s",
                 d->mac[0] ? d->mac : "the computer", port, d->text);
    whb_say(f->summary,
            "wired 802.1X authentication failed on %s: the switch keeps the port "
            "closed to %s",
            port, d->mac[0] ? d->mac : "the computer");
    whb_say(f->why, "the switch says the computer's 802.1X authentication failed on its port");
    whb_say(f->step,
            "%s: check the computer's 802.1X (machine certificate, the Wired AutoConfig "
            "service dot3svc) and the RADIUS server's log for %s",
            port, d->mac[0] ? d->mac : "the computer");
    whb_rule_out(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_rule_out(f, WHB_REASON_FAULTY_ADAPTER);
    whb_hit(f, 94, d->at_ms >= from ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
}

/* The link went down with the port enabled: the cable or the machine, not the port. */
void whb_rule_switch_link_lost(const struct whb_explain_input *in, struct finding *f)
{
    if (!wired_on_switch(in) || whb_last_gasp(in))
        return;
    struct story st;
    port_story(in, &st);
    if (!st.lost_at || (closed_at(&st) && !lost_before_closed(&st)))
        return;
    int64_t at = st.lost_at;
    const struct whb_switch_event *e = st.lost ? st.lost : st.lost_read;
    struct span s = whb_explain_span(in);
    char port[160], since[48];
    port_words(in, e, port, sizeof(port));
    whb_evidence(f, at, WHB_SOURCE_SWITCH,
                 "%s lost its link with the port enabled (admin up, oper down): %.120s", port,
                 e->text);
    if (closed_at(&st))
        whb_evidence(f, closed_at(&st), WHB_SOURCE_SWITCH,
                     "%s closed later (%s), its link already gone", port,
                     st.err_at == closed_at(&st) ? "err-disabled" : "shut");
    how_long(in, at, since, sizeof(since));
    whb_say(f->summary, "link lost on %s with the port enabled %s: the cable or the machine", port,
            since);
    whb_say(f->why, "the switch says the port stayed enabled and lost the machine's link: a "
                    "pulled cable, or the machine lost power or its adapter");
    whb_say(f->step,
            "the cable between the computer and %s (both ends, the wall port), then "
            "the computer's power and adapter",
            port);
    whb_rule_out(f, WHB_REASON_PORT_DISABLED);
    whb_also(f, WHB_REASON_TURNED_OFF);
    whb_also(f, WHB_REASON_FAULTY_ADAPTER);
    /* Back, a machine that did not see its own link go while it ran tells its own story (a
     * power loss, a sleep): more precise than "the cable or the machine", which then only
     * rules the port out. One that saw it: the switch says which end. */
    const struct whb_hist_event *c = s.past ? whb_first_cause(in) : NULL;
    whb_hit(f, !s.past || (c && c->kind == K(CARRIER_LOST)) ? 85 : 73, WHB_CONFIDENCE_MEDIUM);
}

/* The port still up with the machine's link, read after the silence began. */
static const struct whb_switch_port *up_while_silent(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    const struct whb_switch_port *p = in->sw_port;
    if (s.past || !wired_on_switch(in) || !p || whb_last_gasp(in))
        return NULL;
    /* Its link as it has been since the silence's cause (a renegotiation heard late, with the
     * words that said it, counts as at the cause). */
    int64_t from, to;
    cause_window(in, &from, &to);
    if (p->oper != WHB_IF_UP || p->admin == WHB_IF_DOWN || p->heard_ms < s.start + SLACK_MS ||
        p->changed_ms > to)
        return NULL;
    /* Up, but closed to the machine: 802.1X refused it (whb_rule_switch_dot1x). */
    if (first_of(in, WHB_SW_DOT1X_FAIL, s.start - LEADUP_MS, to))
        return NULL;
    return p;
}

/* A link renegotiated slower around the silence: Wake-on-LAN keeps it when off or asleep. */
static int slowed(const struct whb_explain_input *in, const struct whb_switch_port *p)
{
    return p->prev_speed_mbps > p->speed_mbps && p->speed_mbps &&
           p->speed_changed_ms >= whb_explain_span(in).start - SW_EARLY_MS;
}

/* The link went and came back after the machine's last report: its adapter renegotiated, as
 * one does when its machine goes off or to sleep with Wake-on-LAN (or restarts). */
static int bounced(const struct whb_explain_input *in, const struct whb_switch_port *p)
{
    return p->changed_ms > whb_explain_span(in).start;
}

void whb_rule_switch_wake_on_lan(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_switch_port *p = up_while_silent(in);
    if (!p || (!slowed(in, p) && !bounced(in, p)))
        return;
    char port[160];
    port_words(in, NULL, port, sizeof(port));
    if (slowed(in, p)) {
        whb_evidence(f, p->speed_changed_ms, WHB_SOURCE_SWITCH,
                     "%s still has a link, renegotiated from %u to %u Mb/s", port,
                     p->prev_speed_mbps, p->speed_mbps);
        whb_say(f->summary,
                "%s keeps a link at %u Mb/s (was %u): the machine is off or asleep with "
                "Wake-on-LAN",
                port, p->speed_mbps, p->prev_speed_mbps);
        whb_say(f->why, "a machine turned off or asleep with Wake-on-LAN armed keeps its link "
                        "at a lower speed");
    } else {
        whb_evidence(f, p->changed_ms, WHB_SOURCE_SWITCH,
                     "%s lost its link and had it back after the machine's last report", port);
        whb_say(f->summary,
                "%s renegotiated its link as the machine went silent: off or asleep with "
                "Wake-on-LAN, or restarting",
                port);
        whb_say(f->why, "an adapter renegotiates its link when its machine goes off or to sleep "
                        "with Wake-on-LAN armed, or restarts");
        whb_also(f, WHB_REASON_AGENT_CRASHED);
    }
    whb_also(f, WHB_REASON_SLEEP);
    whb_also(f, WHB_REASON_HIBERNATION);
    whb_rule_out(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_rule_out(f, WHB_REASON_PORT_DISABLED);
    whb_hit(f, 84, WHB_CONFIDENCE_MEDIUM);
}

/* Every known machine of the switch silent at once while this port keeps its link: what is
 * beyond the switch (its uplink, its forwarding), not each machine's agent. */
static int whole_switch_silent(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    const struct whb_peer_group *g = whb_peers(in, WHB_PEERS_SWITCH);
    return g && g->together >= 2 && !g->healthy && !s.down_near &&
           whb_pattern(g->together, g->total, TOGETHER_MS(s.interval));
}

void whb_rule_switch_path(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_switch_port *p = up_while_silent(in);
    if (!p || slowed(in, p) || bounced(in, p) || !whole_switch_silent(in))
        return;
    char port[160];
    port_words(in, NULL, port, sizeof(port));
    whb_evidence(f, p->heard_ms, WHB_SOURCE_SWITCH,
                 "%s up with the machine's link (admin up, oper up) while every known machine "
                 "on the switch is silent",
                 port);
    whb_say(f->summary,
            "every known machine on switch %s silent while its ports keep their links: the "
            "switch's uplink or what is beyond it",
            in->m->sw_name);
    whb_say(f->why, "the switch reads the machines' ports up with their links while all of "
                    "them went silent at once: not their cables, ports or agents, but the way "
                    "out of the switch");
    whb_say(f->step,
            "network team: switch %s's uplink and the network beyond it (its ports "
            "to the machines are up)",
            in->m->sw_name);
    whb_also(f, WHB_REASON_AGENT_CRASHED);
    whb_rule_out(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_rule_out(f, WHB_REASON_PORT_DISABLED);
    whb_rule_out(f, WHB_REASON_FAULTY_ADAPTER);
    whb_hit(f, 89, WHB_CONFIDENCE_MEDIUM);
}

void whb_rule_switch_link_up(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_switch_port *p = up_while_silent(in);
    if (!p || slowed(in, p) || bounced(in, p) || whole_switch_silent(in))
        return;
    char port[160], speed[24] = "";
    port_words(in, NULL, port, sizeof(port));
    if (p->speed_mbps)
        snprintf(speed, sizeof(speed), ", %u Mb/s", p->speed_mbps);
    whb_evidence(f, p->heard_ms, WHB_SOURCE_SWITCH,
                 "%s up with the machine's link (admin up, oper up%s) while it is silent", port,
                 speed);
    whb_say(f->summary,
            "silent while %s is up with its link: not the cable, the port or the "
            "switch",
            port);
    whb_say(f->why, "the switch reads the port up with the machine's link at the same speed: "
                    "the agent (crashed or hung), the machine's own network configuration, or "
                    "the path beyond the switch");
    whb_say(f->step,
            "on the computer: the whb-agent service and its log, then its address, "
            "firewall and route to the collector; the network beyond %s",
            in->m->sw_name);
    whb_also(f, WHB_REASON_LOST_CONNECTIVITY);
    whb_rule_out(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_rule_out(f, WHB_REASON_PORT_DISABLED);
    whb_rule_out(f, WHB_REASON_FAULTY_ADAPTER);
    whb_hit(f, 88, WHB_CONFIDENCE_MEDIUM);
}
