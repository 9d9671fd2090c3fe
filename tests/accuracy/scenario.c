/* The timelines: a fleet, what happens to it, and the right answers, chosen from (seed, index).
 * The truth is what an admin would call the cause; where the evidence a collector can have
 * does not separate causes, the set of them is given and the answer is capped at medium. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scen.h"

static const char *inc_names[INC_KIND_COUNT_] = {
    "shutdown",       "power_cut",      "hibernate",      "sleep",         "sleep_silent",
    "fast_startup",   "modern_standby", "cable",          "port_shut",     "switch_down",
    "uplink",         "room_power",     "dhcp_lost",      "route_lost",    "flap",
    "wifi_auth",      "ap_auth",        "move",           "admin_down",    "agent_stop",
    "agent_crash",    "collector_kill", "collector_stop", "wsus_503",      "wsus_refused",
    "updsvc_stopped", "wu_policy",      "wu_scan_fail",   "wu_restart",    "subnet",
    "err_disable",    "dot1x_wired",    "ap_power",       "carried",       "undock",
    "away",           "collector_full", "collector_busy", "collector_cert"};

const char *acc_inc_name(enum acc_inc_kind k)
{
    return (unsigned)k < INC_KIND_COUNT_ ? inc_names[k] : "?";
}

struct acc_incident *acc_inc(struct acc_timeline *tl, enum acc_inc_kind k, int m, int sw,
                             int64_t start, int64_t end)
{
    struct acc_world *w = &tl->w;
    if (w->n_inc >= ACC_MAX_INCIDENTS)
        return &w->inc[ACC_MAX_INCIDENTS - 1];
    struct acc_incident *i = &w->inc[w->n_inc++];
    memset(i, 0, sizeof(*i));
    *i = (struct acc_incident){.kind = k, .machine = m, .sw = sw, .start = start, .end = end};
    return i;
}

/* An item: truth first, then the rest of the accepted set (NULL-terminated). */
struct acc_item *acc_item(struct acc_timeline *tl, enum acc_phase ph, int m, int64_t a, int64_t b,
                          int capped, const char *truth, ...)
{
    if (tl->n_items >= ACC_MAX_ITEMS)
        return NULL;
    struct acc_item *it = &tl->items[tl->n_items++];
    memset(it, 0, sizeof(*it));
    it->phase = ph;
    it->machine = m;
    if (ph == PHASE_NOW)
        it->ask_at = a;
    it->inc_start = a;
    it->inc_end = b;
    it->truth = truth;
    it->accept[it->n_accept++] = truth;
    it->capped = capped;
    va_list ap;
    va_start(ap, truth);
    for (const char *s; (s = va_arg(ap, const char *)) && it->n_accept < ACC_SET_MAX;) {
        int dup = 0;
        for (int k = 0; k < it->n_accept; k++)
            dup |= strcmp(it->accept[k], s) == 0;
        if (!dup)
            it->accept[it->n_accept++] = s;
    }
    va_end(ap);
    it->alt_need = capped ? (it->n_accept - 1 < 2 ? it->n_accept - 1 : 2) : 0;
    return it;
}

void acc_note(struct acc_timeline *tl, const char *fmt, long long a, long long b)
{
    size_t n = strlen(tl->modifiers);
    snprintf(tl->modifiers + n, sizeof(tl->modifiers) - n, fmt, a, b);
}

void acc_items_back(struct acc_timeline *tl)
{
    for (int j = 0, n = tl->n_items; j < n; j++) {
        const struct acc_item *h = &tl->items[j];
        if (h->phase == PHASE_HISTORY)
            acc_item(tl, PHASE_BACK, h->machine, h->inc_start, h->inc_end, 0, "reporting", NULL);
    }
}

void acc_machine_name(struct acc_timeline *tl, struct acc_rng *r, int i)
{
    struct acc_machine *m = &tl->w.m[i];
    snprintf(m->fqdn, sizeof(m->fqdn), "pc-%d.corp.example", i + 1);
    snprintf(m->id, sizeof(m->id), "acc-%u-%d", tl->index, i);
    snprintf(m->mac, sizeof(m->mac), "52:54:00:%02x:00:%02x", (unsigned)(tl->index & 255),
             (unsigned)((i + 1) & 255));
    m->wireless = i >= tl->w.first_wifi;
    m->windows = acc_rng_chance(r, 80);
    /* Its update client's identity and last good scan: not from the dice, so that the rest of
     * each timeline stays what it was. */
    snprintf(m->sus, sizeof(m->sus), "%08x-%04x-4%03x-8000-%012x", tl->index * 2654435761u,
             (unsigned)i, (unsigned)(tl->seed & 0xfff), (unsigned)(i + 1) * 40503u);
    m->wu_ok_ms = tl->w.t0 - (int64_t)(1 + (tl->index * 7 + (unsigned)i) % 20) * 3600000;
}

static void fleet(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    static const char *names[ACC_MAX_SWITCHES] = {"sw-access-1", "sw-access-2", "sw-floor-3"};
    w->t0 = BASE_MS + (int64_t)tl->index * 7 * 86400000LL % (300LL * 86400000LL);
    w->interval_s = acc_rng_chance(r, 80) ? 60 : 30;
    w->n_sw = 3;
    for (int s = 0; s < w->n_sw; s++) {
        snprintf(w->sw[s].name, sizeof(w->sw[s].name), "%s", names[s]);
        snprintf(w->sw[s].chassis, sizeof(w->sw[s].chassis), "9a:fd:23:c3:%02x:%02x",
                 (unsigned)((16 + s) & 255), (unsigned)(tl->index & 255));
        w->sw[s].subnet = 11 + s;
    }
    snprintf(w->ap.bssid, sizeof(w->ap.bssid), "a0:b1:c2:d3:e4:%02x", (unsigned)(tl->index & 255));
    snprintf(w->ap.ssid, sizeof(w->ap.ssid), "Corp");
    w->ap.subnet = 40;
    /* 4-8 machines on switch 1, 2-4 on switch 2, 2-3 wireless. */
    w->first_sw1 = 4 + (int)acc_rng_below(r, 5);
    w->first_wifi = w->first_sw1 + 2 + (int)acc_rng_below(r, 3);
    w->n = w->first_wifi + 2 + (int)acc_rng_below(r, 2);
    for (int i = 0; i < w->n; i++) {
        struct acc_machine *m = &w->m[i];
        acc_machine_name(tl, r, i);
        m->sw = i < w->first_sw1 ? 0 : i < w->first_wifi ? 1 : -1;
        m->port = i < w->first_sw1 ? i + 2 : i - w->first_sw1 + 2;
        m->host = 20 + i;
        m->start_ms = w->t0 + acc_rng_ms(r, 0, 59);
    }
}

/* Clock skew, lossy delivery, a brief collector restart: what any timeline may also have. */
/* Returns what a Windows target's update client says once it merely reports (NULL: nothing). */
static const char *modifiers(struct acc_timeline *tl, struct acc_rng *r, int target, int64_t s,
                             int wu_free)
{
    const char *wu = NULL;
    struct acc_world *w = &tl->w;
    char *p = tl->modifiers;
    size_t left = sizeof(tl->modifiers);
    int n;
    if (w->interval_s != 60 && left > 1) {
        n = snprintf(p, left, "interval30 ");
        p += n, left -= (size_t)n;
    }
    if (target >= 0) {
        unsigned roll = acc_rng_below(r, 100);
        int64_t skew = roll < 20   ? 2 * 3600000LL
                       : roll < 25 ? -3600000LL
                       : roll < 35 ? -3 * MIN
                       : roll < 45 ? 40000
                                   : 0;
        w->m[target].skew_ms = skew;
        if (skew && left > 1) {
            n = snprintf(p, left, "skew%+llds ", (long long)(skew / 1000));
            p += n, left -= (size_t)n;
        }
        if (acc_rng_chance(r, 20)) {
            w->m[target].lossy = 10;
            if (left > 1) {
                n = snprintf(p, left, "lossy ");
                p += n, left -= (size_t)n;
            }
        }
    }
    if (acc_rng_chance(r, 10) && left > 1) {
        int64_t at = s - 5 * MIN;
        acc_inc(tl, INC_COLLECTOR_KILL, -1, -1, at, at + 20000);
        n = snprintf(p, left, "collector-restart ");
        p += n, left -= (size_t)n;
    }
    /* Its update client had a problem of its own all along (one that outlives a reboot): the
     * silence is still answered by its own evidence, and once back the client's story. */
    if (target >= 0 && wu_free && w->m[target].windows && acc_rng_chance(r, 15)) {
        unsigned k = acc_rng_below(r, 3);
        int64_t before = w->t0 - 30 * MIN;
        if (k == 0) {
            acc_inc(tl, INC_WU_SCAN_FAIL, target, -1, before, ACC_NEVER)->code = 0x8024401C;
            wu = "update_scan_failing";
        } else if (k == 1) {
            acc_inc(tl, INC_WU_POLICY, target, -1, before, ACC_NEVER)->code = WU_USE_WU_OFF;
            wu = "update_client_elsewhere";
        } else {
            acc_inc(tl, INC_UPDSVC_STOPPED, target, -1, before, ACC_NEVER)->code = 1;
            wu = "update_service_disabled";
        }
        if (left > 1)
            snprintf(p, left, "wu-%s ", k == 0 ? "scanfail" : k == 1 ? "elsewhere" : "disabled");
    }
    return wu;
}

/* Unrelated events on the same switch after the return: the past answer must not move. */
static void later_noise(struct acc_timeline *tl, struct acc_rng *r, int64_t after, int a, int b)
{
    if (!acc_rng_chance(r, 60))
        return;
    /* Two others on switch 1 (it has at least four machines; targets are among the first). */
    int n1 = tl->w.first_sw1 - 1, n2 = tl->w.first_sw1 - 2;
    if (n2 == a || n2 == b)
        n2 = n1 - 2 == a || n1 - 2 == b ? n1 - 3 : n1 - 2;
    int64_t h = after + acc_rng_ms(r, 60, 240);
    acc_inc(tl, INC_HIBERNATE, n1, -1, h, h + 12 * MIN);
    acc_inc(tl, INC_CABLE, n2, -1, h + MIN, h + 7 * MIN);
    /* The machine itself goes to sleep minutes after its history was first asked. */
    if (a >= 0 && acc_rng_chance(r, 50)) {
        int64_t z = after + acc_rng_ms(r, 0, 90);
        acc_inc(tl, INC_HIBERNATE, a, -1, z, z + 6 * MIN);
    }
}

static int wired_target(struct acc_rng *r)
{
    return (int)acc_rng_below(r, 3);
}

static int any_target(struct acc_rng *r, const struct acc_world *w)
{
    return acc_rng_chance(r, 75) ? wired_target(r) : w->first_wifi;
}

/* When to ask while the silence lasts: mostly minutes into it, sometimes as soon as the
 * machine is overdue (three intervals), before its neighbours may be. */
static int64_t ask_in(struct acc_rng *r, const struct acc_world *w, int64_t s, int64_t e)
{
    int64_t lo = s + 5 * MIN, hi = e - MIN;
    if (e - s < 8 * MIN || acc_rng_chance(r, 30))
        return s + 3 * (int64_t)w->interval_s * 1000 + acc_rng_ms(r, 30, 90);
    return hi > lo ? lo + acc_rng_ms(r, 0, (hi - lo) / 1000) : lo;
}

enum scen {
    SC_SHUTDOWN,
    SC_POWER_CUT,
    SC_HIBERNATE,
    SC_SLEEP,
    SC_SLEEP_SILENT,
    SC_FAST_STARTUP,
    SC_MODERN_STANDBY,
    SC_CABLE,
    SC_CABLE_LONG,
    SC_PORT_ONE,
    SC_PORTS_GROUP,
    SC_SWITCH_DOWN,
    SC_UPLINK,
    SC_UPLINK_HIB_BEFORE,
    SC_UPLINK_HIB_DURING,
    SC_ROOM_POWER,
    SC_DHCP,
    SC_ROUTE,
    SC_FLAP,
    SC_WIFI_AUTH,
    SC_AP_AUTH,
    SC_MOVE,
    SC_NEVER_RETURNS,
    SC_ADMIN_DOWN,
    SC_AGENT_STOP,
    SC_AGENT_CRASH,
    SC_COLLECTOR_KILL,
    SC_COLLECTOR_STOP,
    SC_WSUS_503,
    SC_WSUS_REFUSED,
    SC_UPDSVC,
    SC_NO_AGENT,
    SC_PORT_WSUS503,
    SC_CRASH_IN_CABLE,
    SC_HIB_COLLECTOR,
    SC_STOP_THEN_CRASH,
    SC_CABLE_NEIGHBOUR_OFF,
    SC_MOVE_PORT,
    SC_WU_ELSEWHERE,
    SC_WU_GPO_LOST,
    SC_WU_CLONE,
    SC_WU_SCAN_FAIL,
    SC_WU_503,
    SC_WU_RESTART,
    SC_COUNT_
};

static const char *const scen_names[SC_COUNT_] = {"shutdown",
                                                  "power_cut",
                                                  "hibernate",
                                                  "sleep",
                                                  "sleep_silent",
                                                  "fast_startup",
                                                  "modern_standby",
                                                  "cable",
                                                  "cable_long",
                                                  "port_one",
                                                  "ports_group",
                                                  "switch_down",
                                                  "uplink",
                                                  "uplink+hib_before",
                                                  "uplink+hib_during",
                                                  "room_power",
                                                  "dhcp_lost",
                                                  "route_lost",
                                                  "faulty_adapter",
                                                  "wifi_8021x",
                                                  "ap_8021x",
                                                  "move",
                                                  "never_returns",
                                                  "adapter_disabled",
                                                  "agent_stop",
                                                  "agent_crash",
                                                  "collector_kill",
                                                  "collector_stop",
                                                  "wsus_503",
                                                  "wsus_refused",
                                                  "update_service",
                                                  "no_agent",
                                                  "port+wsus_503",
                                                  "crash_in_cable",
                                                  "hibernate+collector",
                                                  "stop_then_crash",
                                                  "cable+neighbour_off",
                                                  "move_port",
                                                  "wu_elsewhere",
                                                  "wu_gpo_lost",
                                                  "wu_clone",
                                                  "wu_scan_fail",
                                                  "wu_503_scans",
                                                  "wu_restart"};

/* The machine asked about while its silence lasts. */
#define ASK_NOW(tl, m, s, e, r, now_capped, ...)                                                   \
    acc_item(tl, PHASE_NOW, m, ask_in(r, &(tl)->w, s, e), 0, now_capped, __VA_ARGS__, NULL)

/* Issue 10's scenarios: timeline index of seed is scenario sc, as it always was. */
static void existing_make(uint64_t seed, unsigned index, enum scen sc, struct acc_timeline *tl)
{
    struct acc_rng r;
    memset(tl, 0, sizeof(*tl));
    tl->seed = seed;
    tl->index = index;
    tl->cls = CLASS_EXISTING;
    acc_rng_seed(&r, seed, index);
    fleet(tl, &r);
    struct acc_world *w = &tl->w;
    tl->scenario = scen_names[sc];
    int64_t s = w->t0 + 15 * MIN + acc_rng_ms(&r, 0, 300);
    /* Mostly minutes; sometimes just over three heartbeats, sometimes hours. */
    unsigned len = acc_rng_below(&r, 10);
    int64_t e = s + (len == 0   ? acc_rng_ms(&r, 330, 420)
                     : len == 1 ? acc_rng_ms(&r, 2 * 3600, 4 * 3600)
                                : acc_rng_ms(&r, 8 * 60, 30 * 60));
    int m = -1, m2 = -1, last = 0;
    int64_t end_at = 0; /* when the last silence ends (0: at e) */

    switch (sc) {
    case SC_SHUTDOWN:
        m = any_target(&r, w);
        acc_inc(tl, INC_SHUTDOWN, m, -1, s, e);
        ASK_NOW(tl, m, s, e, &r, 0, "turned_off");
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "turned_off", NULL);
        break;
    case SC_POWER_CUT:
        m = wired_target(&r);
        acc_inc(tl, INC_POWER_CUT, m, -1, s, e);
        ASK_NOW(tl, m, s, e, &r, 1, "turned_off", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "turned_off", NULL);
        break;
    case SC_HIBERNATE:
    case SC_SLEEP: {
        /* Windows tells a service only "suspend"; its log names sleep or hibernation, when
         * already written. Unnamed, sleep, hibernation and a Fast Startup shutdown look alike
         * until the resume. */
        const char *t = sc == SC_HIBERNATE ? "hibernation" : "sleep";
        m = any_target(&r, w);
        struct acc_incident *x =
            acc_inc(tl, sc == SC_HIBERNATE ? INC_HIBERNATE : INC_SLEEP, m, -1, s, e);
        x->unnamed = acc_rng_chance(&r, 50);
        if (w->m[m].windows && x->unnamed)
            ASK_NOW(tl, m, s, e, &r, 1, t, "sleep", "hibernation", "turned_off");
        else
            ASK_NOW(tl, m, s, e, &r, 0, t);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, t, NULL);
        break;
    }
    case SC_SLEEP_SILENT:
        m = wired_target(&r);
        acc_inc(tl, INC_SLEEP_SILENT, m, -1, s, e);
        ASK_NOW(tl, m, s, e, &r, 1, "sleep", NOGASP_WIRED);
        /* A clock gap says asleep; not whether it was sleep or hibernation. */
        acc_item(tl, PHASE_HISTORY, m, s, e, 1, "sleep", "hibernation", NULL);
        break;
    case SC_FAST_STARTUP: {
        /* Logged in time, the gasp is a shutdown; else a plain suspend, and only the hybrid
         * boot on return says it was a shutdown. */
        m = wired_target(&r);
        w->m[m].windows = 1;
        struct acc_incident *x = acc_inc(tl, INC_FAST_STARTUP, m, -1, s, e);
        x->unnamed = acc_rng_chance(&r, 50);
        if (!x->unnamed)
            ASK_NOW(tl, m, s, e, &r, 0, "turned_off");
        else
            ASK_NOW(tl, m, s, e, &r, 1, "turned_off", "sleep", "hibernation");
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "turned_off", NULL);
        break;
    }
    case SC_MODERN_STANDBY:
        m = any_target(&r, w);
        w->m[m].windows = 1;
        acc_inc(tl, INC_MODERN_STANDBY, m, -1, s, e);
        ASK_NOW(tl, m, s, e, &r, 0, "sleep");
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "sleep", NULL);
        break;
    case SC_CABLE:
    case SC_CABLE_LONG:
    case SC_PORT_ONE:
        m = wired_target(&r);
        if (sc == SC_CABLE_LONG) /* long enough for a WSUS probe made offline */
            e = s + acc_rng_ms(&r, 20 * 60, 40 * 60);
        acc_inc(tl, sc == SC_PORT_ONE ? INC_PORT_SHUT : INC_CABLE, m, -1, s, e);
        {
            const char *t = sc == SC_PORT_ONE ? "port_disabled" : "cable_unplugged";
            ASK_NOW(tl, m, s, e, &r, 1, t, NOGASP_WIRED);
            acc_item(tl, PHASE_HISTORY, m, s, e, 1, t, "cable_unplugged", "port_disabled", NULL);
        }
        break;
    case SC_PORTS_GROUP: {
        /* Two or three ports, at least two machines of the switch still reporting. */
        int k = 2 + (int)acc_rng_below(&r, w->first_sw1 >= 5 ? 2 : 1);
        for (int i = 0; i < k; i++) {
            acc_inc(tl, INC_PORT_SHUT, i, -1, s, e);
            if (i < 2) {
                ASK_NOW(tl, i, s, e, &r, 1, "port_disabled", GROUP_SET);
                acc_item(tl, PHASE_HISTORY, i, s, e, 0, "port_disabled", NULL);
            }
        }
        m = 0, m2 = 1;
        break;
    }
    case SC_SWITCH_DOWN:
    case SC_UPLINK:
    case SC_ROOM_POWER:
    case SC_UPLINK_HIB_BEFORE:
    case SC_UPLINK_HIB_DURING: {
        enum acc_inc_kind k = sc == SC_SWITCH_DOWN  ? INC_SWITCH_DOWN
                              : sc == SC_ROOM_POWER ? INC_ROOM_POWER
                                                    : INC_UPLINK;
        acc_inc(tl, k, -1, 0, s, e);
        const char *t = sc == SC_ROOM_POWER ? "turned_off" : "lost_connectivity";
        for (int i = 0; i < 2; i++) {
            ASK_NOW(tl, i, s, e, &r, 1, t, SWITCH_SET);
            if (sc == SC_SWITCH_DOWN)
                acc_item(tl, PHASE_HISTORY, i, s, e, 0, t, "port_disabled", NULL);
            else
                acc_item(tl, PHASE_HISTORY, i, s, e, 0, t, NULL);
        }
        m = 0, m2 = 1;
        if (sc == SC_UPLINK_HIB_BEFORE) {
            /* Machine 3 went to hibernate (gasp delivered) just before the uplink failed. */
            int h = w->first_sw1 - 1;
            acc_inc(tl, INC_HIBERNATE, h, -1, s - 2 * MIN, e + 5 * MIN);
            ASK_NOW(tl, h, s, e, &r, 0, "hibernation");
            acc_item(tl, PHASE_HISTORY, h, s - 2 * MIN, e + 5 * MIN, 0, "hibernation", NULL);
            end_at = e + 5 * MIN;
        } else if (sc == SC_UPLINK_HIB_DURING) {
            /* Machine 3 hibernates while cut off: its gasp cannot leave, its return says so. */
            int h = w->first_sw1 - 1;
            acc_inc(tl, INC_HIBERNATE, h, -1, s + 3 * MIN, e + 5 * MIN);
            acc_item(tl, PHASE_NOW, h, ask_in(&r, w, s + 3 * MIN, e), 0, 1, "lost_connectivity",
                     SWITCH_SET, "hibernation", NULL);
            acc_item(tl, PHASE_HISTORY, h, s, e + 5 * MIN, 0, "lost_connectivity", "hibernation",
                     NULL);
            end_at = e + 5 * MIN;
        }
        break;
    }
    case SC_DHCP:
    case SC_ROUTE:
        m = any_target(&r, w);
        acc_inc(tl, sc == SC_DHCP ? INC_DHCP_LOST : INC_ROUTE_LOST, m, -1, s, e);
        if (w->m[m].wireless)
            ASK_NOW(tl, m, s, e, &r, 1, "lost_connectivity", NOGASP_WIFI);
        else
            ASK_NOW(tl, m, s, e, &r, 1, "lost_connectivity", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "lost_connectivity", NULL);
        break;
    case SC_FLAP:
        m = wired_target(&r);
        e = s + 5 * MIN + acc_rng_ms(&r, 8 * 60, 25 * 60);
        acc_inc(tl, INC_FLAP, m, -1, s, e);
        /* Errors and flaps were delivered between the drops: likely the adapter, not sure. */
        acc_item(tl, PHASE_NOW, m, ask_in(&r, w, s + 5 * MIN, e), 0, 1, "faulty_adapter",
                 "cable_unplugged", "port_disabled", "lost_connectivity", "turned_off", NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "faulty_adapter", NULL);
        break;
    case SC_WIFI_AUTH:
        m = w->first_wifi + (int)acc_rng_below(&r, (unsigned)(w->n - w->first_wifi));
        acc_inc(tl, INC_WIFI_AUTH, m, -1, s, e)->code = 23;
        ASK_NOW(tl, m, s, e, &r, 1, "wireless_association", NOGASP_WIFI);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "wireless_association", NULL);
        break;
    case SC_AP_AUTH:
        acc_inc(tl, INC_AP_AUTH, -1, -1, s, e)->code = 23;
        for (int i = w->first_wifi; i < w->first_wifi + 2; i++) {
            ASK_NOW(tl, i, s, e, &r, 1, "wireless_association", AP_SET);
            acc_item(tl, PHASE_HISTORY, i, s, e, 0, "wireless_association", NULL);
        }
        m = w->first_wifi, m2 = w->first_wifi + 1;
        break;
    case SC_MOVE: {
        m = wired_target(&r);
        struct acc_incident *i = acc_inc(tl, INC_MOVE, m, -1, s, e);
        i->to_sw = 2;
        i->to_port = 10 + (int)acc_rng_below(&r, 30);
        ASK_NOW(tl, m, s, e, &r, 1, "removed", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "removed", NULL);
        break;
    }
    case SC_NEVER_RETURNS: {
        m = wired_target(&r);
        struct acc_incident *i = acc_inc(tl, INC_MOVE, m, -1, s, ACC_NEVER);
        i->to_sw = 2;
        acc_item(tl, PHASE_NOW, m, s + 6 * MIN, 0, 1, "removed", NOGASP_WIRED, NULL);
        acc_item(tl, PHASE_NOW, m, s + 40 * MIN, 0, 1, "removed", NOGASP_WIRED, NULL);
        end_at = s + 40 * MIN;
        last = 1;
        break;
    }
    case SC_ADMIN_DOWN:
        m = any_target(&r, w);
        acc_inc(tl, INC_ADMIN_DOWN, m, -1, s, e);
        if (w->m[m].wireless)
            ASK_NOW(tl, m, s, e, &r, 1, "adapter_disabled", NOGASP_WIFI);
        else
            ASK_NOW(tl, m, s, e, &r, 1, "adapter_disabled", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "adapter_disabled", NULL);
        break;
    case SC_AGENT_STOP:
        m = any_target(&r, w);
        acc_inc(tl, INC_AGENT_STOP, m, -1, s, e);
        ASK_NOW(tl, m, s, e, &r, 0, "agent_stopped");
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "agent_stopped", NULL);
        break;
    case SC_AGENT_CRASH:
        m = any_target(&r, w);
        acc_inc(tl, INC_AGENT_CRASH, m, -1, s, e);
        if (w->m[m].wireless)
            ASK_NOW(tl, m, s, e, &r, 1, "agent_crashed", NOGASP_WIFI);
        else
            ASK_NOW(tl, m, s, e, &r, 1, "agent_crashed", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "agent_crashed", NULL);
        break;
    case SC_COLLECTOR_KILL:
    case SC_COLLECTOR_STOP: {
        e = s + acc_rng_ms(&r, 6 * 60, 20 * 60);
        acc_inc(tl, sc == SC_COLLECTOR_KILL ? INC_COLLECTOR_KILL : INC_COLLECTOR_STOP, -1, -1, s,
                e);
        const int who[] = {0, w->first_sw1, w->first_wifi};
        for (int i = 0; i < 3; i++) {
            /* Asked just after the restart: agents still in their backoff look silent. */
            acc_item(tl, PHASE_NOW, who[i], e + 20000, 0, 0, "collector_unavailable", "reporting",
                     NULL);
            acc_item(tl, PHASE_HISTORY, who[i], s, e, 0, "collector_unavailable", NULL);
        }
        m = 0, m2 = w->first_sw1;
        break;
    }
    case SC_WSUS_503:
    case SC_WSUS_REFUSED: {
        e = s + 40 * MIN;
        acc_inc(tl, sc == SC_WSUS_503 ? INC_WSUS_503 : INC_WSUS_REFUSED, -1, -1, s, e);
        const int who[] = {0, w->first_sw1, w->first_wifi};
        for (int i = 0; i < 3; i++)
            acc_item(tl, PHASE_NOW, who[i], s + 17 * MIN + acc_rng_ms(&r, 0, 600), 0, 0,
                     sc == SC_WSUS_503 ? "wsus_unavailable" : "wsus_unreachable", NULL);
        end_at = s + 30 * MIN;
        last = 1;
        break;
    }
    case SC_UPDSVC: {
        /* Stopped is what its Manual (trigger start) type does between scans; Disabled is the
         * finding. */
        m = any_target(&r, w);
        w->m[m].windows = 1; /* only Windows tells the update service's state */
        struct acc_incident *x = acc_inc(tl, INC_UPDSVC_STOPPED, m, -1, s, e + 30 * MIN);
        x->code = (unsigned)acc_rng_chance(&r, 50);
        acc_item(tl, PHASE_NOW, m, s + 4 * MIN, 0, 0,
                 x->code ? "update_service_disabled" : "reporting", NULL);
        end_at = s + 10 * MIN;
        last = 1;
        break;
    }
    case SC_NO_AGENT:
        acc_item(tl, PHASE_NOW, -1, s, 0, 0, "no_agent", NULL);
        acc_item(tl, PHASE_NOW, 1, s, 0, 0, "reporting", NULL);
        end_at = s + 5 * MIN;
        last = 1;
        break;
    case SC_PORT_WSUS503:
        m = wired_target(&r);
        acc_inc(tl, INC_WSUS_503, -1, -1, s - 20 * MIN, e + 20 * MIN);
        acc_inc(tl, INC_PORT_SHUT, m, -1, s, e);
        ASK_NOW(tl, m, s, e, &r, 1, "port_disabled", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 1, "port_disabled", "cable_unplugged", NULL);
        acc_item(tl, PHASE_NOW, w->first_sw1, s + 6 * MIN, 0, 0, "wsus_unavailable", NULL);
        break;
    case SC_CRASH_IN_CABLE: {
        m = wired_target(&r);
        e = s + acc_rng_ms(&r, 12 * 60, 30 * 60);
        acc_inc(tl, INC_CABLE, m, -1, s, e);
        int64_t c = s + acc_rng_ms(&r, 60, 300);
        acc_inc(tl, INC_AGENT_CRASH, m, -1, c, c + acc_rng_ms(&r, 30, 300));
        ASK_NOW(tl, m, s, e, &r, 1, "cable_unplugged", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 1, "cable_unplugged", "port_disabled", NULL);
        break;
    }
    case SC_HIB_COLLECTOR: {
        m = wired_target(&r);
        e = s + acc_rng_ms(&r, 25 * 60, 40 * 60);
        acc_inc(tl, INC_HIBERNATE, m, -1, s, e);
        acc_inc(tl, INC_COLLECTOR_KILL, -1, -1, s + 5 * MIN, s + 15 * MIN);
        acc_item(tl, PHASE_NOW, m, s + 17 * MIN, 0, 0, "hibernation", NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "hibernation", NULL);
        acc_item(tl, PHASE_HISTORY, w->first_sw1, s + 5 * MIN, s + 15 * MIN, 0,
                 "collector_unavailable", NULL);
        break;
    }
    case SC_STOP_THEN_CRASH: {
        /* Stopped, restarted, later killed and restarted: each silence by its own evidence. */
        m = any_target(&r, w);
        int64_t e1 = s + acc_rng_ms(&r, 8 * 60, 12 * 60), c = e1 + 10 * MIN;
        e = c + acc_rng_ms(&r, 8 * 60, 15 * 60);
        acc_inc(tl, INC_AGENT_STOP, m, -1, s, e1);
        acc_inc(tl, INC_AGENT_CRASH, m, -1, c, e);
        ASK_NOW(tl, m, s, e1, &r, 0, "agent_stopped");
        acc_item(tl, PHASE_HISTORY, m, s, e1, 0, "agent_stopped", NULL);
        if (w->m[m].wireless)
            ASK_NOW(tl, m, c, e, &r, 1, "agent_crashed", NOGASP_WIFI);
        else
            ASK_NOW(tl, m, c, e, &r, 1, "agent_crashed", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, c, e, 0, "agent_crashed", NULL);
        break;
    }
    case SC_CABLE_NEIGHBOUR_OFF: {
        /* Two silent on one switch within seconds, for different reasons: no pattern. */
        m = 0;
        int n = 1;
        acc_inc(tl, INC_CABLE, m, -1, s, e);
        acc_inc(tl, INC_SHUTDOWN, n, -1, s + acc_rng_ms(&r, 2, 40), e + 5 * MIN);
        ASK_NOW(tl, m, s, e, &r, 1, "cable_unplugged", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 1, "cable_unplugged", "port_disabled", NULL);
        ASK_NOW(tl, n, s + MIN, e, &r, 0, "turned_off");
        acc_item(tl, PHASE_HISTORY, n, s, e + 5 * MIN, 0, "turned_off", NULL);
        m2 = n;
        end_at = e + 5 * MIN;
        break;
    }
    case SC_MOVE_PORT: {
        /* Another port of the same switch, same subnet: moved all the same. */
        m = wired_target(&r);
        struct acc_incident *i = acc_inc(tl, INC_MOVE, m, -1, s, e);
        i->to_sw = 0;
        i->to_port = 40 + (int)acc_rng_below(&r, 8);
        ASK_NOW(tl, m, s, e, &r, 1, "removed", NOGASP_WIRED);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "removed", NULL);
        break;
    }
    case SC_WU_ELSEWHERE: {
        /* Its policy sends it to Microsoft's servers or another server, from the start or
         * since minutes ago; one machine, so not a GPO that stopped applying to many. */
        m = any_target(&r, w);
        w->m[m].windows = 1;
        int from_start = acc_rng_chance(&r, 50);
        int64_t at = from_start ? w->t0 - MIN : s;
        acc_inc(tl, INC_WU_POLICY, m, -1, at, ACC_NEVER)->code =
            WU_NO_POLICY + acc_rng_below(&r, WU_ROUTE_COUNT_ - WU_NO_POLICY);
        acc_item(tl, PHASE_NOW, m, s + acc_rng_ms(&r, 60, 1200), 0, 0, "update_client_elsewhere",
                 NULL);
        end_at = s + 21 * MIN;
        last = 1;
        break;
    }
    case SC_WU_GPO_LOST: {
        /* The WSUS GPO stops applying to switch 1's room: its clients lose the policy at their
         * next Group Policy refresh, minutes apart. */
        int k = 3 + (int)acc_rng_below(&r, (unsigned)(w->first_sw1 < 5 ? w->first_sw1 : 5) - 2);
        for (int i = 0; i < k; i++) {
            w->m[i].windows = 1;
            acc_inc(tl, INC_WU_POLICY, i, -1, s + acc_rng_ms(&r, 0, 1200), ACC_NEVER)->code =
                WU_NO_POLICY;
        }
        for (int i = 0; i < 2; i++)
            acc_item(tl, PHASE_NOW, i, s + 25 * MIN + acc_rng_ms(&r, 0, 600), 0, 0,
                     "wsus_policy_lost", NULL);
        m = 0, m2 = 1;
        end_at = s + 36 * MIN;
        last = 1;
        break;
    }
    case SC_WU_CLONE: {
        /* Two computers from one image that kept its SusClientId: WSUS sees one. */
        m = wired_target(&r);
        m2 = w->first_sw1;
        w->m[m].windows = w->m[m2].windows = 1;
        memcpy(w->m[m2].sus, w->m[m].sus, sizeof(w->m[m2].sus));
        acc_item(tl, PHASE_NOW, m, s + acc_rng_ms(&r, 0, 600), 0, 0, "duplicate_wsus_identity",
                 NULL);
        acc_item(tl, PHASE_NOW, m2, s + acc_rng_ms(&r, 0, 600), 0, 0, "duplicate_wsus_identity",
                 NULL);
        end_at = s + 11 * MIN;
        last = 1;
        break;
    }
    case SC_WU_SCAN_FAIL: {
        /* One client's scan fails with a code from Microsoft's pages (its WSUS answers the
         * agent's probe: the cause is on the client's side of the conversation). */
        static const unsigned codes[] = {0x8024401C, 0x80072EE2, 0x8024402C, 0x8024401B,
                                         0x80072EFD, 0x80072F8F, 0x80240438, 0x80244022,
                                         0x8024500C, 0x800B0109, 0x80244019};
        m = any_target(&r, w);
        w->m[m].windows = 1;
        acc_inc(tl, INC_WU_SCAN_FAIL, m, -1, s, ACC_NEVER)->code =
            codes[acc_rng_below(&r, sizeof(codes) / sizeof(codes[0]))];
        acc_item(tl, PHASE_NOW, m, s + acc_rng_ms(&r, 60, 1200), 0, 0, "update_scan_failing", NULL);
        end_at = s + 21 * MIN;
        last = 1;
        break;
    }
    case SC_WU_503: {
        /* WsusPool stopped for 20 minutes and came back: the clients that scanned meanwhile
         * failed with 0x80244022 and stay unreported until their next scan, while the probes
         * succeed again. */
        acc_inc(tl, INC_WSUS_503, -1, -1, s, s + 20 * MIN);
        const int who[] = {0, 1, 2, w->first_sw1};
        for (int i = 0; i < 4; i++) {
            w->m[who[i]].windows = 1;
            acc_inc(tl, INC_WU_SCAN_FAIL, who[i], -1, s + acc_rng_ms(&r, 30, 1150), ACC_NEVER)
                ->code = 0x80244022;
        }
        acc_item(tl, PHASE_NOW, 0, s + 36 * MIN + acc_rng_ms(&r, 0, 300), 0, 0, "wsus_unavailable",
                 NULL);
        acc_item(tl, PHASE_NOW, w->first_sw1, s + 36 * MIN + acc_rng_ms(&r, 0, 300), 0, 0,
                 "wsus_unavailable", NULL);
        m = 0, m2 = w->first_sw1;
        end_at = s + 42 * MIN;
        last = 1;
        break;
    }
    case SC_WU_RESTART:
        m = any_target(&r, w);
        w->m[m].windows = 1;
        acc_inc(tl, INC_WU_RESTART, m, -1, s, ACC_NEVER);
        acc_item(tl, PHASE_NOW, m, s + acc_rng_ms(&r, 60, 1200), 0, 0, "restart_pending", NULL);
        end_at = s + 21 * MIN;
        last = 1;
        break;
    case SC_COUNT_:
        break;
    }
    if (!end_at)
        end_at = e;
    /* The room's power took the switch with it: the network team at the switch is as right as
     * the admin at the desks. */
    for (int k = 0; sc == SC_ROOM_POWER && k < tl->n_items; k++)
        tl->items[k].places = PLACE_NETWORK | PLACE_MACHINE;
    /* Once back, `why` must say it reports (or what WSUS does to everyone then): a WSUS probe
     * that failed while the machine was offline is not a WSUS problem. */
    for (int k = 0, n = tl->n_items; k < n; k++) {
        const struct acc_item *h = &tl->items[k];
        if (h->phase != PHASE_HISTORY)
            continue;
        const char *t = "reporting";
        int64_t at = h->inc_end + 7 * MIN;
        for (int j = 0; j < w->n_inc; j++)
            if (at >= w->inc[j].start && at < w->inc[j].end)
                t = w->inc[j].kind == INC_WSUS_503       ? "wsus_unavailable"
                    : w->inc[j].kind == INC_WSUS_REFUSED ? "wsus_unreachable"
                                                         : t;
        acc_item(tl, PHASE_BACK, h->machine, h->inc_start, h->inc_end, 0, t, NULL);
    }
    /* A healthy neighbour on another switch, asked at the same time: it is reporting. */
    if (tl->n_items && tl->items[0].phase == PHASE_NOW && sc != SC_NO_AGENT &&
        sc != SC_COLLECTOR_KILL && sc != SC_COLLECTOR_STOP && sc != SC_WSUS_503 &&
        sc != SC_WSUS_REFUSED && sc != SC_PORT_WSUS503) {
        /* Within the agents' retry backoff after a collector outage, a neighbour that has not
         * delivered again is silent as far as the collector knows: the collector's doing. */
        int64_t at = tl->items[0].ask_at;
        const char *also = NULL;
        for (int j = 0; j < w->n_inc; j++)
            if ((w->inc[j].kind == INC_COLLECTOR_KILL || w->inc[j].kind == INC_COLLECTOR_STOP) &&
                at >= w->inc[j].start && at < w->inc[j].end + 10 * MIN)
                also = "collector_unavailable";
        acc_item(tl, PHASE_NOW, w->first_sw1 + 1, at, 0, 0, "reporting", also, NULL);
    }
    const char *wu = modifiers(tl, &r, m, s, sc < SC_WU_ELSEWHERE && sc != SC_UPDSVC);
    for (int k = 0; wu && k < tl->n_items; k++) {
        struct acc_item *it = &tl->items[k];
        for (int j = 0; it->machine == m && j < it->n_accept; j++)
            if (strcmp(it->accept[j], "reporting") == 0)
                it->accept[j] = wu;
        it->truth = it->accept[0];
    }
    /* A Windows machine whose clock is more than Kerberos' default 5 minutes off is worth an
     * admin's fix where it otherwise merely reports (HTTPS to WSUS checks certificates against
     * that clock; WSUS records the times it reports); an update client's own failure comes
     * first. */
    for (int k = 0; k < tl->n_items; k++) {
        struct acc_item *it = &tl->items[k];
        if (it->machine < 0 || !w->m[it->machine].windows ||
            (w->m[it->machine].skew_ms < 5 * MIN && w->m[it->machine].skew_ms > -5 * MIN))
            continue;
        for (int j = 0; j < it->n_accept; j++)
            if (strcmp(it->accept[j], "reporting") == 0)
                it->accept[j] = "clock_off";
        it->truth = it->accept[0];
    }
    if (!last)
        later_noise(tl, &r, end_at + 8 * MIN, m, m2);
    w->t_end = end_at + (last ? 2 * MIN : 30 * MIN);
}

/* --- class switch: issue 10's scenarios where the switch has something to say, on switches
 * that speak in their own ways (acc.h, enum acc_talk), and the switch's own cases. --- */

void acc_item_switch(struct acc_item *it, unsigned words, int64_t from, int capped,
                     const char *truth, ...)
{
    it->sw_word = words;
    it->sw_from = from;
    it->sw_capped = capped;
    it->sw_n = 0;
    it->sw_accept[it->sw_n++] = truth;
    va_list ap;
    va_start(ap, truth);
    for (const char *x; (x = va_arg(ap, const char *)) && it->sw_n < ACC_SET_MAX;)
        it->sw_accept[it->sw_n++] = x;
    va_end(ap);
}

/* Replaces an item's set (the answer without the switch's word). */
static void re_set(struct acc_item *it, int capped, const char *truth, ...)
{
    it->n_accept = 0;
    it->truth = it->accept[it->n_accept++] = truth;
    va_list ap;
    va_start(ap, truth);
    for (const char *x; (x = va_arg(ap, const char *)) && it->n_accept < ACC_SET_MAX;)
        it->accept[it->n_accept++] = x;
    va_end(ap);
    it->capped = capped;
    it->alt_need = capped ? (it->n_accept - 1 < 2 ? it->n_accept - 1 : 2) : 0;
}

#define W(x) (1u << (x))
/* The link lost with the port enabled: anything but the port (or the agent alone). */
#define LOST_SET "cable_unplugged", "turned_off", "faulty_adapter", "removed", "adapter_disabled"

static const struct {
    const char *name;
    enum scen base;
} sw_scen[] = {
    {"sw_port_one", SC_PORT_ONE},
    {"sw_ports_group", SC_PORTS_GROUP},
    {"sw_cable", SC_CABLE},
    {"sw_power_cut", SC_POWER_CUT},
    {"sw_agent_crash", SC_AGENT_CRASH},
    {"sw_sleep_silent", SC_SLEEP_SILENT},
    {"sw_shutdown", SC_SHUTDOWN},
    {"sw_hibernate", SC_HIBERNATE},
    {"sw_switch_down", SC_SWITCH_DOWN},
    {"sw_uplink", SC_UPLINK},
    {"sw_err_disable", SC_PORT_ONE},
    {"sw_dot1x", SC_PORT_ONE},
    {"sw_adapter_disabled", SC_ADMIN_DOWN},
    {"sw_dhcp_lost", SC_DHCP},
    {"sw_move", SC_MOVE},
    {"sw_room_power", SC_ROOM_POWER},
    {"sw_sleep", SC_SLEEP},
    {"sw_crash_in_cable", SC_CRASH_IN_CABLE},
    {"sw_port+wsus_503", SC_PORT_WSUS503},
    {"sw_cable+neighbour_off", SC_CABLE_NEIGHBOUR_OFF},
};
#define SW_SCEN_COUNT (sizeof(sw_scen) / sizeof(sw_scen[0]))

static void switch_make(uint64_t seed, unsigned index, unsigned k, struct acc_timeline *tl)
{
    existing_make(seed, index, sw_scen[k].base, tl);
    tl->cls = CLASS_SWITCH;
    tl->scenario = sw_scen[k].name;
    struct acc_world *w = &tl->w;
    /* The switches and the machines' Wake-on-LAN from dice of their own: the world above is
     * issue 10's timeline, unchanged. */
    struct acc_rng r;
    acc_rng_seed(&r, seed ^ 0x5717c4ull, index);
    for (int i = 0; i < w->n_sw; i++) {
        struct acc_switch *sw = &w->sw[i];
        unsigned roll = acc_rng_below(&r, 100);
        sw->talk = roll < 25   ? TALK_TRAPS
                   : roll < 35 ? TALK_TRAPS_BARE
                   : roll < 45 ? TALK_TRAPS_PREV
                   : roll < 65 ? TALK_SYSLOG
                   : roll < 80 ? TALK_POLL
                   : roll < 85 ? TALK_TIMEOUT
                               : TALK_NONE;
        sw->poll = sw->talk == TALK_POLL || sw->talk == TALK_TIMEOUT ||
                   (sw->talk != TALK_NONE && acc_rng_chance(&r, 70));
        sw->oob = acc_rng_chance(&r, 30);
        /* Late: informs retried, a loaded switch CPU, a relay: after the agent's own notice
         * or after the silence began. */
        sw->late_ms = acc_rng_chance(&r, 20) ? acc_rng_ms(&r, 5, 40) : acc_rng_ms(&r, 0, 1);
    }
    for (int i = 0; i < w->n; i++)
        w->m[i].wol = acc_rng_chance(&r, 50);
    size_t left = sizeof(tl->modifiers) - strlen(tl->modifiers);
    static const char *const talk_names[TALK_COUNT_] = {
        "none", "traps", "traps-bare", "traps-prev", "syslog", "poll", "timeout"};
    snprintf(tl->modifiers + strlen(tl->modifiers), left, "sw1:%s%s%s ", talk_names[w->sw[0].talk],
             w->sw[0].poll && w->sw[0].talk != TALK_POLL && w->sw[0].talk != TALK_TIMEOUT ? "+poll"
                                                                                          : "",
             w->sw[0].late_ms > 2000 ? "+late" : "");
    /* The incident of the scenario's first machine. */
    struct acc_incident *x = NULL;
    for (int j = 0; j < w->n_inc && !x; j++)
        if (w->inc[j].kind != INC_COLLECTOR_KILL && w->inc[j].kind != INC_WSUS_503 &&
            w->inc[j].kind < INC_WU_POLICY)
            x = &w->inc[j];
    if (!x)
        return;
    int64_t s = x->start;
    if (k == 10) {
        x->kind = INC_ERR_DISABLE;
        x->code = acc_rng_below(&r, ERRDIS_COUNT_);
    } else if (k == 11) {
        x->kind = INC_DOT1X_WIRED;
    }
    for (int i = 0; i < tl->n_items; i++) {
        struct acc_item *it = &tl->items[i];
        int m = it->machine;
        if (m < 0 || w->m[m].wireless || it->phase == PHASE_BACK)
            continue;
        int now = it->phase == PHASE_NOW;
        const char *t = it->truth;
        int silent = strcmp(t, "reporting") != 0 && strcmp(t, "wsus_unavailable") != 0 &&
                     strcmp(t, "clock_off") != 0 && strncmp(t, "update_", 7) != 0;
        if (!silent)
            continue;
        if (!strcmp(t, "port_disabled") && k != 11) {
            /* Shut, or err-disabled: the switch's word settles it. */
            acc_item_switch(it, k == 10 ? W(WORD_ERR) : W(WORD_SHUT), s - 5000, 0, "port_disabled",
                            NULL);
        } else if (k == 11) {
            /* The link stays up, the port closed to it: from the machine, a lease that never
             * came; the switch says 802.1X refused it. */
            if (now)
                re_set(it, 1, "port_disabled", NOGASP_WIRED, NULL);
            else
                re_set(it, 0, "port_disabled", "lost_connectivity", NULL);
            acc_item_switch(it, W(WORD_DOT1X), s - 5000, 0, "port_disabled", "lost_connectivity",
                            NULL);
        } else if (!strcmp(t, "cable_unplugged") && (now || w->m[m].sw >= 0)) {
            if (now)
                acc_item_switch(it, W(WORD_LOST), s - 5000, 1, "cable_unplugged", LOST_SET, NULL);
            else
                acc_item_switch(it, W(WORD_LOST), s - 5000, 1, "cable_unplugged", "faulty_adapter",
                                NULL);
        } else if (now &&
                   (!strcmp(t, "turned_off") || !strcmp(t, "removed") ||
                    !strcmp(t, "adapter_disabled")) &&
                   it->capped) {
            acc_item_switch(it, W(WORD_LOST), s - 5000, 1, t, LOST_SET, NULL);
        } else if (now && !strcmp(t, "agent_crashed")) {
            acc_item_switch(it, W(WORD_UP), s, 1, "agent_crashed", "lost_connectivity", NULL);
        } else if (now && !strcmp(t, "lost_connectivity") && k == 13) {
            acc_item_switch(it, W(WORD_UP), s, 1, "lost_connectivity", "agent_crashed", NULL);
        } else if (now && !strcmp(t, "lost_connectivity") && k == 9) {
            /* The uplink: every port up with its link, nothing beyond the switch: not each
             * machine's agent. */
            acc_item_switch(it, W(WORD_UP), s, 1, "lost_connectivity", NULL);
        } else if (now && !strcmp(t, "sleep") && it->capped) {
            /* No word from the machine: with Wake-on-LAN its link stays, slower. */
            if (w->m[m].wol)
                acc_item_switch(it, W(WORD_SLOW) | W(WORD_UP), s, 1, "sleep", "turned_off",
                                "hibernation", "agent_crashed", NULL);
            else
                acc_item_switch(it, W(WORD_LOST), s - 5000, 1, "sleep", LOST_SET, "hibernation",
                                NULL);
        }
    }
}

static const char *const class_names[CLASS_COUNT_ + 1] = {
    "existing", "restart", "incidents", "after",    "coincidence", "switch", "late_enrolled",
    "moved",    "laptops", "overlap",   "docks",    "clocks",      "chains", "repeats",
    "away",     "lossy",   "collside",  "reimaged", "all"};

const char *acc_class_name(enum acc_class c)
{
    return (unsigned)c <= CLASS_ALL ? class_names[c] : "?";
}

int acc_class_by_name(const char *name)
{
    for (int c = 0; c <= CLASS_ALL; c++)
        if (strcmp(class_names[c], name) == 0)
            return c;
    return -1;
}

unsigned acc_class_scenarios(enum acc_class c)
{
    if (c == CLASS_EXISTING)
        return SC_COUNT_;
    if (c == CLASS_SWITCH)
        return SW_SCEN_COUNT;
    if (c == CLASS_LAPTOPS)
        return acc_laptops_count();
    if (c == CLASS_OVERLAP)
        return acc_overlap_count();
    if (c == CLASS_DOCKS)
        return acc_docks_count();
    if (c == CLASS_CLOCKS)
        return acc_clocks_count();
    if (c == CLASS_CHAINS)
        return acc_chains_count();
    if (c == CLASS_REPEATS)
        return acc_repeats_count();
    if (c == CLASS_AWAY)
        return acc_away_count();
    if (c == CLASS_LOSSY)
        return acc_lossy_count();
    if (c == CLASS_COLLSIDE)
        return acc_collside_count();
    if (c == CLASS_REIMAGED)
        return acc_reimaged_count();
    if (c != CLASS_ALL)
        return acc_worlds_count(c);
    unsigned n = 0;
    for (int k = CLASS_EXISTING; k < CLASS_COUNT_; k++)
        n += acc_class_scenarios((enum acc_class)k);
    return n;
}

void acc_scenario_make(uint64_t seed, unsigned index, enum acc_class cls, struct acc_timeline *tl)
{
    unsigned k = index % acc_class_scenarios(cls);
    if (cls == CLASS_ALL) {
        /* Every class's scenarios in turn: issue 10's first, then the others'. */
        cls = CLASS_EXISTING;
        while (cls < CLASS_COUNT_ && k >= acc_class_scenarios(cls)) {
            k -= acc_class_scenarios(cls);
            cls++;
        }
    }
    if (cls == CLASS_EXISTING) {
        existing_make(seed, index, (enum scen)k, tl);
        return;
    }
    if (cls == CLASS_SWITCH) {
        switch_make(seed, index, k, tl);
        return;
    }
    struct acc_rng r;
    memset(tl, 0, sizeof(*tl));
    tl->seed = seed;
    tl->index = index;
    tl->cls = cls;
    acc_rng_seed(&r, seed, index);
    if (cls == CLASS_REIMAGED) {
        tl->scenario = acc_reimaged_make(tl, &r, k);
        return;
    }
    tl->scenario = cls == CLASS_LAPTOPS    ? acc_laptops_make(tl, &r, k)
                   : cls == CLASS_OVERLAP  ? acc_overlap_make(tl, &r, k)
                   : cls == CLASS_DOCKS    ? acc_docks_make(tl, &r, k)
                   : cls == CLASS_CLOCKS   ? acc_clocks_make(tl, &r, k)
                   : cls == CLASS_CHAINS   ? acc_chains_make(tl, &r, k)
                   : cls == CLASS_REPEATS  ? acc_repeats_make(tl, &r, k)
                   : cls == CLASS_AWAY     ? acc_away_make(tl, &r, k)
                   : cls == CLASS_LOSSY    ? acc_lossy_make(tl, &r, k)
                   : cls == CLASS_COLLSIDE ? acc_collside_make(tl, &r, k)
                                           : acc_worlds_make(tl, &r, cls, k);
}
