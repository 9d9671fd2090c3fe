/* The network rules: the machine's own link, address and wireless story inside the silence,
 * where it came back, and its neighbours as they were when the silence began. A link loss is
 * claimed only from the machine's own link event; neighbours silent with it say "together",
 * never "lost their link". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "explain/rules.h"
#include "store/subnet.h"
#include "whb.pb-c.h"

/* The first cause inside a past silence, if it came in time to explain its start. */
static const struct whb_hist_event *first_cause(const struct whb_explain_input *in)
{
    struct span s = whb_explain_span(in);
    if (!s.past)
        return NULL;
    const struct whb_hist_event *c = whb_first_cause(in);
    return c && c->at_ms <= whb_cause_until(&s) ? c : NULL;
}

/* Neighbours silent with it; none when the collector went down as it went quiet: everyone
 * went quiet then, which says nothing of the network. */
static const struct whb_peer_group *together(const struct whb_explain_input *in,
                                             enum whb_peer_kind kind, unsigned min)
{
    const struct whb_peer_group *p = whb_peers(in, kind);
    return p && p->together >= min && !whb_explain_span(in).down_near ? p : NULL;
}

/* The group of kind, when the machines silent together in it are a shared failure rather than
 * a coincidence at the group's size (whb_pattern). */
static const struct whb_peer_group *pattern(const struct whb_explain_input *in,
                                            enum whb_peer_kind kind)
{
    struct span s = whb_explain_span(in);
    const struct whb_peer_group *p = together(in, kind, 2);
    return p && whb_pattern(p->together, p->total, TOGETHER_MS(s.interval)) ? p : NULL;
}

/* A past silence that outlasted its group's: every other machine silent with it was back more
 * than two heartbeats and the detection slack before it (the benchmark's overlap class: a
 * switch's uplink failed and, while it was down, one machine's cable was pulled). What
 * silenced the group began its silence, not necessarily all of it: said, with a cause of its
 * own beside the answer (a medium one). */
static void outlasted(struct finding *f, const struct whb_explain_input *in,
                      const struct whb_peer_group *p)
{
    struct span s = whb_explain_span(in);
    if (!s.past || p->together < 2 || p->back + 1 < p->together ||
        s.end - p->back_ms <= 2 * s.interval + SLACK_MS)
        return;
    char dur[32];
    whb_clock_format_duration(s.end - p->back_ms, dur, sizeof(dur));
    whb_evidence(f, p->back_ms, WHB_SOURCE_COLLECTOR,
                 "%s silent with it %s back %s before it: its silence went on for a cause of "
                 "its own",
                 p->together == 2 ? "the other machine" : "the others",
                 p->together == 2 ? "was" : "were", dur);
    if (!in->m->wireless) {
        whb_also(f, WHB_REASON_CABLE_UNPLUGGED);
        whb_also(f, WHB_REASON_PORT_DISABLED);
    }
    whb_also(f, WHB_REASON_TURNED_OFF);
}

#define NOT_KNOWN_YET   (-1)
#define ONLY_WITH_MOVED (-2)

/* Did the neighbours silent with it on its switch lose their links at the moment it lost its
 * own (lost at c)? 1: a shared failure (a pattern by numbers, or a neighbour back that says
 * so); 0: a coincidence (every one of them is back with another story); NOT_KNOWN_YET; or
 * ONLY_WITH_MOVED: those that lost theirs with it came back on another switch, so each was
 * unplugged to be moved (a coincidence) or moved because its port had failed. */
static int shared_link_loss(const struct whb_explain_input *in, const struct whb_peer_group *p,
                            const struct whb_hist_event *c)
{
    struct span s = whb_explain_span(in);
    if (pattern(in, WHB_PEERS_SWITCH))
        return 1;
    unsigned other = 0, moved = 0;
    for (int i = 0; i < in->n_stories; i++) {
        const struct whb_peer_story *t = &in->stories[i];
        if (!t->told)
            continue;
        /* At about the same moment: agents' clocks map to the collector's within the
         * detection resolution (a skewed clock on a lossy link, seconds off). */
        int64_t apart = t->link_lost_ms ? llabs(t->link_lost_ms - c->at_ms) : INT64_MAX;
        if (apart <= TOGETHER_MS(s.interval) && !t->moved)
            return 1;
        /* One back elsewhere went with it only if its link went in the same seconds (a
         * switch's power): unplugged to be moved a heartbeat apart is a coincidence. */
        moved += t->moved && apart <= SLACK_MS;
        other++;
    }
    return moved ? ONLY_WITH_MOVED : other + 1 >= p->together ? 0 : NOT_KNOWN_YET;
}

static void peers_evidence(struct finding *f, const struct whb_explain_input *in,
                           const struct whb_peer_group *p, const char *what)
{
    struct span s = whb_explain_span(in);
    whb_evidence(f, s.start, WHB_SOURCE_COLLECTOR,
                 "%u of %u machines on %s went silent together%s%s%s", p->together, p->total,
                 p->label, p->ports[0] ? " (ports " : "", p->ports, p->ports[0] ? ")" : "");
    if (p->healthy)
        whb_evidence(
            f, s.start, WHB_SOURCE_COLLECTOR, "%u machine%s on the same %s %s", p->healthy,
            whb_s(p->healthy), what,
            s.past ? (p->healthy == 1 ? "was still reporting then" : "were still reporting then")
                   : (p->healthy == 1 ? "still reports" : "still report"));
}

/* The switch and port it came back on: the first report after the gap, or, when that report's
 * snapshot named none, the agent's LLDP_CHANGED ("switch NAME (CHASSIS) port PORT"): the last
 * one heard in the two minutes before the report (a report sent again after a lost answer
 * carries a snapshot taken before its LLDP frames came), else the first in the two minutes
 * after it (an agent back before its LLDP frames first says "none"). */
static void came_back_on(const struct whb_explain_input *in, struct whb_store_gap *g)
{
    if (g->after_sw[0])
        return;
    int64_t from = g->end_ms - 2 * MIN_MS > g->start_ms ? g->end_ms - 2 * MIN_MS : g->start_ms;
    const struct whb_hist_event *heard = NULL;
    char name[128], chassis[128], port[128];
    for (int i = 0; i < in->n_events; i++) {
        const struct whb_hist_event *l = &in->events[i];
        if (l->kind != K(LLDP_CHANGED) || l->at_ms < from || l->at_ms > g->end_ms + 2 * MIN_MS)
            continue;
        if (l->at_ms > g->end_ms && heard)
            break;
        if (sscanf(l->detail, "switch %127s (%127[^)]) port %127s", name, chassis, port) == 3 &&
            strcmp(chassis, "-") != 0)
            heard = l;
        else if (l->at_ms <= g->end_ms)
            heard = NULL; /* heard none since */
        if (heard && l->at_ms > g->end_ms)
            break;
    }
    if (heard &&
        sscanf(heard->detail, "switch %127s (%127[^)]) port %127s", name, chassis, port) == 3) {
        snprintf(g->after_sw, sizeof(g->after_sw), "%s", chassis);
        snprintf(g->after_sw_name, sizeof(g->after_sw_name), "%s", name);
        snprintf(g->after_port, sizeof(g->after_port), "%s", port);
    }
}

/* Clients of its access point silent with it that are still silent, or came back on that
 * same access point: it failed (or lost its power) and this one roamed away from it. Those
 * back on another access point were carried off with it; one without a story is not known. */
static int ap_failed_under_it(const struct whb_explain_input *in)
{
    const struct whb_peer_group *ap = together(in, WHB_PEERS_ACCESS_POINT, 2);
    if (!ap)
        return 0;
    unsigned told = 0;
    for (int i = 0; i < in->n_stories; i++) {
        if (!in->stories[i].told || !in->stories[i].moved)
            return 1;
        told++;
    }
    return told + 1 < ap->together;
}

/* A laptop back on another access point of its wireless network after it lost the one it was
 * on (its beacons, no refusal): carried out of that one's range (to a meeting room, another
 * floor), or that access point failed and it was in another's range later. A failed
 * association is the association's story, wherever the machine came back, and an access
 * point that failed under its other clients too is theirs. */
static int carried_to_another_ap(const struct whb_explain_input *in, const struct whb_store_gap *g)
{
    struct span s = whb_explain_span(in);
    if (!in->m->wireless || !g->before_bssid[0] || !g->after_bssid[0] ||
        !strcmp(g->before_bssid, g->after_bssid) ||
        whb_first_in(in, K(WIFI_ASSOC_FAILED), s.start - SLACK_MS, s.end + SLACK_MS))
        return 0;
    return !ap_failed_under_it(in);
}

static int beacons_lost(const struct whb_explain_input *in, const struct whb_hist_event *e);

/* A Wi-Fi machine that lost its access point's beacons and was then on a network of its own
 * (a phone's hotspot, a home): carried off site, awake. The event that says where it was. */
static const struct whb_hist_event *carried_off_site(const struct whb_explain_input *in)
{
    const struct whb_hist_event *c = first_cause(in);
    if (!in->m->wireless || !c || !beacons_lost(in, c))
        return NULL;
    return whb_other_network(in, c->at_ms, whb_explain_span(in).end + SLACK_MS);
}

void whb_rule_removed(const struct whb_explain_input *in, struct finding *f)
{
    if (!in->gap || !in->gap_start_ms)
        return;
    struct whb_store_gap ends = *in->gap, *g = &ends;
    const struct whb_hist_event *other = carried_off_site(in);
    if (other) {
        whb_evidence_event(f, in, first_cause(in), "its access point lost: %s",
                           first_cause(in)->detail);
        whb_evidence_event(f, in, other, "then on another network: %s", other->detail);
        whb_say(f->why,
                "it lost its access point and was then on a network of its own: carried off "
                "site (or onto a guest network), or its access point failed as it left");
        whb_say(f->summary, "taken away: on another network (%s)", other->detail);
        whb_say(f->step, "ask its user where it was; it is now on access point %s (SSID %s)",
                in->m->bssid[0] ? in->m->bssid : "-", in->m->ssid[0] ? in->m->ssid : "-");
        whb_also(f, WHB_REASON_WIRELESS_ASSOCIATION);
        whb_hit(f, 84, WHB_CONFIDENCE_MEDIUM);
        return;
    }
    if (carried_to_another_ap(in, g)) {
        whb_evidence(f, g->start_ms, WHB_SOURCE_COLLECTOR, "before: access point %s, subnet %s",
                     g->before_bssid, g->before_subnet[0] ? g->before_subnet : "-");
        whb_evidence(f, g->end_ms, WHB_SOURCE_COLLECTOR, "back on access point %s, subnet %s",
                     g->after_bssid, g->after_subnet[0] ? g->after_subnet : "-");
        whb_say(f->why,
                "it came back on another access point: carried out of range of %s, or "
                "that access point failed while it was away",
                g->before_bssid);
        whb_say(f->summary, "moved: back on access point %s", g->after_bssid);
        whb_say(f->step, "it is now on access point %s (SSID %s)", g->after_bssid,
                in->m->ssid[0] ? in->m->ssid : "-");
        whb_also(f, WHB_REASON_WIRELESS_ASSOCIATION);
        whb_hit(f, 84, WHB_CONFIDENCE_MEDIUM);
        return;
    }
    came_back_on(in, g);
    int sw = g->before_sw[0] && g->after_sw[0] && strcmp(g->before_sw, g->after_sw) != 0;
    int port = !sw && g->before_sw[0] && !strcmp(g->before_sw, g->after_sw) && g->before_port[0] &&
               g->after_port[0] && strcmp(g->before_port, g->after_port);
    int net =
        g->before_subnet[0] && g->after_subnet[0] && strcmp(g->before_subnet, g->after_subnet) != 0;
    if (!sw && !port && !net)
        return;
    whb_evidence(f, g->start_ms, WHB_SOURCE_COLLECTOR, "before: switch %s port %s, subnet %s",
                 g->before_sw[0] ? g->before_sw : "-", g->before_port[0] ? g->before_port : "-",
                 g->before_subnet[0] ? g->before_subnet : "-");
    whb_evidence(f, g->end_ms, WHB_SOURCE_COLLECTOR, "back on switch %s (%s) port %s, subnet %s",
                 g->after_sw_name[0] ? g->after_sw_name : "-", g->after_sw[0] ? g->after_sw : "-",
                 g->after_port[0] ? g->after_port : "-",
                 g->after_subnet[0] ? g->after_subnet : "-");
    whb_say(f->why, "it came back on another %s",
            sw && net ? "switch and subnet"
            : sw      ? "switch"
            : port    ? "port of the same switch"
                      : "subnet");
    whb_say(f->summary, "moved: back on switch %s port %s, subnet %s",
            g->after_sw_name[0] ? g->after_sw_name
            : g->after_sw[0]    ? g->after_sw
                                : "-",
            g->after_port[0] ? g->after_port : "-", g->after_subnet[0] ? g->after_subnet : "-");
    whb_say(f->step, "it is now on switch %s port %s, subnet %s",
            g->after_sw_name[0] ? g->after_sw_name
            : g->after_sw[0]    ? g->after_sw
                                : "-",
            g->after_port[0] ? g->after_port : "-", g->after_subnet[0] ? g->after_subnet : "-");
    whb_hit(f, 84, sw && net ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
}

/* "10.1.2.37/24 gw 10.1.2.1" (NETWORK_CHANGED) -> "10.1.2.0/24", as the store names a subnet;
 * 0 when it names no IPv4 address with a router. */
static int subnet_of(const char *detail, char *out, size_t len)
{
    const char *gw = strstr(detail, " gw ");
    if (!gw || strstr(detail, "gw none"))
        return 0;
    return whb_subnet_name(detail, strcspn(detail, " "), out, len);
}

/* The SSID a WIFI_ASSOCIATED names: "ssid X bssid Y ..." (the snapshot's differ) or
 * "connected to ssid X" (Windows' WLAN service); 0 when it names none. */
static int ssid_of(const char *detail, char *out, size_t len)
{
    const char *p = strstr(detail, "ssid ");
    if (!p || (p > detail && p[-1] == 'b'))
        return 0;
    p += 5;
    const char *end = strstr(p, " bssid ");
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (!n || n >= len)
        return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

const struct whb_hist_event *whb_other_network(const struct whb_explain_input *in, int64_t from,
                                               int64_t to)
{
    const struct whb_store_gap *g = in->gap;
    for (int i = 0; in->m && i < in->n_events; i++) {
        const struct whb_hist_event *e = &in->events[i];
        char v[132];
        if (e->at_ms < from || e->at_ms > to)
            continue;
        if (e->kind == K(WIFI_ASSOCIATED) && in->m->ssid[0] && ssid_of(e->detail, v, sizeof(v)) &&
            strcmp(v, in->m->ssid) != 0)
            return e;
        /* A subnet known at either end, and this address in neither. */
        if (e->kind == K(NETWORK_CHANGED) && g && (g->before_subnet[0] || g->after_subnet[0]) &&
            subnet_of(e->detail, v, sizeof(v)) && strcmp(v, g->before_subnet) != 0 &&
            strcmp(v, g->after_subnet) != 0 && strcmp(v, in->m->subnet) != 0)
            return e;
    }
    return NULL;
}

/* A wired link lost: its carrier, or the adapter itself (a dock's dropping off the bus). */
static int link_loss(const struct whb_hist_event *e)
{
    return (e->kind == K(CARRIER_LOST) && e->reason_code == 0) || e->kind == K(ADAPTER_REMOVED);
}

static int link_losses(const struct whb_explain_input *in, int64_t from, int64_t to,
                       const struct whb_hist_event **last)
{
    int n = 0;
    *last = NULL;
    for (int i = 0; i < in->n_events; i++) {
        const struct whb_hist_event *e = &in->events[i];
        if (link_loss(e) && e->at_ms >= from && e->at_ms <= to)
            n++, *last = e;
    }
    return n;
}

void whb_rule_flapping(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    if (in->m->wireless)
        return;
    const struct whb_hist_event *c = first_cause(in);
    if (s.past && (!c || !link_loss(c)))
        return;
    /* A past gap's drops end with it: one seconds after its return's report is the next
     * silence's, told later (class repeats, flapping_link: cable when first asked, the adapter
     * when asked again at the end). */
    int64_t to = s.past ? s.end : s.start + SLACK_MS;
    const struct whb_hist_event *l;
    int flaps = link_losses(in, s.start - LEADUP_MS, to, &l);
    const struct whb_hist_event *err = whb_last_in(in, K(LINK_ERRORS), s.start - LEADUP_MS, to);
    if (flaps < 3 && !err)
        return;
    if (flaps >= 2 && l)
        whb_evidence_event(f, in, l, "link on %s dropped %d times within half an hour", l->adapter,
                           flaps);
    if (err)
        whb_evidence_event(f, in, err, "errors on %s: %s", err->adapter, err->detail);
    whb_say(f->why, "the link %s", flaps >= 3 ? "flapped" : "counted errors");
    whb_say(f->summary, "unstable link on %s (%d drops)", l ? l->adapter : in->m->primary_if,
            flaps);
    whb_also(f, WHB_REASON_CABLE_UNPLUGGED);
    if (flaps >= 3)
        whb_hit(f, 82, err ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
    else
        whb_hit(f, 55, WHB_CONFIDENCE_LOW);
    /* Back, its own link story settles it; while silent the last drop may have been a pull. */
    if (err && flaps >= 3 && s.past)
        f->n_also = 0;
}

/* "carrier lost on eth0 10:28:09Z -> regained 10:28:18Z: ... for 9 s" */
static void carrier_story(const struct whb_explain_input *in, struct finding *f,
                          const struct whb_hist_event *lost, const char *what)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *back =
        whb_first_in(in, K(CARRIER_GAINED), lost->at_ms, s.end + SLACK_MS);
    char dur[32], a[32], b[32];
    whb_clock_format_iso(lost->at_ms, a, sizeof(a));
    whb_evidence_event(f, in, lost, "carrier lost on %s", lost->adapter);
    if (back) {
        whb_clock_format_iso(back->at_ms, b, sizeof(b));
        whb_evidence_event(f, in, back, "carrier regained on %s", back->adapter);
        whb_clock_format_duration(back->at_ms - lost->at_ms, dur, sizeof(dur));
        whb_say(f->summary, "carrier lost on %s %s -> regained %s: %s for %s", lost->adapter,
                a + 11, b + 11, what, dur);
    } else {
        whb_say(f->summary, "carrier lost on %s at %s: %s", lost->adapter, a + 11, what);
    }
}

void whb_rule_ports(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *c = first_cause(in);
    const struct whb_peer_group *p = together(in, WHB_PEERS_SWITCH, 2);
    if (!c || c->kind != K(CARRIER_LOST) || in->m->wireless || !p)
        return;
    int shared = shared_link_loss(in, p, c);
    if (!shared)
        return;
    peers_evidence(f, in, p, "switch");
    if (shared == NOT_KNOWN_YET)
        whb_evidence(f, c->at_ms, WHB_SOURCE_COLLECTOR,
                     "%s not back yet to say whether %s lost %s link at the same moment",
                     p->together == 2 ? "the other is" : "the others are",
                     p->together == 2 ? "it" : "they", p->together == 2 ? "its" : "their");
    if (shared == ONLY_WITH_MOVED)
        whb_evidence(f, c->at_ms, WHB_SOURCE_COLLECTOR,
                     "what lost its link at the same moment came back on another switch: "
                     "unplugged to be moved, or moved because its port had failed");
    if (p->healthy) {
        carrier_story(in, f, c, "switch port disabled");
        whb_say(f->why,
                "it lost its link while %u machine%s behind the same switch went silent "
                "with it and others stayed up",
                p->together - 1, whb_s(p->together - 1));
        whb_say(f->step, "switch %s, ports %s", p->label, p->ports);
        if (shared < 0)
            whb_also(f, WHB_REASON_CABLE_UNPLUGGED);
        whb_hit(f, 81, shared > 0 ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
    } else {
        carrier_story(in, f, c, "the switch lost link on every known port");
        whb_say(f->why, "it lost its link while every known machine on the switch went silent: "
                        "the switch itself (power, reload) or all its ports");
        whb_say(f->step, "switch %s (every known port: its power, a reload)", p->label);
        whb_also(f, WHB_REASON_LOST_CONNECTIVITY);
        if (shared < 0)
            whb_also(f, WHB_REASON_CABLE_UNPLUGGED);
        whb_hit(f, 81, WHB_CONFIDENCE_MEDIUM);
    }
    outlasted(f, in, p);
}

void whb_rule_carrier(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_hist_event *c = first_cause(in);
    if (!c || c->kind != K(CARRIER_LOST) || in->m->wireless)
        return;
    const struct whb_peer_group *p = together(in, WHB_PEERS_SWITCH, 2);
    if (p && shared_link_loss(in, p, c))
        return;
    carrier_story(in, f, c, "network cable unplugged");
    if (p)
        whb_evidence(f, in->gap_start_ms, WHB_SOURCE_COLLECTOR,
                     "%u other machine%s on %s went silent at about the same time, each back "
                     "with a story of its own: a coincidence",
                     p->together - 1, p->together == 2 ? "" : "s", p->label);
    /* From the machine a pulled cable and a shut port look the same. */
    whb_say(f->why, "the machine saw its link go down on its own; no neighbour on the switch "
                    "did (a pulled cable or a single disabled port look the same)");
    whb_also(f, WHB_REASON_PORT_DISABLED);
    whb_hit(f, 80, WHB_CONFIDENCE_MEDIUM);
}

/* A past silence that began with the adapter itself gone (a dock's USB/Thunderbolt adapter)
 * and ended with it added back where it was: undocked and docked again at the same desk. Not a
 * cable (its carrier was never lost) nor lost connectivity (no link without a way out); a dock
 * dropping off the bus once for as long reads the same, hence medium. Repeated drops are the
 * flapping rule's, a return elsewhere the moved rule's. */
void whb_rule_adapter_removed(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *c = first_cause(in);
    if (!s.past || !c || c->kind != K(ADAPTER_REMOVED) || in->m->wireless)
        return;
    const struct whb_hist_event *back =
        whb_first_in(in, K(ADAPTER_ADDED), c->at_ms, s.end + SLACK_MS);
    char dur[32];
    whb_evidence_event(f, in, c, "adapter %s removed", c->adapter);
    if (back) {
        whb_evidence_event(f, in, back, "adapter added again: %s",
                           back->detail[0] ? back->detail : back->adapter);
        whb_clock_format_duration(back->at_ms - c->at_ms, dur, sizeof(dur));
        const struct whb_store_gap *g = in->gap;
        int same = g && g->before_sw[0] && !strcmp(g->before_sw, g->after_sw) &&
                   g->before_port[0] && !strcmp(g->before_port, g->after_port);
        whb_say(f->summary, "adapter %s removed for %s (undocked)%s", c->adapter, dur,
                same ? ", back at the same switch port" : "");
    } else {
        whb_say(f->summary, "adapter %s removed (undocked)", c->adapter);
    }
    whb_say(f->why, "its wired adapter itself went away (a dock's adapter: the laptop undocked) "
                    "and no other network took over; no carrier was lost on it");
    whb_also(f, WHB_REASON_FAULTY_ADAPTER);
    whb_hit(f, 70, WHB_CONFIDENCE_MEDIUM);
}

void whb_rule_address(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *c = first_cause(in);
    if (!c || c->kind != K(NETWORK_CHANGED))
        return;
    int no_addr = strstr(c->detail, "no address") != NULL;
    whb_evidence_event(f, in, c, "%s on %s with its link up (%s)",
                       no_addr ? "lost its IPv4 address (DHCP lease)" : "lost its default route",
                       c->adapter, c->detail);
    const struct whb_hist_event *back = NULL;
    for (int i = 0; i < in->n_events; i++) {
        const struct whb_hist_event *e = &in->events[i];
        if (e->kind == K(NETWORK_CHANGED) && e->at_ms > c->at_ms && e->at_ms <= s.end + SLACK_MS &&
            !strstr(e->detail, "no address") && !strstr(e->detail, "gw none")) {
            back = e;
            break;
        }
    }
    if (back)
        whb_evidence_event(f, in, back, "network back on %s: %s", back->adapter, back->detail);
    whb_say(f->why, "its address or route went away while the link stayed up");
    whb_say(f->summary, "%s on %s", no_addr ? "no IPv4 address (DHCP)" : "no default route",
            c->adapter);
    whb_say(f->step, "check DHCP for %s on its subnet (scope, lease, relay)", c->adapter);
    whb_hit(f, 79, WHB_CONFIDENCE_HIGH);
}

/* Windows reports WLAN_REASON_CODEs (its agent puts them in words in the detail); elsewhere
 * the codes are IEEE 802.11 reason and status codes. */
static int windows(const struct whb_explain_input *in)
{
    return strstr(in->m->os, "Windows") != NULL;
}

/* Which IEEE 802.11 table a code is from: a disconnect carries a reason code, a refused
 * association a status code, unless the event names it ("reason 23": an 802.1X failure that
 * ended an attempt is a reason, as WLAN notifications and the replay backend give it). */
static int is_reason_code(const struct whb_hist_event *e)
{
    char want[32];
    snprintf(want, sizeof(want), "reason %u", e->reason_code);
    if (strstr(e->detail, want))
        return 1;
    snprintf(want, sizeof(want), "status %u", e->reason_code);
    if (strstr(e->detail, want))
        return 0;
    return e->kind == K(WIFI_DISCONNECTED);
}

static const char *wifi_words(const struct whb_explain_input *in, const struct whb_hist_event *e)
{
    if (windows(in))
        return e->detail[0] ? e->detail : "no reason given";
    const char *w = whb_ieee80211_words(is_reason_code(e), e->reason_code);
    return w ? w : "code not in our table";
}

/* The wireless failure that caused it: a refused association first, else a disconnect with
 * a cause (not "leaving", which is the station's own doing), else the first disconnect. */
static const struct whb_hist_event *wifi_cause(const struct whb_explain_input *in, int64_t from,
                                               int64_t to)
{
    const struct whb_hist_event *e = whb_first_in(in, K(WIFI_ASSOC_FAILED), from, to);
    if (e)
        return e;
    for (int i = 0; i < in->n_events; i++) {
        const struct whb_hist_event *d = &in->events[i];
        if (d->kind == K(WIFI_DISCONNECTED) && d->at_ms >= from && d->at_ms <= to &&
            d->reason_code != 0 && d->reason_code != 3 && d->reason_code != 8 &&
            d->reason_code != 1)
            return d;
    }
    return whb_first_in(in, K(WIFI_DISCONNECTED), from, to);
}

/* The disconnects in [from, to]: one is told twice, as the driver gave it (nl80211, the WLAN
 * service) and as the agent's next snapshot saw it ("left ssid"), within a few seconds. */
static int disconnects(const struct whb_explain_input *in, int64_t from, int64_t to)
{
    int n = 0;
    int64_t last = 0;
    for (int i = 0; i < in->n_events; i++) {
        const struct whb_hist_event *d = &in->events[i];
        if (d->kind != K(WIFI_DISCONNECTED) || d->at_ms < from || d->at_ms > to)
            continue;
        if (!n || llabs(d->at_ms - last) > SLACK_MS)
            n++;
        last = d->at_ms;
    }
    return n;
}

/* A disconnect for lost beacons: out of every access point's range, or its access point gone
 * (Windows: the WLAN service's NO_VISIBLE_AP; Linux: mac80211's beacon loss, nl80211's
 * DISCONNECT with reason 4). */
static int beacons_lost(const struct whb_explain_input *in, const struct whb_hist_event *e)
{
    return e->kind == K(WIFI_DISCONNECTED) && e->reason_code == (windows(in) ? 0x00038014u : 4u);
}

/* Back on the access point it lost, with neighbours of it silent too while its other clients
 * reported: that access point's short outage (a radio reset, one band) or the laptops carried
 * off together out of every access point's range (a meeting) and back - lost beacons and the
 * same access point after read the same either way. */
static int carried_or_ap_outage(const struct whb_explain_input *in, const struct whb_peer_group *ap,
                                const struct whb_hist_event *e)
{
    const struct whb_store_gap *g = in->gap;
    return ap && ap->healthy && beacons_lost(in, e) && g && g->before_bssid[0] &&
           !strcmp(g->before_bssid, g->after_bssid);
}

void whb_rule_wireless(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    int64_t from = s.past ? s.start - SLACK_MS : s.start - LEADUP_MS;
    int64_t to = s.past ? s.end + SLACK_MS : s.start + SLACK_MS;
    int leadup = 0; /* a past silence with no cause inside, right after failed associations */
    if (s.past) {
        const struct whb_hist_event *c = first_cause(in);
        const struct whb_hist_event *ok =
            whb_last_in(in, K(WIFI_ASSOCIATED), s.start - LEADUP_MS, s.start);
        const struct whb_hist_event *bad =
            whb_last_in(in, K(WIFI_ASSOC_FAILED), s.start - LEADUP_MS, s.start + SLACK_MS);
        leadup = !c && in->m->wireless && bad && (!ok || ok->at_ms < bad->at_ms);
        if (leadup) {
            from = s.start - LEADUP_MS;
        } else if (!c || (c->kind != K(WIFI_DISCONNECTED) && c->kind != K(WIFI_ASSOC_FAILED) &&
                          !(in->m->wireless && c->kind == K(CARRIER_LOST)))) {
            return;
        }
    }
    const struct whb_hist_event *e = wifi_cause(in, from, to);
    /* A past gap's drops end with it: its return's report holds nothing later, and one seconds
     * after it (within the slack) is the next silence's, told later (class repeats, a flapping
     * Wi-Fi: counted when asked again at the end, the answer went from medium to high). */
    int64_t told = s.past ? s.end : to;
    int fails = whb_count_in(in, K(WIFI_ASSOC_FAILED), from, told);
    int drops = disconnects(in, from, told);
    const struct whb_peer_group *ap = together(in, WHB_PEERS_ACCESS_POINT, 2);
    if (!e) {
        if (s.past || !in->m->wireless)
            return;
        if (!in->m->wifi_associated) {
            whb_evidence(f, in->m->last_seen_ms, WHB_SOURCE_MACHINE,
                         "last report: %s not associated", in->m->primary_if);
            whb_say(f->why, "its wireless adapter was not associated when it last reported");
            whb_hit(f, 60, WHB_CONFIDENCE_MEDIUM);
        }
        return;
    }
    int assoc = e->kind == K(WIFI_ASSOC_FAILED);
    /* Then on a network of its own: what it lost after that was that network, not this one. */
    const struct whb_hist_event *other =
        s.past && !assoc ? whb_other_network(in, e->at_ms, s.end + SLACK_MS) : NULL;
    if (other)
        drops = disconnects(in, from, other->at_ms - 1);
    if (windows(in))
        whb_evidence_event(f, in, e, "%s on %s: %s", assoc ? "connection failed" : "disconnected",
                           e->adapter, wifi_words(in, e));
    else
        whb_evidence_event(f, in, e, "%s on %s: %s (IEEE 802.11 %s %u: %s)",
                           assoc ? "association failed" : "disconnected", e->adapter,
                           e->detail[0] ? e->detail : "-", is_reason_code(e) ? "reason" : "status",
                           e->reason_code, wifi_words(in, e));
    if (fails + drops > 1)
        whb_evidence_event(f, in, e, "%d failed association%s and %d disconnect%s", fails,
                           whb_s(fails), drops, whb_s(drops));
    if (ap)
        peers_evidence(f, in, ap, "access point");
    whb_say(f->why, "the wireless adapter reported %s: %s",
            assoc ? "a refused association" : "a disconnect", wifi_words(in, e));
    whb_say(f->summary, "wireless %s (%s)", assoc ? "could not associate" : "disconnected",
            wifi_words(in, e));
    if (in->m->bssid[0])
        whb_say(f->step, "access point %s (SSID %s)", in->m->bssid, in->m->ssid);
    int either = s.past && !assoc && carried_or_ap_outage(in, ap, e);
    if (either) {
        whb_say(f->why,
                "the wireless adapter reported a disconnect: %s; back on the same access point "
                "while others on it reported: a short outage of it (a radio, a band), or "
                "carried out of range with %s and back",
                wifi_words(in, e), ap->together == 2 ? "the other" : "the others");
        whb_evidence(f, in->gap->end_ms, WHB_SOURCE_COLLECTOR,
                     "back on access point %s, the one it lost", in->gap->after_bssid);
        whb_say(f->step,
                "access point %s (its log: a radio reset, a band down), or ask the users "
                "whether the laptops were carried off together (a meeting)",
                in->gap->after_bssid);
    }
    /* Failures before a silence with nothing inside it: the likeliest cause, not a proven one. */
    int sure = s.past && !leadup && !either && !other && (assoc || fails + drops > 1 || ap);
    /* Beacons lost once, nothing surer: a laptop carried out of range loses them just so. */
    if (!sure && !assoc && (beacons_lost(in, e) || other))
        whb_also(f, WHB_REASON_REMOVED);
    whb_hit(f, 78, sure ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM);
}

/* Alone on its switch while its neighbours there still report: whatever silenced others of
 * its subnet or the fleet (their switch, their uplink) works from its switch, so its silence is
 * its own, not a part of theirs. */
static int alone_on_working_switch(const struct whb_explain_input *in)
{
    const struct whb_peer_group *sw = whb_peers(in, WHB_PEERS_SWITCH);
    return !in->m->wireless && sw && sw->together < 2 && sw->healthy > 0;
}

/* "The way to the collector" is a place on the network: the machine's subnet and gateway,
 * its switch and port. */
static void way_step(const struct whb_explain_input *in, struct finding *f)
{
    if (in->m->wireless)
        whb_say(f->step,
                "the way from subnet %s (its gateway) and access point %s to the "
                "collector; on the machine, its firewall or proxy",
                in->m->subnet[0] ? in->m->subnet : "-", in->m->bssid[0] ? in->m->bssid : "-");
    else
        whb_say(f->step,
                "the way from subnet %s (its gateway) and switch %s port %s to the "
                "collector; on the machine, its firewall or proxy",
                in->m->subnet[0] ? in->m->subnet : "-",
                in->m->sw_name[0]      ? in->m->sw_name
                : in->m->sw_chassis[0] ? in->m->sw_chassis
                                       : "-",
                in->m->sw_port[0] ? in->m->sw_port : "-");
}

void whb_rule_network_path(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    const struct whb_hist_event *c = first_cause(in);
    if (!c || (c->kind != K(HEARTBEAT) && c->kind != K(DELIVERY_FAILED)))
        return;
    /* Only what failed after the last report the collector stored (whb_sends_from). */
    int64_t after = whb_sends_from(&s), until = s.end + SLACK_MS;
    /* Nor what failed once the agent started again (a new boot whose first sends meet a
     * network not up yet): that is the return's, not the silence's. */
    const struct whb_hist_event *start = whb_first_in(in, K(AGENT_START), after, until);
    if (start)
        until = start->at_ms - 1;
    int beats = whb_count_in(in, K(HEARTBEAT), after, until) + (start ? 0 : in->heartbeats_skipped);
    const struct whb_hist_event *d = whb_first_in(in, K(DELIVERY_FAILED), after, until);
    if (!beats && !d)
        return;
    if (d)
        whb_evidence_event(f, in, d, "could not reach the collector: %s", d->detail);
    if (beats)
        whb_evidence_event(f, in, c,
                           "%d report%s undelivered while silent, no link event: the "
                           "machine was on with its link up",
                           beats, whb_s(beats));
    const struct whb_peer_group *sw = in->m->wireless ? NULL : together(in, WHB_PEERS_SWITCH, 2);
    const struct whb_peer_group *net = together(in, WHB_PEERS_SUBNET, 2);
    if (sw && !sw->healthy) {
        peers_evidence(f, in, sw, "switch");
        whb_say(f->why, "every known machine on the switch went quiet at once with its link up: "
                        "the switch's uplink or beyond");
        whb_say(f->summary, "the network beyond switch %s failed", sw->label);
        whb_say(f->step, "network team: the uplink of switch %s, its router or VLAN", sw->label);
        whb_hit(f, 78, WHB_CONFIDENCE_HIGH);
        outlasted(f, in, sw);
    } else if (sw || net) {
        const struct whb_peer_group *p = sw ? sw : net;
        peers_evidence(f, in, p, sw ? "switch" : "subnet");
        whb_say(f->why, "%u machines lost the network together with their links up", p->together);
        whb_say(f->summary, "lost the network with %u other%s on %s", p->together - 1,
                whb_s(p->together - 1), p->label);
        whb_say(f->step, "network team: %s (VLAN, routing, firewall)", p->label);
        whb_hit(f, 77, WHB_CONFIDENCE_HIGH);
        outlasted(f, in, p);
    } else {
        whb_say(f->why, "the machine was running with its link up but could not reach the "
                        "collector");
        whb_say(f->summary, "on, link up, but no way to the collector (%d report%s spooled)", beats,
                whb_s(beats));
        way_step(in, f);
        whb_also(f, WHB_REASON_COLLECTOR_UNAVAILABLE);
        whb_hit(f, 65, WHB_CONFIDENCE_MEDIUM);
    }
}

/* Several subnets silent at once while the collector stored others' reports: the collector
 * was neither down nor out of everyone's reach, the way from those subnets to it failed. */
void whb_rule_fleet_path(const struct whb_explain_input *in, struct finding *f)
{
    struct span s = whb_explain_span(in);
    const struct whb_peer_group *p = whb_peers(in, WHB_PEERS_FLEET);
    if (in->gap_start_ms || !p || s.down_near || p->together < 3 || p->groups < 2 || !p->healthy ||
        whb_last_gasp(in) || !whb_pattern(p->together, p->total, TOGETHER_MS(s.interval)) ||
        alone_on_working_switch(in))
        return;
    whb_evidence(f, s.start, WHB_SOURCE_COLLECTOR,
                 "%u machines in %u subnets went silent together while the collector stored "
                 "reports from %u others",
                 p->together, p->groups, p->healthy);
    whb_say(f->why, "machines in several subnets went silent together while the collector "
                    "served the rest of the fleet: the way from those subnets to it");
    whb_say(f->summary, "subnet %s and %u other subnet%s lost the way to the collector",
            in->m->subnet[0] ? in->m->subnet : "-", p->groups - 1, p->groups == 2 ? "" : "s");
    whb_say(f->step,
            "network team: the way from subnet %s and the %u other%s to the collector "
            "(their gateways, the core)",
            in->m->subnet[0] ? in->m->subnet : "-", p->groups - 1, p->groups == 2 ? "" : "s");
    whb_also(f, WHB_REASON_TURNED_OFF);
    whb_hit(f, 62, WHB_CONFIDENCE_MEDIUM);
}

/* Now: neighbours that went silent with it. Their links are not known until they return. */
void whb_rule_switch_now(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_peer_group *p = pattern(in, WHB_PEERS_SWITCH);
    if (in->gap_start_ms || in->m->wireless || !p || !p->healthy || whb_last_gasp(in))
        return;
    peers_evidence(f, in, p, "switch");
    whb_say(f->why,
            "%u machines behind the same switch went silent at once while others on it "
            "stayed up: their ports",
            p->together);
    whb_say(f->summary, "switch port %s on %s, with %u other%s", in->m->sw_port, p->label,
            p->together - 1, whb_s(p->together - 1));
    whb_say(f->step, "switch %s, ports %s", p->label, p->ports);
    whb_also(f, WHB_REASON_LOST_CONNECTIVITY);
    whb_also(f, WHB_REASON_TURNED_OFF); /* a power strip under several desks */
    whb_hit(f, 70, WHB_CONFIDENCE_MEDIUM);
}

void whb_rule_whole_switch_now(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_peer_group *p = pattern(in, WHB_PEERS_SWITCH);
    if (in->gap_start_ms || in->m->wireless || !p || p->healthy || whb_last_gasp(in))
        return;
    peers_evidence(f, in, p, "switch");
    whb_say(f->why, "every known machine on the switch went silent at once: the switch, its "
                    "power or its uplink");
    whb_say(f->summary, "switch %s: all %u known machines silent", p->label, p->together);
    whb_say(f->step, "network team: switch %s (power, uplink)", p->label);
    whb_also(f, WHB_REASON_PORT_DISABLED);
    whb_also(f, WHB_REASON_TURNED_OFF);
    /* A machine that hibernated while its way out was down could not say so. */
    whb_also(f, WHB_REASON_HIBERNATION);
    whb_hit(f, 70, WHB_CONFIDENCE_MEDIUM);
}

void whb_rule_ap_now(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_peer_group *p = pattern(in, WHB_PEERS_ACCESS_POINT);
    if (in->gap_start_ms || !in->m->wireless || !p || whb_last_gasp(in))
        return;
    peers_evidence(f, in, p, "access point");
    whb_say(f->why, "machines on the same access point went silent together");
    whb_say(f->step, "access point %s", p->label);
    whb_say(f->summary, "access point %s lost %u clients at once", p->label, p->together);
    whb_hit(f, 68, WHB_CONFIDENCE_MEDIUM);
}

void whb_rule_subnet_now(const struct whb_explain_input *in, struct finding *f)
{
    const struct whb_peer_group *p = pattern(in, WHB_PEERS_SUBNET);
    if (in->gap_start_ms || !p || whb_last_gasp(in) || alone_on_working_switch(in))
        return;
    peers_evidence(f, in, p, "subnet");
    whb_say(f->why, "machines in one subnet went silent together: the network path, not the "
                    "machines");
    whb_say(f->step, "network team: subnet %s (its router or VLAN)", p->label);
    whb_say(f->summary, "subnet %s lost connectivity (%u machines)", p->label, p->together);
    whb_hit(f, 66, WHB_CONFIDENCE_MEDIUM);
}

void whb_rule_silent(const struct whb_explain_input *in, struct finding *f)
{
    if (in->gap_start_ms || whb_last_gasp(in))
        return;
    whb_evidence(f, in->m->last_seen_ms, WHB_SOURCE_MACHINE, "last report: %s %s, then nothing",
                 in->m->primary_if, in->m->carrier ? "link up" : "link down");
    /* Neighbours quiet at about the same time, too few to be more likely a shared failure than
     * a coincidence: said, not claimed. */
    const struct whb_peer_group *p =
        together(in, in->m->wireless ? WHB_PEERS_ACCESS_POINT : WHB_PEERS_SWITCH, 2);
    if (p) {
        whb_evidence(f, in->m->last_seen_ms, WHB_SOURCE_COLLECTOR,
                     "%u other machine%s on %s went silent at about the same time%s%s%s: "
                     "perhaps one failure, perhaps a coincidence",
                     p->together - 1, p->together == 2 ? "" : "s", p->label,
                     p->ports[0] ? " (ports " : "", p->ports, p->ports[0] ? ")" : "");
        /* With its way out down, a machine that hibernated could not say so. */
        whb_also(f, WHB_REASON_HIBERNATION);
    }
    /* Silent with others that are back (correlate.c group_over): theirs is over, its is not. */
    const struct whb_peer_group *g =
        whb_peers(in, in->m->wireless ? WHB_PEERS_ACCESS_POINT : WHB_PEERS_SWITCH);
    if (!p && g && g->back) {
        char at[32];
        whb_clock_format_iso(g->back_ms, at, sizeof(at));
        whb_evidence(f, g->back_ms, WHB_SOURCE_COLLECTOR,
                     "%u machine%s on %s that went silent with it %s back since %s; it is not: "
                     "its silence goes on for a cause of its own",
                     g->back, whb_s(g->back), g->label, g->back == 1 ? "is" : "are", at + 11);
        whb_also(f, WHB_REASON_HIBERNATION);
    }
    whb_say(f->why, "silent without a last gasp: the network, the power or the agent went away; "
                    "which one is known when it returns");
    if (in->m->on_battery)
        whb_also(f, WHB_REASON_REMOVED);
    if (in->m->wireless) {
        whb_also(f, WHB_REASON_WIRELESS_ASSOCIATION);
    } else {
        whb_also(f, WHB_REASON_CABLE_UNPLUGGED);
        whb_also(f, WHB_REASON_PORT_DISABLED);
    }
    whb_also(f, WHB_REASON_TURNED_OFF);
    whb_also(f, WHB_REASON_AGENT_CRASHED);
    if (!in->m->on_battery)
        whb_also(f, WHB_REASON_REMOVED);
    whb_hit(f, 40, WHB_CONFIDENCE_LOW);
}
