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
 * comes within seconds (a Linux switch's snmpd polls its interfaces every few seconds). */
#define SW_LATE_MS  (15 * 1000LL)
#define SW_EARLY_MS (60 * 1000LL) /* the machine's last report may come just after its cause */
#define SW_NEAR_MS  (5 * MIN_MS)  /* who configured it, a violation that led to the shut */

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

/* The last event of kind in [from, to] that the port had not recovered from when the silence
 * began: a shut undone before the machine's last report did not cause the silence; one undone
 * later (the port enabled again, and the machine back soon after) did. */
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

/* A read of the port inside the silence that says when its state began (ifLastChange). */
static const struct whb_switch_event *polled_since(const struct whb_explain_input *in,
                                                   enum whb_if_status admin,
                                                   enum whb_if_status oper, int64_t from,
                                                   int64_t to)
{
    for (int i = 0; i < in->n_sw_events; i++) {
        const struct whb_switch_event *e = &in->sw_events[i];
        if (e->kind == WHB_SW_POLL && e->admin == admin && e->oper == oper && e->since_ms &&
            e->since_ms >= from && e->since_ms <= to &&
            !back_after(in, e->since_ms, recovered_by(in, e->since_ms)))
            return e;
    }
    return NULL;
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
    int64_t from, to;
    cause_window(in, &from, &to);
    const struct whb_switch_event *shut = standing(in, WHB_SW_ADMIN_DOWN, WHB_IF_UNKNOWN, from, to);
    const struct whb_switch_event *err =
        standing(in, WHB_SW_ERR_DISABLED, WHB_IF_UNKNOWN, from, to);
    const struct whb_switch_event *read = polled_since(in, WHB_IF_DOWN, WHB_IF_DOWN, from, to);
    const struct whb_switch_port *p = whb_explain_span(in).past ? NULL : in->sw_port;
    int64_t at;
    char port[160], since[48];
    if (err && (!shut || err->at_ms <= shut->at_ms)) {
        at = err->at_ms;
        port_words(in, err, port, sizeof(port));
        whb_evidence(f, at, WHB_SOURCE_SWITCH, "%s err-disabled by the switch (%s): %.150s", port,
                     err->cause[0] ? err->cause : "cause not said", err->text);
        how_long(in, at, since, sizeof(since));
        whb_say(f->summary, "switch %s disabled by the switch itself (err-disable: %s) %s", port,
                err->cause[0] ? err->cause : "cause not said", since);
        whb_say(f->why, "the switch says it disabled the port itself (err-disable)");
        whb_say(f->step,
                "%s: remove the cause (%s), then shutdown / no shutdown the port, or "
                "let errdisable recovery bring it back",
                port, err->cause[0] ? err->cause : "see the switch's log");
    } else if (shut || read ||
               (p && p->admin == WHB_IF_DOWN && p->changed_ms >= from && p->changed_ms <= to)) {
        const struct whb_switch_event *e = shut ? shut : read;
        at = shut ? shut->at_ms : read ? read->since_ms : p->changed_ms;
        port_words(in, e, port, sizeof(port));
        whb_evidence(f, at, WHB_SOURCE_SWITCH, "%s administratively down (shut): %.150s", port,
                     e ? e->text : p->text);
        how_long(in, at, since, sizeof(since));
        whb_say(f->summary, "switch %s shut (administratively down) %s", port, since);
        whb_say(f->why, "the switch itself says the port was shut (ifAdminStatus down)");
        whb_say(f->step, "%s: enable it (no shutdown) if it was not meant to be shut", port);
    } else {
        return;
    }
    who_or_what(in, f, at);
    whb_rule_out(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_rule_out(f, WHB_REASON_FAULTY_ADAPTER);
    whb_rule_out(f, WHB_REASON_LOST_CONNECTIVITY);
    whb_hit(f, 96, WHB_CONFIDENCE_HIGH);
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
    int64_t from, to;
    cause_window(in, &from, &to);
    if (standing(in, WHB_SW_ADMIN_DOWN, WHB_IF_UNKNOWN, from, to) ||
        standing(in, WHB_SW_ERR_DISABLED, WHB_IF_UNKNOWN, from, to))
        return;
    const struct whb_switch_event *down = standing(in, WHB_SW_LINK_DOWN, WHB_IF_UP, from, to);
    const struct whb_switch_event *read = polled_since(in, WHB_IF_UP, WHB_IF_DOWN, from, to);
    const struct whb_switch_port *p = whb_explain_span(in).past ? NULL : in->sw_port;
    int64_t at;
    if (down)
        at = down->at_ms;
    else if (read)
        at = read->since_ms;
    else if (p && p->admin == WHB_IF_UP && p->oper == WHB_IF_DOWN && p->changed_ms >= from &&
             p->changed_ms <= to)
        at = p->changed_ms;
    else
        return;
    const struct whb_switch_event *e = down ? down : read;
    char port[160], since[48];
    port_words(in, e, port, sizeof(port));
    whb_evidence(f, at, WHB_SOURCE_SWITCH,
                 "%s lost its link with the port enabled (admin up, oper down): %.120s", port,
                 e ? e->text : p->text);
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
    whb_hit(f, 85, WHB_CONFIDENCE_MEDIUM);
}

/* The port still up with the machine's link, read after the silence began. */
static const struct whb_switch_port *up_while_silent(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    const struct whb_switch_port *p = in->sw_port;
    if (s.past || !wired_on_switch(in) || !p || whb_last_gasp(in))
        return NULL;
    if (p->oper != WHB_IF_UP || p->admin == WHB_IF_DOWN || p->heard_ms < s.start + SLACK_MS ||
        p->changed_ms > s.start + SW_EARLY_MS)
        return NULL;
    return p;
}

/* A link renegotiated slower around the silence: Wake-on-LAN keeps it when off or asleep. */
static int slowed(const struct whb_explain_input *in, const struct whb_switch_port *p)
{
    return p->prev_speed_mbps > p->speed_mbps && p->speed_mbps &&
           p->speed_changed_ms >= whb_explain_span(in).start - SW_EARLY_MS;
}

void whb_rule_switch_wake_on_lan(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_switch_port *p = up_while_silent(in);
    if (!p || !slowed(in, p))
        return;
    char port[160];
    port_words(in, NULL, port, sizeof(port));
    whb_evidence(f, p->speed_changed_ms, WHB_SOURCE_SWITCH,
                 "%s still has a link, renegotiated from %u to %u Mb/s", port, p->prev_speed_mbps,
                 p->speed_mbps);
    whb_say(f->summary,
            "%s keeps a link at %u Mb/s (was %u): the machine is off or asleep with "
            "Wake-on-LAN",
            port, p->speed_mbps, p->prev_speed_mbps);
    whb_say(f->why, "a machine turned off or asleep with Wake-on-LAN armed keeps its link at a "
                    "lower speed");
    whb_also(f, WHB_REASON_SLEEP);
    whb_also(f, WHB_REASON_HIBERNATION);
    whb_rule_out(f, WHB_REASON_CABLE_UNPLUGGED);
    whb_rule_out(f, WHB_REASON_PORT_DISABLED);
    whb_hit(f, 84, WHB_CONFIDENCE_MEDIUM);
}

void whb_rule_switch_link_up(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_switch_port *p = up_while_silent(in);
    if (!p || slowed(in, p))
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
