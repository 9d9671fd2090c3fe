/* The engine with the switch's own word (issue 24): a shut or err-disabled port is the port
 * (high); a link lost with the port enabled is the cable or the machine, never the port; a port
 * still up with the machine's link is not the network (the agent, its configuration, the path
 * beyond), unless the link came back slower (Wake-on-LAN); wired 802.1X failure in words; only
 * what the switch said inside the silence counts; and without a word from the switch the answer
 * is exactly the one without switches. Time is an argument: every case is deterministic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "explain/explain.h"
#include "whb.pb-c.h"

#define K(n) WHB__V1__EVENT_KIND__EVENT_KIND_##n
#define T0   1764000000000LL /* the machine's last report */
#define MIN  60000LL
#define NONE WHB_REASON_COUNT_

struct sw {
    int64_t at; /* relative to T0 */
    enum whb_switch_kind kind;
    enum whb_if_status admin, oper;
    const char *cause, *mac, *who;
    int64_t since; /* relative to T0; 0: not said */
};

struct port { /* the port as it stands (now cases); oper 0: the switch never spoke of it */
    enum whb_if_status admin, oper;
    int64_t changed, heard, speed_changed; /* relative to T0 */
    unsigned speed, prev_speed;
};

struct mev {
    int64_t at;
    int kind;
    const char *detail;
    unsigned code; /* reason_code */
    int64_t since; /* relative to T0; 0: not said */
};

struct tcase {
    const char *name;
    int64_t now;     /* relative to T0 */
    int64_t gap_end; /* relative to T0; 0: a "now" case */
    struct mev machine[4];
    struct sw said[6];
    struct port port;
    enum whb_reason want;
    enum whb_confidence want_conf;
    const char *want_text;     /* in the summary, an evidence line or the next step */
    enum whb_reason want_alt;  /* among the alternatives (NONE: not checked) */
    enum whb_reason never_alt; /* never among the alternatives (NONE: not checked) */
    int switch_evidence;       /* an evidence line marked "switch" */
    int alts_differ;       /* the switch's word changes only the alternatives (what it rules out) */
    unsigned whole_switch; /* every known machine of the switch silent with it (of this many) */
};

#define D WHB_IF_DOWN
#define U WHB_IF_UP

static const struct tcase cases[] = {
    {"shut by an operator (syslog), then who configured it", .now = 20 * MIN,
     .said = {{20000, WHB_SW_ADMIN_DOWN, D, D}, {40000, WHB_SW_CONFIG, .who = "jsmith"}},
     .port = {D, D, 20000, 20000}, .want = WHB_REASON_PORT_DISABLED,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_text = "configured by jsmith", .want_alt = NONE,
     .never_alt = WHB_REASON_CABLE_UNPLUGGED, .switch_evidence = 1},
    {"err-disabled after a port-security violation", .now = 20 * MIN,
     .said = {{9000, WHB_SW_PORT_SECURITY, .mac = "00:13:1a:41:54:4e"},
              {10000, WHB_SW_ERR_DISABLED, 0, D, "psecure-violation"}},
     .want = WHB_REASON_PORT_DISABLED, .want_conf = WHB_CONFIDENCE_HIGH,
     .want_text = "00:13:1a:41:54:4e", .want_alt = NONE, .never_alt = WHB_REASON_CABLE_UNPLUGGED,
     .switch_evidence = 1},
    {"a read of the port only (no trap): shut since ifLastChange", .now = 20 * MIN,
     .said = {{2 * MIN, WHB_SW_POLL, D, D, .since = 15000}}, .want = WHB_REASON_PORT_DISABLED,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_text = "shut", .want_alt = NONE, .never_alt = NONE,
     .switch_evidence = 1},
    {"link lost with the port enabled: the cable or the machine, not the port", .now = 20 * MIN,
     .said = {{30000, WHB_SW_LINK_DOWN, U, D}}, .port = {U, D, 30000, 31000},
     .want = WHB_REASON_CABLE_UNPLUGGED, .want_conf = WHB_CONFIDENCE_MEDIUM,
     .want_text = "with the port enabled", .want_alt = WHB_REASON_TURNED_OFF,
     .never_alt = WHB_REASON_PORT_DISABLED, .switch_evidence = 1},
    {"port up with the machine's link while it is silent: not the network", .now = 20 * MIN,
     .port = {U, U, -3 * 3600000LL, 4 * MIN, 0, 1000, 0}, .want = WHB_REASON_AGENT_CRASHED,
     .want_conf = WHB_CONFIDENCE_MEDIUM, .want_text = "not the cable, the port or the switch",
     .want_alt = WHB_REASON_LOST_CONNECTIVITY, .never_alt = WHB_REASON_CABLE_UNPLUGGED,
     .switch_evidence = 1},
    {"port up but renegotiated slower: off or asleep with Wake-on-LAN", .now = 20 * MIN,
     .port = {U, U, 12000, 4 * MIN, 12000, 100, 1000}, .want = WHB_REASON_TURNED_OFF,
     .want_conf = WHB_CONFIDENCE_MEDIUM, .want_text = "Wake-on-LAN", .want_alt = WHB_REASON_SLEEP,
     .never_alt = WHB_REASON_PORT_DISABLED, .switch_evidence = 1},
    {"link back up seconds after the last report, speed not known: renegotiated (standby)",
     .now = 20 * MIN, .port = {U, U, 5000, 4 * MIN, 0, 0, 0}, .want = WHB_REASON_TURNED_OFF,
     .want_conf = WHB_CONFIDENCE_MEDIUM, .want_text = "renegotiated",
     .want_alt = WHB_REASON_AGENT_CRASHED, .never_alt = WHB_REASON_CABLE_UNPLUGGED,
     .switch_evidence = 1},
    {"wired 802.1X failure", .now = 20 * MIN,
     .said = {{5000, WHB_SW_DOT1X_FAIL, .mac = "00:23:b5:3e:3e:12"}},
     .want = WHB_REASON_PORT_DISABLED, .want_conf = WHB_CONFIDENCE_HIGH,
     .want_text = "802.1X authentication", .want_alt = NONE,
     .never_alt = WHB_REASON_CABLE_UNPLUGGED, .switch_evidence = 1},
    {"wired 802.1X failure while the port reads up with the link: closed to the machine",
     .now = 20 * MIN, .said = {{5000, WHB_SW_DOT1X_FAIL, .mac = "00:23:b5:3e:3e:12"}},
     .port = {U, U, -3 * 3600000LL, 4 * MIN, 0, 1000, 0}, .want = WHB_REASON_PORT_DISABLED,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_text = "802.1X authentication", .want_alt = NONE,
     .never_alt = WHB_REASON_CABLE_UNPLUGGED, .switch_evidence = 1},
    {"a shut two hours into the silence did not cause it", .now = 3 * 60 * MIN,
     .said = {{2 * 60 * MIN, WHB_SW_ADMIN_DOWN, D, D}}, .want = WHB_REASON_LOST_CONNECTIVITY,
     .want_conf = WHB_CONFIDENCE_LOW, .want_alt = NONE, .never_alt = NONE},
    {"a shut that ended before the silence did not cause it", .now = 20 * MIN,
     .said = {{-40000, WHB_SW_ADMIN_DOWN, D, D}, {-30000, WHB_SW_LINK_UP, U, U}},
     .want = WHB_REASON_LOST_CONNECTIVITY, .want_conf = WHB_CONFIDENCE_LOW, .want_alt = NONE,
     .never_alt = NONE},
    {"the machine's own last gasp wins over a slower link", .now = 20 * MIN,
     .machine = {{-2000, K(HIBERNATE), "going to hibernate"}},
     .port = {U, U, 12000, 4 * MIN, 12000, 100, 1000}, .want = WHB_REASON_HIBERNATION,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_alt = NONE, .never_alt = NONE},
    {"a link down whose admin state nobody said leaves the answer as it was", .now = 20 * MIN,
     .said = {{30000, WHB_SW_LINK_DOWN, 0, D}}, .want = WHB_REASON_LOST_CONNECTIVITY,
     .want_conf = WHB_CONFIDENCE_LOW, .want_alt = NONE, .never_alt = NONE},
    {"history: the machine lost its link, the switch says shut", .now = 200 * MIN,
     .gap_end = 150 * MIN,
     .machine = {{2000, K(CARRIER_LOST), "eth0 carrier lost"},
                 {150 * MIN - 2000, K(CARRIER_GAINED), "eth0 carrier back"}},
     .said = {{3000, WHB_SW_ADMIN_DOWN, D, D}}, .want = WHB_REASON_PORT_DISABLED,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_text = "shut", .want_alt = NONE,
     .never_alt = WHB_REASON_CABLE_UNPLUGGED, .switch_evidence = 1},
    {"history: the machine lost its link, the switch says the port stayed enabled",
     .now = 200 * MIN, .gap_end = 150 * MIN,
     .machine = {{2000, K(CARRIER_LOST), "eth0 carrier lost"},
                 {150 * MIN - 2000, K(CARRIER_GAINED), "eth0 carrier back"}},
     .said = {{3000, WHB_SW_LINK_DOWN, U, D}}, .want = WHB_REASON_CABLE_UNPLUGGED,
     .want_conf = WHB_CONFIDENCE_MEDIUM, .want_text = "with the port enabled", .want_alt = NONE,
     .never_alt = WHB_REASON_PORT_DISABLED, .switch_evidence = 1},
    {"link lost with the port enabled, the port shut seconds later: not the shut", .now = 20 * MIN,
     .said = {{30000, WHB_SW_LINK_DOWN, U, D}, {50000, WHB_SW_ADMIN_DOWN, D, D}},
     .want = WHB_REASON_CABLE_UNPLUGGED, .want_conf = WHB_CONFIDENCE_MEDIUM,
     .want_text = "closed later", .want_alt = WHB_REASON_TURNED_OFF,
     .never_alt = WHB_REASON_PORT_DISABLED, .switch_evidence = 1},
    {"a read of an err-disabled port: enabled, no link, the cause read", .now = 20 * MIN,
     .said = {{3 * MIN, WHB_SW_POLL, U, D, "portSecurityViolation", .since = 15000}},
     .want = WHB_REASON_PORT_DISABLED, .want_conf = WHB_CONFIDENCE_HIGH,
     .want_text = "err-disabled", .want_alt = NONE, .never_alt = WHB_REASON_CABLE_UNPLUGGED,
     .switch_evidence = 1},
    {"a read of a shut port hours after its link went: which came first is not known",
     .now = 3 * 60 * MIN, .said = {{2 * 60 * MIN, WHB_SW_POLL, D, D, .since = 15000}},
     .want = WHB_REASON_PORT_DISABLED, .want_conf = WHB_CONFIDENCE_MEDIUM, .want_text = "shut",
     .want_alt = WHB_REASON_CABLE_UNPLUGGED, .never_alt = NONE, .switch_evidence = 1},
    {"history: a power loss told on return, the switch saw the link go with the port enabled",
     .now = 200 * MIN, .gap_end = 150 * MIN,
     .machine = {{150 * MIN, K(UNCLEAN_STOP), "previous boot did not stop cleanly", 2, 1000}},
     .said = {{3000, WHB_SW_LINK_DOWN, U, D}}, .want = WHB_REASON_TURNED_OFF,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_alt = WHB_REASON_CABLE_UNPLUGGED,
     .never_alt = WHB_REASON_PORT_DISABLED, .alts_differ = 1},
    /* Late words (issue 24: informs retried, a busy switch, a relay): the shut came 50 s after
     * the last report and was heard 50 s after that; the link renegotiated 80 s after the last
     * report was heard 10 s later. */
    {"a shut heard 50 s late: still the port", .now = 20 * MIN,
     .said = {{100000, WHB_SW_ADMIN_DOWN, D, D}}, .port = {D, D, 100000, 100000},
     .want = WHB_REASON_PORT_DISABLED, .want_conf = WHB_CONFIDENCE_HIGH, .want_text = "shut",
     .want_alt = NONE, .never_alt = WHB_REASON_CABLE_UNPLUGGED, .switch_evidence = 1},
    {"a link renegotiated slower, heard 90 s after the last report: Wake-on-LAN", .now = 20 * MIN,
     .port = {U, U, 90000, 4 * MIN, 90000, 100, 1000}, .want = WHB_REASON_TURNED_OFF,
     .want_conf = WHB_CONFIDENCE_MEDIUM, .want_text = "Wake-on-LAN", .want_alt = WHB_REASON_SLEEP,
     .never_alt = WHB_REASON_PORT_DISABLED, .switch_evidence = 1},
    /* The uplink: every machine of the switch silent, their ports up with their links. */
    {"port up with its link while every machine of the switch is silent: the uplink",
     .now = 20 * MIN, .port = {U, U, -3 * 3600000LL, 4 * MIN, 0, 1000, 0},
     .want = WHB_REASON_LOST_CONNECTIVITY, .want_conf = WHB_CONFIDENCE_MEDIUM,
     .want_text = "uplink", .want_alt = WHB_REASON_AGENT_CRASHED,
     .never_alt = WHB_REASON_CABLE_UNPLUGGED, .switch_evidence = 1, .whole_switch = 6},
    /* Chains (accuracy class chains): the port closed while the machine was already silent
     * for a cause it announced. Now it keeps the machine silent whatever its state: the port,
     * for certain, the gasp beside it; in a gap, only when the machine came back behind it. */
    {"asleep, then its port shut while it slept: the port now, the sleep beside", .now = 20 * MIN,
     .machine = {{-1000, K(SUSPEND), "going to sleep"}},
     .said = {{6 * MIN, WHB_SW_ADMIN_DOWN, D, D}}, .want = WHB_REASON_PORT_DISABLED,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_text = "after the machine went to sleep",
     .want_alt = WHB_REASON_SLEEP, .never_alt = WHB_REASON_CABLE_UNPLUGGED, .switch_evidence = 1},
    {"shut down, then its port err-disabled while it was off: the port now", .now = 20 * MIN,
     .machine = {{-1000, K(SHUTDOWN), "shutting down"}},
     .said = {{5 * MIN, WHB_SW_ERR_DISABLED, 0, D, "bpduguard"}}, .want = WHB_REASON_PORT_DISABLED,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_text = "err-disabled",
     .want_alt = WHB_REASON_TURNED_OFF, .never_alt = WHB_REASON_CABLE_UNPLUGGED,
     .switch_evidence = 1},
    {"history: hibernated, its port shut meanwhile, resumed without its link behind it",
     .now = 200 * MIN, .gap_end = 40 * MIN,
     .machine = {{-1000, K(HIBERNATE), "going to hibernate"},
                 {20 * MIN, K(RESUME), "asleep for 20 min", 2},
                 {20 * MIN, K(CARRIER_LOST), "carrier_changes 1"},
                 {40 * MIN - 2000, K(CARRIER_GAINED), "1000 Mb/s"}},
     .said = {{6 * MIN, WHB_SW_ADMIN_DOWN, D, D}}, .want = WHB_REASON_PORT_DISABLED,
     .want_conf = WHB_CONFIDENCE_HIGH, .want_text = "without its link",
     .want_alt = WHB_REASON_HIBERNATION, .never_alt = WHB_REASON_CABLE_UNPLUGGED,
     .switch_evidence = 1},
    {"history: shut down, its port shut and enabled again while off: the shutdown alone",
     .now = 200 * MIN, .gap_end = 30 * MIN + 5000,
     .machine = {{-1000, K(SHUTDOWN), "shutting down"},
                 {30 * MIN, K(AGENT_START), "whb-agent 0.1.0 on linux"}},
     .said = {{6 * MIN, WHB_SW_ADMIN_DOWN, D, D}, {20 * MIN, WHB_SW_LINK_DOWN, U, D}},
     .want = WHB_REASON_TURNED_OFF, .want_conf = WHB_CONFIDENCE_HIGH, .want_alt = NONE,
     .never_alt = NONE},
};

#undef D
#undef U

struct built {
    struct whb_machine_view m;
    struct whb_hist_event evs[4];
    struct whb_switch_event said[6];
    struct whb_switch_port port;
    struct whb_store_gap gap;
    struct whb_explain_input in;
};

static void build(const struct tcase *c, struct built *b, int with_switch)
{
    memset(b, 0, sizeof(*b));
    struct whb_machine_view *m = &b->m;
    snprintf(m->machine_id, sizeof(m->machine_id), "m-42");
    snprintf(m->fqdn, sizeof(m->fqdn), "pc-042.corp.example");
    m->last_seen_ms = T0;
    m->interval_s = 60;
    m->due_ms = T0 + 180000;
    m->carrier = 1;
    snprintf(m->primary_if, sizeof(m->primary_if), "eth0");
    snprintf(m->sw_chassis, sizeof(m->sw_chassis), "00:11:22:33:44:55");
    snprintf(m->sw_name, sizeof(m->sw_name), "sw-access-1");
    snprintf(m->sw_port, sizeof(m->sw_port), "Gi1/0/7");
    snprintf(m->os, sizeof(m->os), "Windows 11 Enterprise (build 22631)");
    m->update_service = -1;
    struct whb_explain_input *in = &b->in;
    in->now_ms = T0 + c->now;
    in->m = m;
    in->host = "pc-042";
    int n = 0;
    for (; n < 4 && c->machine[n].kind; n++) {
        b->evs[n].at_ms = T0 + c->machine[n].at;
        b->evs[n].kind = c->machine[n].kind;
        snprintf(b->evs[n].adapter, sizeof(b->evs[n].adapter), "eth0");
        snprintf(b->evs[n].detail, sizeof(b->evs[n].detail), "%s", c->machine[n].detail);
        b->evs[n].reason_code = c->machine[n].code;
        b->evs[n].since_ms = c->machine[n].since ? T0 + c->machine[n].since : 0;
        b->evs[n].received_ms =
            c->gap_end && c->machine[n].at > 0 ? T0 + c->gap_end : b->evs[n].at_ms;
    }
    in->events = b->evs;
    in->n_events = n;
    if (c->whole_switch) {
        struct whb_peer_group *g = &in->peers[in->n_peers++];
        g->kind = WHB_PEERS_SWITCH;
        snprintf(g->label, sizeof(g->label), "switch sw-access-1 (00:11:22:33:44:55)");
        g->total = g->together = c->whole_switch;
    }
    if (c->gap_end) {
        b->gap.start_ms = T0;
        b->gap.end_ms = T0 + c->gap_end;
        /* As the store records it: an unclean stop of the previous boot came with a new one. */
        int rebooted = 0;
        for (int i = 0; i < n; i++)
            rebooted |= b->evs[i].kind == K(UNCLEAN_STOP) && b->evs[i].reason_code == 2;
        b->gap.rebooted = rebooted;
        in->gap_start_ms = T0;
        in->gap_end_ms = T0 + c->gap_end;
        in->gap = &b->gap;
    }
    if (!with_switch)
        return;
    int k = 0;
    for (; k < 6 && c->said[k].kind; k++) {
        struct whb_switch_event *e = &b->said[k];
        e->kind = c->said[k].kind;
        e->source = e->kind == WHB_SW_POLL ? WHB_SWSRC_POLL : WHB_SWSRC_SYSLOG;
        snprintf(e->sw, sizeof(e->sw), "sw-access-1");
        if (e->kind != WHB_SW_CONFIG)
            snprintf(e->port, sizeof(e->port), "GigabitEthernet1/0/7");
        e->admin = c->said[k].admin;
        e->oper = c->said[k].oper;
        e->at_ms = T0 + c->said[k].at;
        e->since_ms = c->said[k].since ? T0 + c->said[k].since : 0;
        snprintf(e->cause, sizeof(e->cause), "%s", c->said[k].cause ? c->said[k].cause : "");
        snprintf(e->mac, sizeof(e->mac), "%s", c->said[k].mac ? c->said[k].mac : "");
        snprintf(e->who, sizeof(e->who), "%s", c->said[k].who ? c->said[k].who : "");
        snprintf(e->text, sizeof(e->text), "%s", whb_switch_kind_name(e->kind));
    }
    in->sw_events = b->said;
    in->n_sw_events = k;
    if (c->port.oper) {
        struct whb_switch_port *p = &b->port;
        snprintf(p->name, sizeof(p->name), "GigabitEthernet1/0/7");
        p->ifindex = 10107;
        p->admin = c->port.admin;
        p->oper = c->port.oper;
        p->changed_ms = T0 + c->port.changed;
        p->heard_ms = T0 + c->port.heard;
        p->speed_mbps = c->port.speed;
        p->prev_speed_mbps = c->port.prev_speed;
        p->speed_changed_ms = c->port.speed_changed ? T0 + c->port.speed_changed : 0;
        p->last_source = WHB_SWSRC_POLL;
        in->sw_port = p;
    }
}

static void explain(const struct tcase *c, struct built *b, struct whb_explanation *x)
{
    if (c->gap_end)
        whb_explain_gap(&b->in, x);
    else
        whb_explain_now(&b->in, x);
}

static int mentions(const struct whb_explanation *x, const char *text)
{
    if (strstr(x->summary, text) || strstr(x->next_step, text) || strstr(x->confidence_why, text))
        return 1;
    for (int i = 0; i < x->n_evidence; i++)
        if (strstr(x->evidence[i].text, text))
            return 1;
    return 0;
}

static int has_alt(const struct whb_explanation *x, enum whb_reason r)
{
    for (int i = 0; i < x->n_alternatives; i++)
        if (x->alternatives[i].reason == r)
            return 1;
    return 0;
}

static void run_case(void **state)
{
    const struct tcase *c = *state;
    static struct built b, plain;
    struct whb_explanation x, without, again;
    build(c, &b, 1);
    explain(c, &b, &x);
    if (x.reason != c->want)
        fail_msg("%s: reason %s, want %s (%s; %s)", c->name, whb_reason_info(x.reason)->id,
                 whb_reason_info(c->want)->id, x.summary, x.confidence_why);
    if (x.confidence != c->want_conf)
        fail_msg("%s: confidence %s, want %s", c->name, whb_confidence_name(x.confidence),
                 whb_confidence_name(c->want_conf));
    if (c->want_text && !mentions(&x, c->want_text))
        fail_msg("%s: nothing mentions '%s' (summary: %s)", c->name, c->want_text, x.summary);
    if (c->want_alt != NONE && !has_alt(&x, c->want_alt))
        fail_msg("%s: %s not among the alternatives", c->name, whb_reason_info(c->want_alt)->id);
    if (c->never_alt != NONE && has_alt(&x, c->never_alt))
        fail_msg("%s: %s offered although the switch rules it out", c->name,
                 whb_reason_info(c->never_alt)->id);
    int marked = 0;
    for (int i = 0; i < x.n_evidence; i++)
        marked |= x.evidence[i].source == WHB_SOURCE_SWITCH;
    if (marked != c->switch_evidence)
        fail_msg("%s: switch evidence %s", c->name, marked ? "shown" : "missing");
    assert_string_equal(whb_evidence_source_name(WHB_SOURCE_SWITCH), "switch");
    /* Deterministic. */
    explain(c, &b, &again);
    assert_memory_equal(&x, &again, sizeof(x));
    /* Without the switch's word the answer never claims what the switch said, and where the
     * switch said nothing that counts, it is the same answer, byte for byte. */
    build(c, &plain, 0);
    explain(c, &plain, &without);
    for (int i = 0; i < without.n_evidence; i++)
        assert_int_not_equal(without.evidence[i].source, WHB_SOURCE_SWITCH);
    if (!c->switch_evidence && !c->alts_differ)
        assert_memory_equal(&x, &without, sizeof(x));
}

int main(void)
{
    struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tests[i] = (struct CMUnitTest){cases[i].name, run_case, NULL, NULL, (void *)&cases[i]};
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
