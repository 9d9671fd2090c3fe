/* The switches' side of the benchmark (class switch): each switch says what a real one of its
 * kind says when a port changes (acc.h, enum acc_talk), late when it is late, nothing when it
 * has no power or its uplink is down; the collector reads ports as the real one does (when a
 * machine behind a known port has just gone silent, when `why` is asked, after a word that left
 * the port's state unsaid or a link up, and every port of a switch once at its start).
 * Traps go through the collector's own decoder (whb_trap_decode) as net-snmp PDUs, syslog lines
 * through its parser and link-message table; reads are made into the events its poller makes.
 * Every event then takes the path of the collector's switch service and writer:
 * whb_switch_ports_take into a port table, put_switch into the store. Nothing here knows the
 * engine's rules or windows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_msgs.h"
#include "ports.h"
#include "sim.h"
#include "store/store.h"
#include "syslog.h"
#include "trap.h"

#define WATCH_EVERY_MS  10000 /* the collector's look for new silences */
#define WATCH_RECENT_MS 30000
#define READ_MS         300  /* a read's answer */
#define READ_TIMEOUT_MS 1000 /* and its timeout */
#define READ_CACHE_MS   2000
#define MAX_WORDS       512
#define MAX_HEARD       256
#define IFINDEX(port)   (10100 + (port))

struct word {
    int64_t at;
    int m; /* whose port, -1 the switch's own */
    struct whb_switch_event ev;
};

struct heard {
    int64_t at;
    int m, word;
    int named; /* the word named its port (else the ifIndex alone) */
};

struct acc_talker {
    struct whb_switch_ports *table;
    struct acc_port prev[ACC_MAX_MACHINES];
    int known[ACC_MAX_MACHINES];
    int64_t read_at[ACC_MAX_MACHINES];    /* the last read asked */
    int64_t changed_at[ACC_MAX_MACHINES]; /* when its link last changed (ifLastChange) */
    struct word q[MAX_WORDS];
    int nq;
    struct heard h[MAX_HEARD];
    int nh;
    int64_t next_watch;
    unsigned seq;
};

struct acc_talker *acc_talker_new(const struct acc_world *w)
{
    int any = 0;
    for (int s = 0; s < w->n_sw; s++)
        any |= w->sw[s].talk != TALK_NONE;
    if (!any)
        return NULL;
    struct acc_talker *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    k->table = whb_switch_ports_new(16, 128);
    if (!k->table) {
        free(k);
        return NULL;
    }
    return k;
}

void acc_talker_free(struct acc_talker *k)
{
    if (!k)
        return;
    whb_switch_ports_free(k->table);
    free(k);
}

/* A word of (or a read's answer from) the switch machine m is plugged into. */
static void queue(struct acc_talker *k, const struct acc_world *w, int m, int64_t at,
                  const struct whb_switch_event *ev)
{
    if (k->nq == MAX_WORDS)
        return;
    int i = k->nq++;
    while (i > 0 && k->q[i - 1].at > at) {
        k->q[i] = k->q[i - 1];
        i--;
    }
    k->q[i] = (struct word){at, m, *ev};
    snprintf(k->q[i].ev.sw, sizeof(k->q[i].ev.sw), "%s", w->sw[w->m[m].sw].name);
}

static uint32_t uptime_cs(const struct acc_port *p, int64_t t)
{
    return (uint32_t)((t - p->sw_boot) / 10);
}

/* --- traps: PDUs as the switch sends them, decoded by the collector's decoder ----------- */

static const oid OID_SYSUPTIME[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const oid OID_TRAPOID[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const oid OID_LINKDOWN[] = {1, 3, 6, 1, 6, 3, 1, 1, 5, 3};
static const oid OID_LINKUP[] = {1, 3, 6, 1, 6, 3, 1, 1, 5, 4};
static const oid OID_ERRDIS[] = {1, 3, 6, 1, 4, 1, 9, 9, 548, 0, 2};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void add_int(netsnmp_pdu *pdu, const oid *base, size_t n, oid col, long inst, long v)
{
    oid name[MAX_OID_LEN];
    memcpy(name, base, n * sizeof(oid));
    name[n] = col;
    name[n + 1] = (oid)inst;
    snmp_pdu_add_variable(pdu, name, n + 2, ASN_INTEGER, &v, sizeof(v));
}

static int trap(const struct acc_world *w, int m, const struct acc_port *p, int64_t t, int up,
                int errdis, struct whb_switch_event *ev)
{
    static const oid IFENTRY[] = {1, 3, 6, 1, 2, 1, 2, 2, 1};
    static const oid ERRCAUSE[] = {1, 3, 6, 1, 4, 1, 9, 9, 548, 1, 3, 1, 1};
    int talk = w->sw[w->m[m].sw].talk, port = w->m[m].port;
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_TRAP2);
    if (!pdu)
        return -1;
    u_long ticks = uptime_cs(p, t);
    snmp_pdu_add_variable(pdu, OID_SYSUPTIME, N(OID_SYSUPTIME), ASN_TIMETICKS, &ticks,
                          sizeof(ticks));
    const oid *what = errdis >= 0 ? OID_ERRDIS : up ? OID_LINKUP : OID_LINKDOWN;
    size_t wn = errdis >= 0 ? N(OID_ERRDIS) : N(OID_LINKUP);
    snmp_pdu_add_variable(pdu, OID_TRAPOID, N(OID_TRAPOID), ASN_OBJECT_ID, what, wn * sizeof(oid));
    add_int(pdu, IFENTRY, N(IFENTRY), 1, IFINDEX(port), IFINDEX(port));
    if (errdis >= 0) {
        /* cErrDisableIfStatusCause.<ifIndex>.0: portSecurityViolation 9, bpduGuard 2,
         * linkFlap 6 (CErrDisableFeatureID). */
        static const long cause[ERRDIS_COUNT_] = {9, 2, 6};
        oid name[MAX_OID_LEN];
        memcpy(name, ERRCAUSE, sizeof(ERRCAUSE));
        name[N(ERRCAUSE)] = 2;
        name[N(ERRCAUSE) + 1] = (oid)IFINDEX(port);
        name[N(ERRCAUSE) + 2] = 0;
        long v = cause[errdis];
        snmp_pdu_add_variable(pdu, name, N(ERRCAUSE) + 3, ASN_INTEGER, &v, sizeof(v));
    } else if (talk != TALK_TRAPS_BARE) {
        char descr[40];
        int n = snprintf(descr, sizeof(descr), "GigabitEthernet1/0/%d", port);
        oid name[MAX_OID_LEN];
        memcpy(name, IFENTRY, sizeof(IFENTRY));
        name[N(IFENTRY)] = 2;
        name[N(IFENTRY) + 1] = (oid)IFINDEX(port);
        snmp_pdu_add_variable(pdu, name, N(IFENTRY) + 2, ASN_OCTET_STR, descr, (size_t)n);
        add_int(pdu, IFENTRY, N(IFENTRY), 7, IFINDEX(port), p->admin_up ? 1 : 2);
        /* Some devices put the state the port left in a linkDown's ifOperStatus. */
        add_int(pdu, IFENTRY, N(IFENTRY), 8, IFINDEX(port), up || talk == TALK_TRAPS_PREV ? 1 : 2);
    }
    memset(ev, 0, sizeof(*ev));
    int needs = whb_trap_decode(pdu, ev);
    snmp_free_pdu(pdu);
    if (needs < 0)
        return -1;
    ev->source = WHB_SWSRC_TRAP;
    return needs;
}

/* --- syslog: Cisco IOS lines, through the collector's parser and table --------------------- */

static int syslog_line(struct acc_talker *k, const char *text, struct whb_switch_event *ev)
{
    char line[400];
    unsigned q = ++k->seq;
    int n = snprintf(line, sizeof(line), "<189>%u: *Nov 17 09:%02u:%02u.%03u: %s", q, q % 60,
                     (q * 7) % 60, q % 1000, text);
    struct whb_syslog msg;
    memset(ev, 0, sizeof(*ev));
    if (whb_syslog_parse(line, (size_t)n, &msg) != 0 || !whb_link_msg_match(&msg, ev))
        return -1;
    ev->source = WHB_SWSRC_SYSLOG;
    return 0;
}

/* What the switch says when port m's state goes from a to b at t (queued for when it
 * reaches the collector); 1 when its word leaves the state unsaid (a read follows). */
static int speak(struct acc_talker *k, const struct acc_world *w, int m, const struct acc_port *a,
                 const struct acc_port *b, int64_t t)
{
    const struct acc_switch *sw = &w->sw[w->m[m].sw];
    int port = w->m[m].port, unsaid = 0;
    int64_t at = t + 200 + sw->late_ms;
    struct whb_switch_event ev;
    char text[300];
    static const char *const ios_cause[ERRDIS_COUNT_] = {"psecure-violation", "bpduguard",
                                                         "link-flap"};
    if (sw->talk == TALK_SYSLOG) {
        if (b->dot1x_fail && !a->dot1x_fail) {
            snprintf(text, sizeof(text),
                     "%%DOT1X-5-FAIL: Authentication failed for client (5254.00%02x.00%02x) on "
                     "Interface Gi1/0/%d AuditSessionID 0A0B0C0D000000%02X",
                     m & 255, (m + 1) & 255, port, m & 255);
            if (syslog_line(k, text, &ev) == 0)
                queue(k, w, m, at, &ev);
        }
        if (b->errdis >= 0 && a->errdis < 0) {
            if (b->errdis == ERRDIS_PSECURE) {
                snprintf(text, sizeof(text),
                         "%%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, "
                         "caused by MAC address 0013.1a41.54%02x on port GigabitEthernet1/0/%d.",
                         m & 255, port);
                if (syslog_line(k, text, &ev) == 0)
                    queue(k, w, m, at, &ev);
            }
            snprintf(text, sizeof(text),
                     "%%PM-4-ERR_DISABLE: %s error detected on Gi1/0/%d, putting Gi1/0/%d in "
                     "err-disable state",
                     ios_cause[b->errdis], port, port);
            if (syslog_line(k, text, &ev) == 0)
                queue(k, w, m, at + 1, &ev);
        }
        if (a->oper_up != b->oper_up || a->admin_up != b->admin_up) {
            if (!b->admin_up && a->admin_up)
                snprintf(text, sizeof(text),
                         "%%LINK-5-CHANGED: Interface GigabitEthernet1/0/%d, changed state to "
                         "administratively down",
                         port);
            else if (a->oper_up != b->oper_up)
                snprintf(text, sizeof(text),
                         "%%LINK-3-UPDOWN: Interface GigabitEthernet1/0/%d, changed state to %s",
                         port, b->oper_up ? "up" : "down");
            else
                return 0;
            if (syslog_line(k, text, &ev) == 0) {
                queue(k, w, m, at + 2, &ev);
                unsaid = (ev.kind == WHB_SW_LINK_DOWN && ev.admin == WHB_IF_UNKNOWN) ||
                         ev.kind == WHB_SW_LINK_UP;
            }
        }
        return unsaid;
    }
    if (sw->talk != TALK_TRAPS && sw->talk != TALK_TRAPS_BARE && sw->talk != TALK_TRAPS_PREV)
        return 0;
    if (b->errdis >= 0 && a->errdis < 0 && trap(w, m, b, t, 0, b->errdis, &ev) >= 0)
        queue(k, w, m, at, &ev);
    if (a->oper_up != b->oper_up || (a->admin_up != b->admin_up && !b->admin_up)) {
        int needs = trap(w, m, b, t, b->oper_up, -1, &ev);
        if (needs >= 0) {
            queue(k, w, m, at + 1, &ev);
            unsaid = needs != 0 || ev.kind == WHB_SW_LINK_UP;
        }
    }
    return unsaid;
}

/* --- reads ------------------------------------------------------------------------------- */

static void read_port(struct acc_talker *k, const struct acc_world *w, int m, int64_t t)
{
    const struct acc_switch *sw = &w->sw[w->m[m].sw];
    if (!sw->poll || t - k->read_at[m] < READ_CACHE_MS || !acc_world_collector_up(w, t))
        return;
    k->read_at[m] = t;
    struct acc_port p;
    acc_world_port(w, m, t, &p);
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.source = WHB_SWSRC_POLL;
    if (sw->talk == TALK_TIMEOUT || !p.reachable) {
        ev.kind = WHB_SW_NO_ANSWER;
        snprintf(ev.text, sizeof(ev.text), "no SNMP answer from %s: timeout", sw->name);
        queue(k, w, m, t + READ_TIMEOUT_MS, &ev);
        return;
    }
    int64_t at = t + READ_MS;
    acc_world_port(w, m, at, &p);
    static const char *const mib_cause[ERRDIS_COUNT_] = {"portSecurityViolation", "bpduGuard",
                                                         "linkFlap"};
    ev.kind = WHB_SW_POLL;
    ev.ifindex = IFINDEX(w->m[m].port);
    snprintf(ev.port, sizeof(ev.port), "Gi1/0/%d", w->m[m].port);
    ev.admin = p.admin_up ? WHB_IF_UP : WHB_IF_DOWN;
    ev.oper = p.oper_up ? WHB_IF_UP : WHB_IF_DOWN;
    ev.uptime_cs = uptime_cs(&p, at);
    /* ifLastChange: 0 (before the agent started) reads as the switch's start. */
    int64_t since = k->changed_at[m] > p.sw_boot ? k->changed_at[m] : p.sw_boot;
    ev.since_ms = at - (at - since) / 10 * 10;
    ev.speed_mbps = p.speed;
    if (p.errdis >= 0)
        snprintf(ev.cause, sizeof(ev.cause), "%s", mib_cause[p.errdis]);
    snprintf(ev.text, sizeof(ev.text), "ifIndex %d %s ifAdminStatus %s ifOperStatus %s%s%s",
             ev.ifindex, ev.port, whb_if_status_name(ev.admin), whb_if_status_name(ev.oper),
             ev.cause[0] ? " err-disabled: " : "", ev.cause);
    queue(k, w, m, at, &ev);
}

void acc_talker_asked(struct acc_talker *k, const struct acc_world *w, int m, int64_t t)
{
    if (k && m >= 0 && !w->m[m].wireless && w->sw[w->m[m].sw].talk != TALK_NONE)
        read_port(k, w, m, t);
}

/* --- what the collector stored ------------------------------------------------------------ */

static void note(struct acc_talker *k, int m, int word, int64_t at, int named)
{
    if (m < 0 || !word || k->nh == MAX_HEARD)
        return;
    k->h[k->nh++] = (struct heard){at, m, word, named};
}

/* The word an event is, as the collector stored it (after the port table): by its own kind and
 * states, not by what the generator meant to say. */
static int word_of(const struct whb_switch_event *ev, const struct whb_switch_port *p,
                   const struct acc_talker *k, int m)
{
    switch (ev->kind) {
    case WHB_SW_ADMIN_DOWN:
        return WORD_SHUT;
    case WHB_SW_ERR_DISABLED:
        return WORD_ERR;
    case WHB_SW_DOT1X_FAIL:
        return WORD_DOT1X;
    case WHB_SW_LINK_DOWN:
        return ev->admin == WHB_IF_DOWN ? WORD_SHUT : ev->admin == WHB_IF_UP ? WORD_LOST : 0;
    case WHB_SW_POLL:
        if (ev->admin == WHB_IF_DOWN)
            return WORD_SHUT;
        if (ev->oper == WHB_IF_DOWN)
            return ev->cause[0] ? WORD_ERR : WORD_LOST;
        if (ev->oper == WHB_IF_UP && p && p->prev_speed_mbps > p->speed_mbps && p->speed_mbps &&
            p->speed_changed_ms == ev->at_ms)
            return WORD_SLOW;
        if (ev->oper == WHB_IF_UP)
            return k->changed_at[m] < ev->at_ms ? WORD_UP : 0;
        return 0;
    default:
        return 0;
    }
}

int acc_talker_said(const struct acc_talker *k, const struct acc_world *w, int m, unsigned words,
                    int64_t from, int64_t to)
{
    /* A word that names its port by ifIndex alone is the machine's port's only once something
     * (a read, a word with ifDescr) has told the collector which name that number has: the
     * agents' LLDP names ports, not numbers. */
    char name[16];
    snprintf(name, sizeof(name), "Gi1/0/%d", w->m[m].port);
    const struct whb_switch_port *p =
        k ? whb_switch_ports_get(k->table, w->sw[w->m[m].sw].name, name, 0) : NULL;
    int numbered = p && p->ifindex == IFINDEX(w->m[m].port);
    for (int i = 0; k && i < k->nh; i++)
        if (k->h[i].m == m && (words & (1u << k->h[i].word)) && (k->h[i].named || numbered) &&
            k->h[i].at >= from && k->h[i].at <= to)
            return 1;
    return 0;
}

static int store_word(struct acc_talker *k, const struct acc_world *w, struct whb_store *st,
                      struct word *wd, int verbose)
{
    struct whb_switch_event *ev = &wd->ev;
    ev->at_ms = wd->at;
    struct whb_switch_port port;
    int have = 0;
    int rc = whb_switch_ports_take(k->table, ev, &port, &have);
    if (rc < 0)
        return 0;
    int changed = rc > 0, keep = changed || ev->kind != WHB_SW_POLL;
    if (!keep && !have)
        return 0;
    if (st->ops->begin(st))
        return -1;
    if (st->ops->put_switch(st, ev, have ? &port : NULL, keep)) {
        st->ops->rollback(st);
        return -1;
    }
    if (st->ops->commit(st))
        return -1;
    note(k, wd->m, word_of(ev, have ? &port : NULL, k, wd->m), wd->at, ev->port[0] != 0);
    if (verbose)
        printf("  +%02lld:%02lld:%02lld switch %s %s %s: %s\n",
               (long long)((wd->at - w->t0) / 3600000), (long long)((wd->at - w->t0) / 60000 % 60),
               (long long)((wd->at - w->t0) / 1000 % 60), ev->sw,
               whb_switch_source_name(ev->source), whb_switch_kind_name(ev->kind), ev->text);
    return 0;
}

int acc_talker_step(struct acc_talker *k, const struct acc_world *w, struct whb_store *st,
                    int64_t t, int verbose)
{
    if (!k)
        return 0;
    for (int m = 0; m < w->n; m++) {
        if (w->m[m].wireless || w->sw[w->m[m].sw].talk == TALK_NONE)
            continue;
        struct acc_port p;
        acc_world_port(w, m, t, &p);
        if (!k->known[m]) {
            /* The collector starts: every configured switch's table read once. */
            k->known[m] = 1;
            k->prev[m] = p;
            k->changed_at[m] = p.sw_boot;
            read_port(k, w, m, t);
            continue;
        }
        struct acc_port *a = &k->prev[m];
        if (a->oper_up != p.oper_up || a->speed != p.speed)
            k->changed_at[m] = t;
        /* A switch without power or cut off from the collector says nothing it can deliver. */
        if (p.powered && p.reachable && a->powered && speak(k, w, m, a, &p, t))
            read_port(k, w, m, t + w->sw[w->m[m].sw].late_ms + 1000);
        k->prev[m] = p;
    }
    /* Machines behind a known port that have just gone silent are read. */
    if (t >= k->next_watch && acc_world_collector_up(w, t)) {
        k->next_watch = t + WATCH_EVERY_MS;
        for (int m = 0; m < w->n; m++) {
            struct whb_machine_view v;
            if (w->m[m].wireless || w->sw[w->m[m].sw].talk == TALK_NONE ||
                st->ops->get_machine(st, w->m[m].fqdn, &v) != 0)
                continue;
            if (t > v.due_ms && t - v.due_ms <= WATCH_RECENT_MS && v.sw_name[0] && v.sw_port[0])
                read_port(k, w, m, t);
        }
    }
    int n = 0;
    while (n < k->nq && k->q[n].at <= t)
        n++;
    for (int i = 0; i < n; i++) {
        struct word *wd = &k->q[i];
        /* Sent to a collector that was down: lost (UDP), as its reads were never made. */
        if (!acc_world_collector_up(w, wd->at))
            continue;
        if (store_word(k, w, st, wd, verbose))
            return -1;
    }
    memmove(k->q, k->q + n, (size_t)(k->nq - n) * sizeof(k->q[0]));
    k->nq -= n;
    return 0;
}
