/* The rules. Every rule names the reason it supports and the evidence it needs; the engine runs
 * them all, the strongest finding is the answer and the others become the alternatives. Scores
 * order findings; confidence says how sure the finding itself is. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "clock.h"
#include "explain.h"
#include "whb.pb-c.h"

#define K(name) WHB__V1__EVENT_KIND__EVENT_KIND_##name
#define MIN_MS  60000LL

struct finding {
    int score; /* 0: the rule does not apply */
    enum whb_confidence conf;
    char why[WHB_EXPLAIN_TEXT];
    char summary[WHB_EXPLAIN_TEXT];
    char step[WHB_EXPLAIN_TEXT]; /* specifics added to the catalog's next step */
    struct whb_evidence ev[6];
    int n_ev;
};

typedef void (*rule_fn)(const struct whb_explain_input *in, struct finding *f);

struct rule {
    const char *name;
    enum whb_reason reason;
    const char *needs; /* the evidence it looks for, for readers of this table */
    rule_fn fn;
};

static void say(char *buf, const char *fmt, ...) WHB_PRINTF(2, 3);
static void say(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, WHB_EXPLAIN_TEXT, fmt, ap);
    va_end(ap);
}

static void evidence(struct finding *f, int64_t at, const char *fmt, ...) WHB_PRINTF(3, 4);
static void evidence(struct finding *f, int64_t at, const char *fmt, ...)
{
    if (f->n_ev >= (int)(sizeof(f->ev) / sizeof(f->ev[0])))
        return;
    va_list ap;
    va_start(ap, fmt);
    f->ev[f->n_ev].at_ms = at;
    vsnprintf(f->ev[f->n_ev].text, WHB_EXPLAIN_TEXT, fmt, ap);
    va_end(ap);
    f->n_ev++;
}

static void hit(struct finding *f, int score, enum whb_confidence conf)
{
    f->score = score;
    f->conf = conf;
}

/* The window in which events explain the present silence or the gap. */
static int64_t window_start(const struct whb_explain_input *in)
{
    if (in->gap_start_ms)
        return in->gap_start_ms - 5 * MIN_MS;
    return in->m->last_seen_ms - 60 * MIN_MS;
}

static int64_t window_end(const struct whb_explain_input *in)
{
    return in->gap_end_ms ? in->gap_end_ms + 5 * MIN_MS : in->now_ms;
}

static const struct whb_hist_event *last_of(const struct whb_explain_input *in, int kind)
{
    for (int i = in->n_events - 1; i >= 0; i--)
        if (in->events[i].kind == kind && in->events[i].at_ms >= window_start(in) &&
            in->events[i].at_ms <= window_end(in))
            return &in->events[i];
    return NULL;
}

static const struct whb_hist_event *first_after(const struct whb_explain_input *in, int kind,
                                                int64_t after)
{
    for (int i = 0; i < in->n_events; i++)
        if (in->events[i].kind == kind && in->events[i].at_ms >= after &&
            in->events[i].at_ms <= window_end(in))
            return &in->events[i];
    return NULL;
}

static int count_of(const struct whb_explain_input *in, int kind, int64_t from, int64_t to)
{
    int n = 0;
    for (int i = 0; i < in->n_events; i++)
        n += in->events[i].kind == kind && in->events[i].at_ms >= from && in->events[i].at_ms <= to;
    return n;
}

/* The last power event before the silence, if it is the last word the machine said. */
static const struct whb_hist_event *last_gasp(const struct whb_explain_input *in)
{
    static const int kinds[] = {K(SUSPEND), K(HIBERNATE), K(SHUTDOWN), K(AGENT_STOP)};
    const struct whb_hist_event *best = NULL;
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        const struct whb_hist_event *e = last_of(in, kinds[k]);
        if (e && (!best || e->at_ms > best->at_ms))
            best = e;
    }
    /* In a gap the power event must fall inside it; now, it must be the latest news. */
    if (!best)
        return NULL;
    const struct whb_hist_event *start = last_of(in, K(AGENT_START));
    const struct whb_hist_event *resume = last_of(in, K(RESUME));
    if (!in->gap_start_ms &&
        ((start && start->at_ms > best->at_ms) || (resume && resume->at_ms > best->at_ms)))
        return NULL;
    return best;
}

static void duration(int64_t ms, char *buf, size_t len)
{
    whb_clock_format_duration(ms, buf, (unsigned)len);
}

static void power_rule(const struct whb_explain_input *in, struct finding *f, int kind,
                       const char *what)
{
    const struct whb_hist_event *g = last_gasp(in);
    char dur[32];
    if (!g || g->kind != kind)
        return;
    evidence(f, g->at_ms, "last gasp: %s (%s)", what, g->detail);
    if (in->gap_end_ms) {
        const struct whb_hist_event *back = first_after(in, K(RESUME), g->at_ms);
        if (!back)
            back = first_after(in, K(AGENT_START), g->at_ms);
        int64_t until = back ? back->at_ms : in->gap_end_ms;
        if (back)
            evidence(f, back->at_ms, "%s", back->kind == K(RESUME) ? "resumed" : "agent started");
        duration(until - g->at_ms, dur, sizeof(dur));
        say(f->summary, "%s for %s", what, dur);
    } else {
        duration(in->now_ms - g->at_ms, dur, sizeof(dur));
        say(f->summary, "%s %s ago", what, dur);
    }
    say(f->why, "the machine announced it before going silent");
    hit(f, 90, WHB_CONFIDENCE_HIGH);
}

/* A suspend that the machine, on resume, says was a hibernation (Windows learns the target
 * only afterwards, from Kernel-Power event 42). */
static int resumed_from_hibernation(const struct whb_explain_input *in)
{
    const struct whb_hist_event *r = in->gap_start_ms ? last_of(in, K(RESUME)) : NULL;
    return r && strstr(r->detail, "hibernation") != NULL;
}

static void rule_hibernate(const struct whb_explain_input *in, struct finding *f)
{
    power_rule(in, f, K(HIBERNATE), "hibernated");
    if (!f->score && resumed_from_hibernation(in)) {
        power_rule(in, f, K(SUSPEND), "hibernated");
        if (f->score)
            f->score = 91; /* above the plain sleep the same last gasp suggests */
    }
}

static int resumed_from_hibernation(const struct whb_explain_input *in);

static void rule_sleep(const struct whb_explain_input *in, struct finding *f)
{
    if (resumed_from_hibernation(in))
        return;
    power_rule(in, f, K(SUSPEND), "asleep");
    if (f->score || !in->gap_start_ms)
        return;
    const struct whb_hist_event *s = last_of(in, K(SLEEP_DETECTED));
    if (!s)
        return;
    evidence(f, s->at_ms, "clocks show %s", s->detail);
    say(f->summary, "%s", s->detail);
    say(f->why, "the boot clocks drifted apart by the time asleep; no notification came");
    hit(f, 80, WHB_CONFIDENCE_MEDIUM);
}

static void rule_shutdown(const struct whb_explain_input *in, struct finding *f)
{
    power_rule(in, f, K(SHUTDOWN), "shut down");
}

static void rule_agent_stop(const struct whb_explain_input *in, struct finding *f)
{
    power_rule(in, f, K(AGENT_STOP), "agent stopped");
    if (f->score)
        f->score = 85;
}

static void rule_power_loss(const struct whb_explain_input *in, struct finding *f)
{
    if (in->gap_start_ms) {
        const struct whb_hist_event *u = last_of(in, K(UNCLEAN_STOP));
        if (!u)
            return;
        char dur[32];
        evidence(f, u->since_ms, "last known alive");
        evidence(f, u->at_ms, "%s", u->detail);
        duration(u->at_ms - u->since_ms, dur, sizeof(dur));
        say(f->summary, "off without a clean shutdown (power loss, crash or hard reset) for %s",
            dur);
        say(f->why, "the agent found on start that its last run never stopped cleanly");
        hit(f, 75, WHB_CONFIDENCE_MEDIUM);
        return;
    }
    /* Now: silence with no last gasp is what a power cut looks like, and a pulled cable too. */
    if (last_gasp(in))
        return;
    say(f->why, "no last gasp: not an orderly shutdown, but a power cut or hard reset looks "
                "like this");
    hit(f, in->m->on_battery ? 20 : 30, WHB_CONFIDENCE_LOW);
}

/* Several machines on the same switch, access point or subnet went silent together. */
static const struct whb_peer_group *together(const struct whb_explain_input *in,
                                             enum whb_peer_kind kind, unsigned min)
{
    for (int i = 0; i < in->n_peers; i++)
        if (in->peers[i].kind == kind && in->peers[i].together >= min)
            return &in->peers[i];
    return NULL;
}

static void rule_switch_peers(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_peer_group *p = together(in, WHB_PEERS_SWITCH, 3);
    if (!p || in->m->wireless)
        return;
    evidence(f, in->m->last_seen_ms, "%u of %u machines on %s went silent together (ports %s)",
             p->together, p->total, p->label, p->ports);
    if (p->healthy)
        evidence(f, in->now_ms, "%u machines on the same switch still report", p->healthy);
    say(f->why, "%u machines behind the same switch lost their link at once%s", p->together,
        p->healthy ? " while others on it stayed up" : "");
    say(f->step, "switch %s, ports %s%s", p->label, p->ports,
        p->healthy ? "" : " (every known port: the switch or its uplink)");
    say(f->summary, "switch port %s on %s disabled with %u others", in->m->sw_port, p->label,
        p->together - 1);
    hit(f, 88, p->together >= 3 ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
}

static void rule_ap_peers(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_peer_group *p = together(in, WHB_PEERS_ACCESS_POINT, 2);
    if (!p || !in->m->wireless)
        return;
    evidence(f, in->m->last_seen_ms, "%u of %u machines on %s went silent together", p->together,
             p->total, p->label);
    say(f->why, "machines on the same access point went silent together");
    say(f->step, "access point %s", p->label);
    say(f->summary, "access point %s lost %u clients at once", p->label, p->together);
    hit(f, 86, WHB_CONFIDENCE_HIGH);
}

static void rule_subnet_peers(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_peer_group *p = together(in, WHB_PEERS_SUBNET, 3);
    if (!p)
        return;
    evidence(f, in->m->last_seen_ms, "%u of %u machines in %s went silent together", p->together,
             p->total, p->label);
    say(f->why, "machines in one subnet went silent together: the network path, not the "
                "machines");
    say(f->step, "network team: subnet %s (its router or VLAN)", p->label);
    say(f->summary, "subnet %s lost connectivity (%u machines)", p->label, p->together);
    hit(f, 70, WHB_CONFIDENCE_MEDIUM);
}

static void rule_wireless(const struct whb_explain_input *in, struct finding *f)
{
    int64_t from = window_start(in), to = window_end(in);
    int fails = count_of(in, K(WIFI_ASSOC_FAILED), from, to);
    int drops = count_of(in, K(WIFI_DISCONNECTED), from, to);
    const struct whb_hist_event *e = last_of(in, K(WIFI_ASSOC_FAILED));
    if (!e)
        e = last_of(in, K(WIFI_DISCONNECTED));
    if (!e) {
        if (!in->gap_start_ms && in->m->wireless && !in->m->wifi_associated) {
            evidence(f, in->m->last_seen_ms, "last report: %s not associated", in->m->primary_if);
            say(f->why, "its wireless adapter was not associated when it last reported");
            hit(f, 60, WHB_CONFIDENCE_MEDIUM);
        } else if (!in->gap_start_ms && in->m->wireless) {
            say(f->why, "it was on wireless (%s) and left without a last gasp", in->m->ssid);
            hit(f, 35, WHB_CONFIDENCE_LOW);
        }
        return;
    }
    evidence(f, e->at_ms, "%s on %s: %s (IEEE 802.11 code %u)",
             e->kind == K(WIFI_ASSOC_FAILED) ? "association failed" : "disconnected", e->adapter,
             e->detail, e->reason_code);
    if (fails + drops > 1)
        evidence(f, e->at_ms, "%d failed associations and %d disconnects in the window", fails,
                 drops);
    say(f->why, "the wireless adapter reported %s with IEEE 802.11 code %u",
        e->kind == K(WIFI_ASSOC_FAILED) ? "failed associations" : "disconnects", e->reason_code);
    say(f->summary, "wireless could not associate (code %u)", e->reason_code);
    if (in->m->bssid[0])
        say(f->step, "access point %s (SSID %s)", in->m->bssid, in->m->ssid);
    hit(f, 78, fails + drops > 1 ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
}

static void rule_flapping(const struct whb_explain_input *in, struct finding *f)
{
    int64_t from =
        in->gap_start_ms ? in->gap_start_ms - 30 * MIN_MS : in->m->last_seen_ms - 30 * MIN_MS;
    int flaps = count_of(in, K(CARRIER_LOST), from, window_end(in));
    const struct whb_hist_event *err = last_of(in, K(LINK_ERRORS));
    if (flaps < 3 && !err)
        return;
    if (flaps >= 2) {
        const struct whb_hist_event *c = last_of(in, K(CARRIER_LOST));
        evidence(f, c->at_ms, "link on %s dropped %d times in 30 min", c->adapter, flaps);
    }
    if (err)
        evidence(f, err->at_ms, "errors on %s: %s", err->adapter, err->detail);
    say(f->why, "the link %s before the silence", flaps >= 3 ? "flapped" : "counted errors");
    say(f->summary, "unstable link on %s (%d drops)", in->m->primary_if, flaps);
    hit(f, flaps >= 3 ? 82 : 55, flaps >= 3 && err ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
}

static void rule_adapter_disabled(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *d = last_of(in, K(ADMIN_DOWN));
    if (!d)
        return;
    const struct whb_hist_event *u = first_after(in, K(ADMIN_UP), d->at_ms);
    char dur[32];
    evidence(f, d->at_ms, "adapter %s disabled on the machine", d->adapter);
    if (u) {
        evidence(f, u->at_ms, "adapter %s enabled again", u->adapter);
        duration(u->at_ms - d->at_ms, dur, sizeof(dur));
        say(f->summary, "adapter %s disabled for %s", d->adapter, dur);
    } else {
        say(f->summary, "adapter %s disabled", d->adapter);
    }
    say(f->why, "the machine itself set the adapter administratively down");
    hit(f, 87, WHB_CONFIDENCE_HIGH);
}

static void rule_carrier(const struct whb_explain_input *in, struct finding *f)
{
    if (!in->gap_start_ms) {
        /* Now: a wired machine that fell silent without a word, alone on its switch. */
        if (in->m->wireless || last_gasp(in))
            return;
        say(f->why, "a pulled cable silences a wired machine without a last gasp");
        hit(f, together(in, WHB_PEERS_SWITCH, 3) ? 10 : 35, WHB_CONFIDENCE_LOW);
        return;
    }
    /* On wireless the "carrier" follows the association: the wireless rules speak for it. */
    if (in->m->wireless)
        return;
    const struct whb_hist_event *lost = NULL;
    for (int i = 0; i < in->n_events; i++)
        if (in->events[i].kind == K(CARRIER_LOST) && in->events[i].at_ms >= window_start(in) &&
            in->events[i].at_ms <= window_end(in) && !lost)
            lost = &in->events[i];
    if (!lost)
        return;
    const struct whb_hist_event *back = first_after(in, K(CARRIER_GAINED), lost->at_ms);
    char dur[32], a[32], b[32];
    whb_clock_format_iso(lost->at_ms, a, sizeof(a));
    evidence(f, lost->at_ms, "carrier lost on %s", lost->adapter);
    if (back) {
        whb_clock_format_iso(back->at_ms, b, sizeof(b));
        evidence(f, back->at_ms, "carrier regained on %s", back->adapter);
        duration(back->at_ms - lost->at_ms, dur, sizeof(dur));
        say(f->summary, "carrier lost on %s %s -> regained %s: network cable unplugged for %s",
            lost->adapter, a + 11, b + 11, dur);
    } else {
        say(f->summary, "carrier lost on %s at %s", lost->adapter, a + 11);
    }
    say(f->why, "the machine saw its link go down on its own; no neighbour on the switch did");
    hit(f, 80, back ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
}

static void rule_removed(const struct whb_explain_input *in, struct finding *f)
{
    if (!in->gap_start_ms) {
        say(f->why, "%s",
            in->m->on_battery ? "a portable on battery that left without a word"
                              : "a machine taken away leaves without a last gasp");
        hit(f, in->m->on_battery ? 40 : 15, WHB_CONFIDENCE_LOW);
        return;
    }
    const struct whb_hist_event *l = first_after(in, K(LLDP_CHANGED), in->gap_start_ms);
    const struct whb_hist_event *n = first_after(in, K(NETWORK_CHANGED), in->gap_start_ms);
    if (!l && !n)
        return;
    if (l)
        evidence(f, l->at_ms, "now on %s", l->detail);
    if (n)
        evidence(f, n->at_ms, "new network: %s", n->detail);
    say(f->why, "it came back on another %s",
        l && n ? "switch and subnet"
        : l    ? "switch"
               : "subnet");
    say(f->summary, "moved: back on %s", l ? l->detail : n->detail);
    hit(f, l && n ? 84 : 60, l && n ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
}

static void rule_offline_but_on(const struct whb_explain_input *in, struct finding *f)
{
    if (!in->gap_start_ms)
        return;
    int beats = count_of(in, K(HEARTBEAT), in->gap_start_ms, in->gap_end_ms);
    const struct whb_hist_event *d = last_of(in, K(DELIVERY_FAILED));
    if (!beats && !d)
        return;
    if (d)
        evidence(f, d->at_ms, "could not reach the collector: %s", d->detail);
    if (beats)
        evidence(f, in->gap_start_ms, "%d heartbeats kept while offline: the machine was on",
                 beats);
    say(f->why, "the machine was running but could not reach the network");
    say(f->summary, "on, but without network (%d heartbeats spooled)", beats);
    hit(f, 50, WHB_CONFIDENCE_MEDIUM);
}

static void rule_lost_connectivity(const struct whb_explain_input *in, struct finding *f)
{
    if (in->gap_start_ms || last_gasp(in))
        return;
    evidence(f, in->m->last_seen_ms, "last report: %s %s, then nothing", in->m->primary_if,
             in->m->carrier ? "link up" : "link down");
    say(f->why, "silent without a last gasp: the network or the power went away; which one is "
                "known when it returns");
    hit(f, 40, WHB_CONFIDENCE_LOW);
}

static const struct rule silent_rules[] = {
    {"last gasp: hibernate", WHB_REASON_HIBERNATION, "a HIBERNATE event as the last word",
     rule_hibernate},
    {"last gasp: sleep", WHB_REASON_SLEEP,
     "a SUSPEND event as the last word (or, in a gap, "
     "SLEEP_DETECTED)",
     rule_sleep},
    {"last gasp: shutdown", WHB_REASON_TURNED_OFF, "a SHUTDOWN event as the last word",
     rule_shutdown},
    {"last gasp: agent stop", WHB_REASON_AGENT_STOPPED, "an AGENT_STOP event as the last word",
     rule_agent_stop},
    {"power loss", WHB_REASON_TURNED_OFF, "UNCLEAN_STOP on return, or silence without a last gasp",
     rule_power_loss},
    {"switch neighbours", WHB_REASON_PORT_DISABLED,
     "3+ machines on the same LLDP switch silent within the window", rule_switch_peers},
    {"access point neighbours", WHB_REASON_WIRELESS_ASSOCIATION,
     "2+ machines on the same BSSID silent within the window", rule_ap_peers},
    {"subnet neighbours", WHB_REASON_LOST_CONNECTIVITY,
     "3+ machines in the same subnet silent within the window", rule_subnet_peers},
    {"wireless failures", WHB_REASON_WIRELESS_ASSOCIATION,
     "WIFI_ASSOC_FAILED / WIFI_DISCONNECTED with 802.11 codes, or not associated", rule_wireless},
    {"flapping link", WHB_REASON_FAULTY_ADAPTER, "3+ CARRIER_LOST in 30 min, or LINK_ERRORS",
     rule_flapping},
    {"adapter disabled", WHB_REASON_ADAPTER_DISABLED, "ADMIN_DOWN on the machine",
     rule_adapter_disabled},
    {"carrier lost alone", WHB_REASON_CABLE_UNPLUGGED,
     "CARRIER_LOST then CARRIER_GAINED, no switch neighbour silent", rule_carrier},
    {"moved", WHB_REASON_REMOVED, "back with LLDP_CHANGED and/or NETWORK_CHANGED", rule_removed},
    {"offline but on", WHB_REASON_LOST_CONNECTIVITY,
     "HEARTBEAT / DELIVERY_FAILED spooled in the gap", rule_offline_but_on},
    {"silent, no last gasp", WHB_REASON_LOST_CONNECTIVITY, "silence without any of the above",
     rule_lost_connectivity},
};

#define N_RULES (sizeof(silent_rules) / sizeof(silent_rules[0]))

static void add_evidence(struct whb_explanation *out, int64_t at, const char *text)
{
    if (out->n_evidence >= WHB_EXPLAIN_MAX_EVIDENCE)
        return;
    out->evidence[out->n_evidence].at_ms = at;
    snprintf(out->evidence[out->n_evidence].text, WHB_EXPLAIN_TEXT, "%s", text);
    out->n_evidence++;
}

/* Runs every rule; the best finding wins, the next ones are alternatives. */
static void decide(const struct whb_explain_input *in, struct whb_explanation *out)
{
    struct finding found[N_RULES];
    int order[N_RULES], n = 0;
    memset(found, 0, sizeof(found));
    for (size_t i = 0; i < N_RULES; i++) {
        silent_rules[i].fn(in, &found[i]);
        if (found[i].score > 0)
            order[n++] = (int)i;
    }
    /* Stable order by score, so equal scores keep the table's order (deterministic). */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && found[order[j]].score > found[order[j - 1]].score; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    if (n == 0) {
        out->reason = WHB_REASON_UNKNOWN;
        out->confidence = WHB_CONFIDENCE_LOW;
        snprintf(out->confidence_why, sizeof(out->confidence_why), "no rule found evidence");
        snprintf(out->next_step, sizeof(out->next_step), "%s",
                 whb_reason_info(WHB_REASON_UNKNOWN)->next_step);
        return;
    }
    const struct finding *best = &found[order[0]];
    enum whb_reason reason = silent_rules[order[0]].reason;
    out->reason = reason;
    out->confidence = best->conf;
    snprintf(out->confidence_why, sizeof(out->confidence_why), "%s", best->why);
    snprintf(out->summary, sizeof(out->summary), "%s", best->summary);
    for (int i = 0; i < best->n_ev; i++)
        add_evidence(out, best->ev[i].at_ms, best->ev[i].text);
    /* Near-equal findings for different reasons lower the confidence: say it is ambiguous. */
    for (int k = 1; k < n && out->n_alternatives < WHB_EXPLAIN_MAX_ALTERNATIVES; k++) {
        const struct finding *f = &found[order[k]];
        enum whb_reason r = silent_rules[order[k]].reason;
        int dup = r == reason;
        for (int a = 0; a < out->n_alternatives; a++)
            dup |= out->alternatives[a].reason == r;
        if (dup)
            continue;
        out->alternatives[out->n_alternatives].reason = r;
        snprintf(out->alternatives[out->n_alternatives].why, WHB_EXPLAIN_TEXT, "%s", f->why);
        out->n_alternatives++;
        if (best->score - f->score < 5 && out->confidence > WHB_CONFIDENCE_LOW)
            out->confidence--;
    }
    const struct whb_reason_info *info = whb_reason_info(reason);
    if (best->step[0])
        snprintf(out->next_step, sizeof(out->next_step), "%s: %s", info->next_step, best->step);
    else
        snprintf(out->next_step, sizeof(out->next_step), "%s", info->next_step);
}

/* A reporting machine may still be missing from WSUS: the server side, or its update client. */
static void explain_reporting(const struct whb_explain_input *in, struct whb_explanation *out)
{
    const struct whb_machine_view *m = in->m;
    char text[WHB_EXPLAIN_TEXT];
    out->reporting = 1;
    snprintf(text, sizeof(text), "reporting every %u s; last report", m->interval_s);
    add_evidence(out, m->last_seen_ms, text);
    if (m->wsus_class[0] && strcmp(m->wsus_class, "ok") != 0) {
        /* An answer with an error status is the server side (503: WsusPool); no answer at all
         * is a service that is not running, a firewall or a wrong name. */
        out->reason = m->wsus_http ? WHB_REASON_WSUS_UNAVAILABLE : WHB_REASON_WSUS_UNREACHABLE;
        if (m->wsus_http)
            snprintf(text, sizeof(text), "WSUS %.180s answered HTTP %u", m->wsus_url, m->wsus_http);
        else
            snprintf(text, sizeof(text), "WSUS %.180s unreachable (curl error %d)", m->wsus_url,
                     m->wsus_curl);
        add_evidence(out, m->wsus_at_ms, text);
        if (in->wsus_failing > 1) {
            snprintf(text, sizeof(text), "%u online machines get the same answer from WSUS",
                     in->wsus_failing);
            add_evidence(out, in->now_ms, text);
        }
        out->confidence = m->wsus_http >= 500 || in->wsus_failing > 1 ? WHB_CONFIDENCE_HIGH
                                                                      : WHB_CONFIDENCE_MEDIUM;
        if (!m->wsus_http && in->wsus_failing > 1)
            snprintf(out->confidence_why, sizeof(out->confidence_why),
                     "%u online machines cannot connect to WSUS: the server side",
                     in->wsus_failing);
        if (m->wsus_http || in->wsus_failing <= 1)
            snprintf(out->confidence_why, sizeof(out->confidence_why), "%s",
                     m->wsus_http == 503 ? "HTTP 503 from WSUS is the documented sign of a stopped "
                                           "WsusPool (Message ID 6703)"
                                         : "the machine is online but its WSUS probe fails");
        snprintf(out->summary, sizeof(out->summary), "online; WSUS %s", m->wsus_class);
    } else if (m->update_service == 0) {
        out->reason = WHB_REASON_UPDATE_SERVICE_STOPPED;
        out->confidence = WHB_CONFIDENCE_HIGH;
        add_evidence(out, m->last_seen_ms, "Windows Update service (wuauserv) not running");
        snprintf(out->confidence_why, sizeof(out->confidence_why),
                 "the agent reads the service state from the service manager");
    } else {
        out->reason = WHB_REASON_REPORTING;
        out->confidence = m->wsus_class[0] ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM;
        snprintf(out->confidence_why, sizeof(out->confidence_why), "%s",
                 m->wsus_class[0] ? "it reports and its last WSUS probe succeeded"
                                  : "it reports; no WSUS probe is configured");
    }
    snprintf(out->next_step, sizeof(out->next_step), "%s", whb_reason_info(out->reason)->next_step);
}

void whb_explain_now(const struct whb_explain_input *in, struct whb_explanation *out)
{
    memset(out, 0, sizeof(*out));
    if (!in->m) {
        out->reason = WHB_REASON_NO_AGENT;
        out->confidence = WHB_CONFIDENCE_HIGH;
        snprintf(out->confidence_why, sizeof(out->confidence_why),
                 "no report from %s was ever received", in->host ? in->host : "this machine");
        snprintf(out->next_step, sizeof(out->next_step), "%s",
                 whb_reason_info(WHB_REASON_NO_AGENT)->next_step);
        return;
    }
    out->known = 1;
    if (in->now_ms <= in->m->due_ms) {
        explain_reporting(in, out);
        return;
    }
    out->silent_since_ms = in->m->last_seen_ms;
    decide(in, out);
    char text[WHB_EXPLAIN_TEXT];
    snprintf(text, sizeof(text), "last report (due every %u s)", in->m->interval_s);
    add_evidence(out, in->m->last_seen_ms, text);
}

void whb_explain_gap(const struct whb_explain_input *in, struct whb_explanation *out)
{
    memset(out, 0, sizeof(*out));
    out->known = 1;
    out->reporting = 1;
    out->silent_since_ms = in->gap_start_ms;
    decide(in, out);
}

const char *whb_confidence_name(enum whb_confidence c)
{
    return c == WHB_CONFIDENCE_HIGH ? "high" : c == WHB_CONFIDENCE_MEDIUM ? "medium" : "low";
}
