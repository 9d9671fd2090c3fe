/* Issue 21's worlds, on fleets of their own size (5-15 machines, or 18-48 on up to six access
 * switches) and heartbeats of 2 s to 60 s: collector restarts and upgrades during silences and
 * during the agents' backoff, several independent incidents at once, neighbours' failures
 * after a silence has ended, and two independent silences on one switch at the offsets
 * independent events have. As in scenario.c, the truth is what an admin would call the cause
 * and a set where the evidence cannot separate causes. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

static int64_t between(struct acc_rng *r, int64_t lo_ms, int64_t hi_ms)
{
    return hi_ms > lo_ms ? lo_ms + acc_rng_ms(r, 0, (hi_ms - lo_ms) / 1000) : lo_ms;
}

/* Small fleets: two access switches with 2-6 and 2-5 machines and 1-3 wireless clients (5-14).
 * Large: 3-6 access switches with 4-8 each and 2-4 wireless clients (14-52, at most 48); two
 * switches share a subnet (a VLAN across them) one time in three. Short heartbeats only where
 * they are realistic: small fleets and tests. */
static void sized_fleet(struct acc_timeline *tl, struct acc_rng *r, int small)
{
    struct acc_world *w = &tl->w;
    static const unsigned small_iv[] = {2, 5, 5, 10, 10, 10, 30, 60, 60, 60};
    static const unsigned large_iv[] = {10, 10, 30, 30, 60, 60, 60, 60};
    w->t0 = BASE_MS + (int64_t)tl->index * 7 * 86400000LL % (300LL * 86400000LL);
    w->interval_s = small ? small_iv[acc_rng_below(r, 10)] : large_iv[acc_rng_below(r, 8)];
    w->n_access = small ? 2 : 3 + (int)acc_rng_below(r, 4);
    int shared = !small && acc_rng_chance(r, 33), n = 0;
    for (int s = 0; s < w->n_access; s++) {
        int c = small ? (s == 0 ? 2 + (int)acc_rng_below(r, 5) : 2 + (int)acc_rng_below(r, 4))
                      : 4 + (int)acc_rng_below(r, 5);
        if (n + c > ACC_MAX_MACHINES - 4)
            c = ACC_MAX_MACHINES - 4 - n;
        w->sw_first[s] = n;
        w->sw_count[s] = c;
        n += c;
    }
    w->n_sw = w->n_access + 1;
    for (int s = 0; s < w->n_sw; s++) {
        int floor = s == w->n_access;
        snprintf(w->sw[s].name, sizeof(w->sw[s].name), floor ? "sw-floor-%d" : "sw-access-%d",
                 floor ? 9 : s + 1);
        snprintf(w->sw[s].chassis, sizeof(w->sw[s].chassis), "9a:fd:23:c3:%02x:%02x",
                 (unsigned)((16 + s) & 255), (unsigned)(tl->index & 255));
        w->sw[s].subnet = floor ? 30 : 11 + s - (shared && s >= 1);
    }
    snprintf(w->ap.bssid, sizeof(w->ap.bssid), "a0:b1:c2:d3:e4:%02x", (unsigned)(tl->index & 255));
    snprintf(w->ap.ssid, sizeof(w->ap.ssid), "Corp");
    w->ap.subnet = 40;
    w->first_sw1 = w->sw_first[1];
    w->first_wifi = n;
    w->n = n + (small ? 1 + (int)acc_rng_below(r, 3) : 2 + (int)acc_rng_below(r, 3));
    for (int i = 0; i < w->n; i++) {
        struct acc_machine *m = &w->m[i];
        acc_machine_name(tl, r, i);
        m->sw = -1;
        for (int s = 0; s < w->n_access; s++)
            if (i >= w->sw_first[s] && i < w->sw_first[s] + w->sw_count[s])
                m->sw = s, m->port = i - w->sw_first[s] + 2;
        m->host = 20 + i;
        m->start_ms = w->t0 + acc_rng_ms(r, 0, 59);
    }
    snprintf(tl->modifiers, sizeof(tl->modifiers), "%s%d-machines interval%u ",
             small ? "small " : "", w->n, w->interval_s);
}

void acc_worlds_fleet(struct acc_timeline *tl, struct acc_rng *r, int small)
{
    sized_fleet(tl, r, small);
}

/* The k-th machine of access switch s (k wraps). */
static int on_sw(const struct acc_world *w, int s, int k)
{
    return w->sw_first[s] + k % w->sw_count[s];
}

/* One machine's own silence [s, e] of kind k, asked about while it lasts (at ask, 0: not) and
 * afterwards; returns the question asked while silent. */
static struct acc_item *solo(struct acc_timeline *tl, enum acc_inc_kind k, int m, int64_t s,
                             int64_t e, int64_t ask)
{
    struct acc_world *w = &tl->w;
    int wifi = w->m[m].wireless;
    struct acc_item *now = NULL;
    acc_inc(tl, k, m, -1, s, e);
    switch (k) {
    case INC_SHUTDOWN:
        if (ask)
            now = acc_item(tl, PHASE_NOW, m, ask, 0, 0, "turned_off", NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "turned_off", NULL);
        break;
    case INC_HIBERNATE:
        if (ask)
            now = acc_item(tl, PHASE_NOW, m, ask, 0, 0, "hibernation", NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "hibernation", NULL);
        break;
    case INC_POWER_CUT:
    case INC_AGENT_CRASH: {
        const char *t = k == INC_POWER_CUT ? "turned_off" : "agent_crashed";
        if (ask && wifi)
            now = acc_item(tl, PHASE_NOW, m, ask, 0, 1, t, NOGASP_WIFI, NULL);
        else if (ask)
            now = acc_item(tl, PHASE_NOW, m, ask, 0, 1, t, NOGASP_WIRED, NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, t, NULL);
        break;
    }
    case INC_CABLE:
    case INC_PORT_SHUT: {
        const char *t = k == INC_CABLE ? "cable_unplugged" : "port_disabled";
        if (ask)
            now = acc_item(tl, PHASE_NOW, m, ask, 0, 1, t, NOGASP_WIRED, NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 1, t, "cable_unplugged", "port_disabled", NULL);
        break;
    }
    default:
        break;
    }
    return now;
}

/* A cause of one machine's silence; a wireless machine has no cable or port of its own. */
static enum acc_inc_kind solo_kind(struct acc_rng *r, int wifi)
{
    static const enum acc_inc_kind wired[] = {INC_PORT_SHUT,   INC_PORT_SHUT, INC_PORT_SHUT,
                                              INC_CABLE,       INC_CABLE,     INC_CABLE,
                                              INC_POWER_CUT,   INC_POWER_CUT, INC_AGENT_CRASH,
                                              INC_AGENT_CRASH, INC_SHUTDOWN,  INC_HIBERNATE};
    static const enum acc_inc_kind air[] = {INC_POWER_CUT, INC_AGENT_CRASH, INC_SHUTDOWN,
                                            INC_HIBERNATE};
    return wifi ? air[acc_rng_below(r, 4)] : wired[acc_rng_below(r, 12)];
}

/* Every machine of access switch s cut off (its uplink, or its power): its first two machines
 * asked about while it lasts (at ask, 0: not) and afterwards. Returns the first question. */
static int whole_switch_items(struct acc_timeline *tl, enum acc_inc_kind k, int s, int64_t a,
                              int64_t b, int64_t ask, int history)
{
    struct acc_world *w = &tl->w;
    int first = tl->n_items;
    for (int j = 0; j < 2 && j < w->sw_count[s]; j++) {
        int m = on_sw(w, s, j);
        /* The room's power: its machines are off, and the switch with them (the network team
         * at the switch is as right as the admin at the desks). */
        const char *t = k == INC_ROOM_POWER ? "turned_off" : "lost_connectivity";
        if (ask)
            acc_item(tl, PHASE_NOW, m, ask, 0, 1, t, SWITCH_SET, NULL)->places =
                PLACE_NETWORK | PLACE_MACHINE;
        if (!history)
            continue;
        if (k == INC_SWITCH_DOWN)
            acc_item(tl, PHASE_HISTORY, m, a, b, 0, t, "port_disabled", NULL);
        else
            acc_item(tl, PHASE_HISTORY, m, a, b, 0, t, NULL)->places =
                k == INC_ROOM_POWER ? PLACE_NETWORK | PLACE_MACHINE : 0;
    }
    return first;
}

static void whole_switch(struct acc_timeline *tl, enum acc_inc_kind k, int s, int64_t a, int64_t b,
                         int64_t ask)
{
    acc_inc(tl, k, -1, s, a, b);
    whole_switch_items(tl, k, s, a, b, ask, 1);
}

static int64_t restart_len(struct acc_rng *r)
{
    unsigned roll = acc_rng_below(r, 100);
    return roll < 60   ? acc_rng_ms(r, 1, 3)
           : roll < 85 ? acc_rng_ms(r, 10, 30)
                       : acc_rng_ms(r, 60, 180); /* an upgrade */
}

/* A collector restart (kill -9 and start, or a clean stop for an upgrade) while a machine is
 * silent for a reason of its own: seconds after it went quiet (within the detection
 * resolution), or once the collector had already found it silent and said why. Its answer
 * must survive the restart. */
static int64_t restart_in_silence(struct acc_timeline *tl, struct acc_rng *r, int early)
{
    struct acc_world *w = &tl->w;
    int m = acc_rng_chance(r, 80) ? on_sw(w, (int)acc_rng_below(r, 2), (int)acc_rng_below(r, 8))
                                  : w->first_wifi;
    int uplink = !w->m[m].wireless && acc_rng_chance(r, 15);
    enum acc_inc_kind k = solo_kind(r, w->m[m].wireless);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), d = restart_len(r);
    int64_t R = early ? s + acc_rng_ms(r, 1, 15) : acc_overdue(w, s) + acc_rng_ms(r, 10, 120);
    int64_t after =
        (R + d + acc_iv(w) + acc_sec(21) > acc_overdue(w, s) ? R + d + acc_iv(w) + acc_sec(21)
                                                             : acc_overdue(w, s)) +
        acc_rng_ms(r, 0, 60);
    int64_t e = s + acc_silence_len(r, w);
    if (e < after + 2 * MIN)
        e = after + 2 * MIN + acc_rng_ms(r, 0, 120);
    acc_inc(tl, acc_rng_chance(r, 50) ? INC_COLLECTOR_KILL : INC_COLLECTOR_STOP, -1, -1, R, R + d);
    struct acc_item *before = NULL, *now;
    int64_t ask0 = R - acc_rng_ms(r, 2, 10);
    if (uplink) {
        int s0 = w->m[m].sw;
        acc_inc(tl, INC_UPLINK, -1, s0, s, e);
        int b0 = early ? -1 : whole_switch_items(tl, INC_UPLINK, s0, s, e, ask0, 0);
        int b1 = whole_switch_items(tl, INC_UPLINK, s0, s, e, after, 1);
        for (int j = 0; b0 >= 0 && j < 2 && j < w->sw_count[s0]; j++)
            tl->items[b1 + 2 * j].same_as = b0 + j + 1;
    } else {
        if (!early)
            before = solo(tl, k, m, s, e, ask0);
        now = early ? solo(tl, k, m, s, e, after)
                    : acc_item(tl, PHASE_NOW, m, after, 0, before->capped, before->truth, NULL);
        if (before) {
            /* The same question, the same set. */
            now->n_accept = before->n_accept;
            memcpy(now->accept, before->accept, sizeof(now->accept));
            now->alt_need = before->alt_need;
            now->same_as = (int)(before - tl->items) + 1;
        }
    }
    snprintf(tl->modifiers + strlen(tl->modifiers), sizeof(tl->modifiers) - strlen(tl->modifiers),
             "%s restart %llds %s ", uplink ? "uplink" : acc_inc_name(k), (long long)(d / 1000),
             early ? "early" : "late");
    return e;
}

/* A collector outage of minutes: the agents back off. Once it is back, healthy machines must
 * report within their grace; one that went silent on its own during the outage stays silent
 * for its own reason. */
static int64_t restart_backoff(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), o = acc_rng_ms(r, 4 * 60, 25 * 60);
    int64_t back = s + o;
    acc_inc(tl, acc_rng_chance(r, 50) ? INC_COLLECTOR_KILL : INC_COLLECTOR_STOP, -1, -1, s, back);
    int h1 = on_sw(w, 1, (int)acc_rng_below(r, 8)), h2 = w->first_wifi;
    int64_t at = back + 3 * acc_iv(w) + acc_rng_ms(r, 15, 45);
    acc_item(tl, PHASE_NOW, h1, at, 0, 0, "reporting", NULL);
    acc_item(tl, PHASE_NOW, h2, at, 0, 0, "reporting", NULL);
    acc_item(tl, PHASE_HISTORY, h1, s, back, 0, "collector_unavailable", NULL);
    int m = on_sw(w, 0, (int)acc_rng_below(r, 8));
    int64_t c = s + between(r, MIN, o - MIN), e = back + acc_rng_ms(r, 5 * 60, 15 * 60);
    acc_inc(tl, INC_CABLE, m, -1, c, e);
    int64_t ask =
        back +
        (3 * acc_iv(w) + acc_sec(30) > acc_sec(90) ? 3 * acc_iv(w) + acc_sec(30) : acc_sec(90)) +
        acc_rng_ms(r, 0, 60);
    acc_item(tl, PHASE_NOW, m, ask, 0, 1, "cable_unplugged", NOGASP_WIRED, NULL);
    /* Silent from the collector's outage on, then for its cable: either may be named. */
    acc_item(tl, PHASE_HISTORY, m, c, e, 1, "cable_unplugged", "port_disabled",
             "collector_unavailable", NULL)
        ->places = PLACE_MACHINE | PLACE_COLLECTOR;
    snprintf(tl->modifiers + strlen(tl->modifiers), sizeof(tl->modifiers) - strlen(tl->modifiers),
             "outage %llds ", (long long)(o / 1000));
    return e;
}

/* When to ask about several silences: once all of them are overdue, three times in ten right
 * then, else minutes later, before the first one ends. */
static int64_t ask_all(struct acc_rng *r, const struct acc_world *w, int64_t last_start,
                       int64_t first_end)
{
    int64_t a = acc_overdue(w, last_start);
    if (acc_rng_chance(r, 30))
        return a + acc_rng_ms(r, 5, 30);
    return between(r, a + acc_sec(30), first_end - MIN);
}

/* Two or three independent incidents at once in different places. */
static int64_t incidents(struct acc_timeline *tl, struct acc_rng *r, unsigned variant)
{
    struct acc_world *w = &tl->w;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), L = acc_silence_len(r, w), e = s + L;
    int A = (int)acc_rng_below(r, (unsigned)w->n_access), B = (A + 1) % w->n_access;
    int wifi = w->first_wifi;
    switch (variant) {
    case 0: { /* an uplink down on one switch while a single port is shut on another */
        int b = on_sw(w, B, (int)acc_rng_below(r, 8));
        int64_t s2 = s + acc_rng_ms(r, 0, 120) - acc_sec(60), e2 = s2 + acc_silence_len(r, w);
        int64_t ask = ask_all(r, w, s > s2 ? s : s2, e < e2 ? e : e2);
        whole_switch(tl, INC_UPLINK, A, s, e, ask);
        solo(tl, INC_PORT_SHUT, b, s2, e2, ask);
        acc_item(tl, PHASE_NOW, wifi, ask, 0, 0, "reporting", NULL);
        return e > e2 ? e : e2;
    }
    case 1: { /* a switch loses power while unrelated machines elsewhere fail */
        int b = on_sw(w, B, (int)acc_rng_below(r, 8));
        int64_t s2 = s + acc_rng_ms(r, 0, 180) - acc_sec(90), e2 = s2 + acc_silence_len(r, w);
        int64_t s3 = s + acc_rng_ms(r, 0, 120) - acc_sec(60), e3 = s3 + acc_silence_len(r, w);
        int64_t first = e < e2 ? e : e2;
        if (e3 < first)
            first = e3;
        int64_t last = s > s2 ? s : s2;
        if (s3 > last)
            last = s3;
        int64_t ask = ask_all(r, w, last, first);
        whole_switch(tl, INC_SWITCH_DOWN, A, s, e, ask);
        solo(tl, INC_CABLE, b, s2, e2, ask);
        solo(tl, acc_rng_chance(r, 50) ? INC_POWER_CUT : INC_AGENT_CRASH, wifi, s3, e3, ask);
        int64_t end = e > e2 ? e : e2;
        return e3 > end ? e3 : end;
    }
    case 2: { /* on one switch, a port shut and, minutes later, another machine's own silence */
        int x = on_sw(w, A, 0), y = on_sw(w, A, 1);
        int64_t s2 = s + acc_rng_ms(r, 2 * 60, 8 * 60), e2 = s2 + acc_silence_len(r, w);
        if (e < s2 + 4 * MIN)
            e = s2 + 4 * MIN + acc_rng_ms(r, 0, 120);
        int64_t ask1 = between(r, acc_overdue(w, s), s2 - acc_sec(10));
        solo(tl, INC_PORT_SHUT, x, s, e, acc_rng_chance(r, 50) ? ask1 : 0);
        enum acc_inc_kind k = acc_rng_chance(r, 50) ? INC_POWER_CUT : INC_AGENT_CRASH;
        int64_t ask = ask_all(r, w, s2, e < e2 ? e : e2);
        solo(tl, k, y, s2, e2, ask);
        acc_item(tl, PHASE_NOW, x, ask, 0, 1, "port_disabled", NOGASP_WIRED, NULL);
        return e > e2 ? e : e2;
    }
    default: { /* a subnet's gateway, or the core: every wired subnet; Wi-Fi still reports, or
                  its access point refuses everyone at the same time */
        int core = acc_rng_chance(r, 50), ap = !core && acc_rng_chance(r, 60);
        int64_t ask = ask_all(r, w, s, e);
        for (int sw = 0; sw < w->n_access; sw++) {
            int sub = w->sw[sw].subnet, seen = 0;
            for (int k = 0; k < sw; k++)
                seen |= w->sw[k].subnet == sub;
            if (seen || (!core && sub != w->sw[A].subnet))
                continue;
            acc_inc(tl, INC_SUBNET, -1, -1, s, e)->subnet = sub;
        }
        for (int sw = 0; sw < w->n_access; sw++) {
            if (!core && w->sw[sw].subnet != w->sw[A].subnet)
                continue;
            int m = on_sw(w, sw, (int)acc_rng_below(r, 8));
            acc_item(tl, PHASE_NOW, m, ask, 0, 1, "lost_connectivity", SWITCH_SET, NULL)->places =
                PLACE_NETWORK | PLACE_MACHINE;
            acc_item(tl, PHASE_HISTORY, m, s, e, 0, "lost_connectivity", NULL);
        }
        if (ap) {
            int64_t s_ap = s + acc_rng_ms(r, 0, 60);
            acc_inc(tl, INC_AP_AUTH, -1, -1, s_ap, e)->code = 23;
            /* A minute after the wired machines' question, but while the access point still
             * refuses (asked at its end, the client was already back) and once overdue. */
            int64_t ask_ap = ask + acc_sec(60);
            if (ask_ap > e - acc_sec(10))
                ask_ap = e - acc_sec(10);
            if (ask_ap < acc_overdue(w, s_ap) + acc_sec(5))
                ask_ap = acc_overdue(w, s_ap) + acc_sec(5);
            acc_item(tl, PHASE_NOW, wifi, ask_ap, 0, 1, "wireless_association", AP_SET, NULL);
            acc_item(tl, PHASE_HISTORY, wifi, s, e, 0, "wireless_association", NULL);
        } else {
            acc_item(tl, PHASE_NOW, wifi, ask, 0, 0, "reporting", NULL);
        }
        snprintf(tl->modifiers + strlen(tl->modifiers),
                 sizeof(tl->modifiers) - strlen(tl->modifiers), "%s ",
                 core ? "core"
                 : ap ? "subnet+ap"
                      : "subnet");
        return e;
    }
    }
}

/* A machine's short silence, told on its return; minutes later its neighbours on the same
 * switch fail together. Its past answer must not move. */
static int64_t after_neighbours(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = (int)acc_rng_below(r, (unsigned)w->n_access), x = on_sw(w, A, 0);
    static const enum acc_inc_kind kinds[] = {INC_CABLE,     INC_CABLE,     INC_CABLE,
                                              INC_PORT_SHUT, INC_PORT_SHUT, INC_AGENT_CRASH,
                                              INC_POWER_CUT, INC_POWER_CUT};
    enum acc_inc_kind k = kinds[acc_rng_below(r, 8)];
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    /* Short heartbeats make short silences; the neighbours then fail a minute or two after
     * its end, well within two minutes of its start. */
    int quick = w->interval_s <= 10;
    int64_t e = acc_overdue(w, s) + (quick ? acc_rng_ms(r, 5, 60) : acc_rng_ms(r, 20, 300));
    int64_t ask =
        e - acc_overdue(w, s) > acc_sec(40) ? between(r, acc_overdue(w, s), e - acc_sec(20)) : 0;
    int64_t wait = 2 * acc_iv(w) + acc_sec(10);
    solo(tl, k, x, s, e, ask);
    tl->items[tl->n_items - 1].wait = wait; /* its history, asked as soon as it is back */
    int64_t f = e + wait + acc_sec(20) + (quick ? acc_rng_ms(r, 0, 150) : acc_rng_ms(r, 0, 8 * 60));
    int64_t g = f + acc_silence_len(r, w);
    unsigned roll = acc_rng_below(r, 4);
    int64_t ask_g = acc_overdue(w, f) + acc_rng_ms(r, 5, 60);
    if (roll < 2 && w->sw_count[A] >= 3) {
        int n = w->sw_count[A] >= 5 ? 2 + (int)acc_rng_below(r, 2) : 2;
        for (int j = 1; j <= n; j++) {
            int y = on_sw(w, A, j);
            acc_inc(tl, INC_PORT_SHUT, y, -1, f, g);
            if (j == 1) {
                acc_item(tl, PHASE_NOW, y, ask_g, 0, 1, "port_disabled", GROUP_SET, NULL);
                acc_item(tl, PHASE_HISTORY, y, f, g, 0, "port_disabled", NULL);
            }
        }
    } else {
        /* The whole switch (its uplink, or its power): the machine goes quiet again too. */
        enum acc_inc_kind sk = roll == 3 ? INC_SWITCH_DOWN : INC_UPLINK;
        acc_inc(tl, sk, -1, A, f, g);
        int y = on_sw(w, A, 1);
        acc_item(tl, PHASE_NOW, y, ask_g, 0, 1, "lost_connectivity", SWITCH_SET, NULL)->places =
            PLACE_NETWORK | PLACE_MACHINE;
        if (sk == INC_SWITCH_DOWN)
            acc_item(tl, PHASE_HISTORY, y, f, g, 0, "lost_connectivity", "port_disabled", NULL);
        else
            acc_item(tl, PHASE_HISTORY, y, f, g, 0, "lost_connectivity", NULL);
    }
    snprintf(tl->modifiers + strlen(tl->modifiers), sizeof(tl->modifiers) - strlen(tl->modifiers),
             "%s then neighbours %llds later ", acc_inc_name(k), (long long)((f - e) / 1000));
    return g;
}

/* Two independent silences on one switch: an agent killed and a cable pulled (or a port
 * shut). Independent events fall anywhere in the quarter hour; three times in ten they are
 * seconds apart, as in the issue (eleven seconds, heartbeat 10 s). */
static int64_t coincidence(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = (int)acc_rng_below(r, (unsigned)w->n_access);
    int x = on_sw(w, A, 0), y = on_sw(w, A, 1);
    int64_t d = acc_rng_chance(r, 30) ? acc_rng_ms(r, 2, 40) : acc_rng_ms(r, 0, 15 * 60);
    int64_t sx = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), sy = sx + d;
    if (acc_rng_chance(r, 50))
        sx = sy, sy = sx - d;
    int64_t ex = (sx > sy ? sx : sy) + acc_silence_len(r, w),
            ey = ex + acc_rng_ms(r, 0, 300) - acc_sec(150);
    int64_t last = sx > sy ? sx : sy;
    if (ey < acc_overdue(w, last) + 2 * MIN)
        ey = acc_overdue(w, last) + 2 * MIN;
    int64_t ask = ask_all(r, w, last, ex < ey ? ex : ey);
    solo(tl, INC_AGENT_CRASH, x, sx, ex, ask);
    solo(tl, acc_rng_chance(r, 80) ? INC_CABLE : INC_PORT_SHUT, y, sy, ey, ask);
    if (w->sw_count[A] >= 3)
        acc_item(tl, PHASE_NOW, on_sw(w, A, 2), ask, 0, 0, "reporting", NULL);
    snprintf(tl->modifiers + strlen(tl->modifiers), sizeof(tl->modifiers) - strlen(tl->modifiers),
             "%llds apart ", (long long)(d / 1000));
    return ex > ey ? ex : ey;
}

/* Late enrollment before a failure (CI's e2e switch_power_and_cable_elsewhere, fixed in
 * 914f309): the agent reaches more machines (a GPO rollout to another floor, laptops back on
 * site) in the very seconds before a switch or the core fails, and they report all along from
 * where they are. A fleet counted as it was at the silence's first report leaves them out and
 * finds everyone else silent: "the collector or the way to it". Or the newcomers are the ones
 * silenced, on the switch that fails. */

/* When a machine that reports throughout enrolls, the failure beginning at s: within the
 * heartbeat before it or seconds after (six times in ten), else minutes before. A wave (a
 * floor's machines reaching the agent's GPO together) enrolls within seconds of its start. */
static int64_t enrol_around(struct acc_rng *r, const struct acc_world *w, int64_t s)
{
    if (acc_rng_chance(r, 60))
        return s - acc_iv(w) + acc_rng_ms(r, 0, (int64_t)w->interval_s + 3);
    return s - acc_rng_ms(r, (int64_t)w->interval_s + 1, 5 * 60);
}

static int64_t enrol_wave(struct acc_rng *r, int64_t wave)
{
    return wave + acc_rng_ms(r, 0, 3);
}

/* When a machine the failure silences enrolls: seconds to minutes before it, delivered. */
static int64_t enrol_before(struct acc_rng *r, const struct acc_world *w, int64_t s)
{
    if (acc_rng_chance(r, 60))
        return s - acc_rng_ms(r, 2, (int64_t)w->interval_s + 5);
    return s - acc_rng_ms(r, (int64_t)w->interval_s + 6, 5 * 60);
}

/* A machine's own silence without a last gasp, seconds from another failure (as in the e2e:
 * a cable elsewhere). */
static enum acc_inc_kind nogasp_kind(struct acc_rng *r, int wifi)
{
    static const enum acc_inc_kind wired[] = {INC_CABLE, INC_CABLE, INC_PORT_SHUT, INC_POWER_CUT,
                                              INC_AGENT_CRASH};
    static const enum acc_inc_kind air[] = {INC_POWER_CUT, INC_AGENT_CRASH};
    return wifi ? air[acc_rng_below(r, 2)] : wired[acc_rng_below(r, 5)];
}

static enum acc_inc_kind switch_failure(struct acc_rng *r)
{
    static const enum acc_inc_kind kinds[] = {INC_SWITCH_DOWN, INC_SWITCH_DOWN, INC_UPLINK,
                                              INC_ROOM_POWER};
    return kinds[acc_rng_below(r, 4)];
}

/* The machines enrolled late: how many, the first of them, and their span. */
struct late {
    int n, first;
    int64_t first_at, lo, hi;
};

/* A machine enrolls (its first report reaches the collector) at `at`: its agent starts as it
 * boots, and on Windows the report waits for DHCP's address (world.c), a few seconds. */
static void late_add(struct acc_world *w, struct late *l, int m, int64_t at)
{
    w->m[m].start_ms = at - (w->m[m].windows ? acc_sec(5) : 0);
    if (!l->n || at < l->first_at)
        l->first = m, l->first_at = at;
    if (!l->n || at < l->lo)
        l->lo = at;
    if (!l->n || at > l->hi)
        l->hi = at;
    l->n++;
}

static void late_note(struct acc_timeline *tl, const struct late *l, int64_t s, const char *what)
{
    snprintf(tl->modifiers + strlen(tl->modifiers), sizeof(tl->modifiers) - strlen(tl->modifiers),
             "%s %d late %+llds..%+llds ", what, l->n, (long long)((l->lo - s) / 1000),
             (long long)((l->hi - s) / 1000));
}

/* A machine that enrolled late and reports: asked once it has been heard for a while. */
static void late_reporting(struct acc_timeline *tl, const struct late *l, int64_t ask)
{
    int64_t at = l->first_at + 2 * acc_iv(&tl->w) + acc_sec(10);
    if (l->n)
        acc_item(tl, PHASE_NOW, l->first, ask > at ? ask : at, 0, 0, "reporting", NULL);
}

/* A switch fails (power, uplink, the room's power) while one machine elsewhere goes quiet on
 * its own seconds apart; of everyone else, all (seven times in ten) or some enrolled around
 * the failure and report all along. */
static int64_t late_switch_elsewhere(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = (int)acc_rng_below(r, (unsigned)w->n_access);
    enum acc_inc_kind k = switch_failure(r);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int x = acc_rng_chance(r, 70)
                ? on_sw(w, (A + 1) % w->n_access, (int)acc_rng_below(r, 8))
                : w->first_wifi + (int)acc_rng_below(r, (unsigned)(w->n - w->first_wifi));
    enum acc_inc_kind xk = nogasp_kind(r, w->m[x].wireless);
    /* Within a heartbeat of the switch (seven times in ten), else within a minute. */
    int64_t sx = acc_rng_chance(r, 70)
                     ? s - acc_iv(w) + acc_rng_ms(r, 0, 2 * (int64_t)w->interval_s)
                     : s - acc_sec(60) + acc_rng_ms(r, 0, 120);
    int64_t ex = sx + acc_silence_len(r, w);
    int all = acc_rng_chance(r, 70);
    int64_t wave = acc_rng_chance(r, 70) ? enrol_around(r, w, s) : 0;
    struct late l = {0};
    for (int i = 0; i < w->n; i++)
        if (w->m[i].sw != A && i != x && (all || acc_rng_chance(r, 50) || !l.n))
            late_add(w, &l, i, wave ? enrol_wave(r, wave) : enrol_around(r, w, s));
    int64_t ask = ask_all(r, w, s > sx ? s : sx, e < ex ? e : ex);
    acc_inc(tl, k, -1, A, s, e);
    whole_switch_items(tl, k, A, s, e, ask, 1);
    solo(tl, xk, x, sx, ex, ask);
    late_reporting(tl, &l, ask);
    late_note(tl, &l, s, acc_inc_name(k));
    return e > ex ? e : ex;
}

/* The core fails (every wired subnet) while the wireless clients, all of them enrolled around
 * it (or some, three times in ten), report. */
static int64_t late_core(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int all = acc_rng_chance(r, 70);
    int64_t wave = acc_rng_chance(r, 70) ? enrol_around(r, w, s) : 0;
    struct late l = {0};
    for (int i = w->first_wifi; i < w->n; i++)
        if (all || acc_rng_chance(r, 50) || !l.n)
            late_add(w, &l, i, wave ? enrol_wave(r, wave) : enrol_around(r, w, s));
    int64_t ask = ask_all(r, w, s, e);
    for (int sw = 0; sw < w->n_access; sw++) {
        int sub = w->sw[sw].subnet, seen = 0;
        for (int k = 0; k < sw; k++)
            seen |= w->sw[k].subnet == sub;
        if (!seen)
            acc_inc(tl, INC_SUBNET, -1, -1, s, e)->subnet = sub;
    }
    for (int sw = 0; sw < w->n_access; sw++) {
        int m = on_sw(w, sw, (int)acc_rng_below(r, 8));
        acc_item(tl, PHASE_NOW, m, ask, 0, 1, "lost_connectivity", SWITCH_SET, NULL)->places =
            PLACE_NETWORK | PLACE_MACHINE;
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "lost_connectivity", NULL);
    }
    late_reporting(tl, &l, ask);
    late_note(tl, &l, s, "core");
    return e;
}

/* The mirror: the newcomers are on the switch that fails, enrolled seconds to minutes before
 * (all of its machines, a new floor, or its first two), while the machines elsewhere, there
 * all along, report; half the time one of them goes quiet on its own seconds apart. */
static int64_t late_silenced(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = (int)acc_rng_below(r, (unsigned)w->n_access);
    enum acc_inc_kind k = switch_failure(r);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int all = acc_rng_chance(r, 60);
    struct late l = {0};
    for (int j = 0; j < w->sw_count[A]; j++)
        if (all || j < 2)
            late_add(w, &l, on_sw(w, A, j), enrol_before(r, w, s));
    int x = -1;
    int64_t sx = s, ex = e;
    if (acc_rng_chance(r, 50)) {
        x = acc_rng_chance(r, 70)
                ? on_sw(w, (A + 1) % w->n_access, (int)acc_rng_below(r, 8))
                : w->first_wifi + (int)acc_rng_below(r, (unsigned)(w->n - w->first_wifi));
        sx = s - acc_iv(w) + acc_rng_ms(r, 0, 2 * (int64_t)w->interval_s);
        ex = sx + acc_silence_len(r, w);
    }
    int64_t ask = ask_all(r, w, sx > s ? sx : s, ex < e ? ex : e);
    acc_inc(tl, k, -1, A, s, e);
    whole_switch_items(tl, k, A, s, e, ask, 1);
    if (x >= 0)
        solo(tl, nogasp_kind(r, w->m[x].wireless), x, sx, ex, ask);
    late_note(tl, &l, s, acc_inc_name(k));
    return ex > e ? ex : e;
}

/* Machines that move (class moved): unplugged from one switch and plugged in on another, with
 * an address of that switch's subnet, around a neighbour's failure. A laptop's user whose desk
 * switch died plugs in on a working floor port or dock; a desk move lands in the very minute a
 * neighbour's cable is pulled. The mover's own silence is the move's; the neighbour's answer is
 * its switch as it was, not as the movers left it. */

/* Unplugged at s, plugged in at e on switch to (a port of its own there). */
static void move_to(struct acc_timeline *tl, int m, int to, int64_t s, int64_t e)
{
    struct acc_incident *i = acc_inc(tl, INC_MOVE, m, -1, s, e);
    i->to_sw = to;
    i->to_port = (to == tl->w.n_access ? 10 : 40) + m;
}

static void moved_note(struct acc_timeline *tl, const char *what, int n, int64_t lo, int64_t hi)
{
    snprintf(tl->modifiers + strlen(tl->modifiers), sizeof(tl->modifiers) - strlen(tl->modifiers),
             "%s %d moved %+llds..%+llds ", what, n, (long long)(lo / 1000),
             (long long)(hi / 1000));
}

/* A switch loses its power (or its uplink) and its users move: every other machine (seven
 * times in ten) or some of them are unplugged 20 s to 3 min later and plugged in on the floor
 * switch 20-90 s after that. The one left behind is asked why once the movers report from
 * their new ports (seven times in ten) or at any time, and afterwards. */
static int64_t moved_off_failed_switch(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = (int)acc_rng_below(r, (unsigned)w->n_access);
    enum acc_inc_kind k = acc_rng_chance(r, 67) ? INC_SWITCH_DOWN : INC_UPLINK;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int x = on_sw(w, A, 0), all = acc_rng_chance(r, 70), n = 0, y = -1;
    int64_t lo = 0, hi = 0;
    for (int j = 1; j < w->sw_count[A]; j++) {
        if (!all && n && !acc_rng_chance(r, 50))
            continue;
        int m = on_sw(w, A, j);
        int64_t out = s + acc_rng_ms(r, 20, 180), in = out + acc_rng_ms(r, 20, 90);
        move_to(tl, m, w->n_access, out, in);
        if (!n || in > hi)
            hi = in, y = m;
        if (!n || out < lo)
            lo = out;
        n++;
    }
    /* The movers heard from their new ports (two heartbeats after the last plugs in), the one
     * left behind surely overdue. */
    int64_t heard = hi + 2 * acc_iv(w) + acc_sec(10);
    if (e < heard + 4 * MIN)
        e = heard + 4 * MIN;
    if (heard < acc_overdue(w, s) + acc_sec(5))
        heard = acc_overdue(w, s) + acc_sec(5);
    int64_t ask = acc_rng_chance(r, 70) ? heard + acc_rng_ms(r, 0, 60) : ask_all(r, w, s, e);
    acc_inc(tl, k, -1, A, s, e);
    acc_item(tl, PHASE_NOW, x, ask, 0, 1, "lost_connectivity", SWITCH_SET, NULL)->places =
        PLACE_NETWORK | PLACE_MACHINE;
    if (k == INC_SWITCH_DOWN)
        acc_item(tl, PHASE_HISTORY, x, s, e, 0, "lost_connectivity", "port_disabled", NULL);
    else
        acc_item(tl, PHASE_HISTORY, x, s, e, 0, "lost_connectivity", NULL);
    acc_item(tl, PHASE_NOW, y, heard, 0, 0, "reporting", NULL);
    moved_note(tl, acc_inc_name(k), n, lo - s, hi - s);
    return e;
}

/* One machine's cable pulled (or its port shut) while, within the correlation's reach of it
 * (a heartbeat and 5 s either side), a neighbour is unplugged and moved to the floor switch,
 * or a machine of another switch is unplugged there and plugged in on this one: one silence
 * and one move, not a switch's failure. */
static int64_t moved_beside_silence(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = (int)acc_rng_below(r, (unsigned)w->n_access), B = (A + 1) % w->n_access;
    int x = on_sw(w, A, 0), onto = acc_rng_chance(r, 50);
    int y = onto ? on_sw(w, B, (int)acc_rng_below(r, 8)) : on_sw(w, A, 1);
    int64_t sx = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), ex = sx + acc_silence_len(r, w);
    int64_t reach = (int64_t)w->interval_s + 5;
    int64_t out = sx + (acc_rng_ms(r, 0, 2 * reach) - acc_sec(reach)),
            in = out + acc_rng_ms(r, 20, 90);
    move_to(tl, y, onto ? A : w->n_access, out, in);
    int64_t heard = in + 2 * acc_iv(w) + acc_sec(10);
    if (heard < acc_overdue(w, sx) + acc_sec(5))
        heard = acc_overdue(w, sx) + acc_sec(5);
    if (ex < heard + 4 * MIN)
        ex = heard + 4 * MIN;
    int64_t ask = acc_rng_chance(r, 60) ? heard + acc_rng_ms(r, 0, 60)
                                        : ask_all(r, w, sx > out ? sx : out, ex);
    solo(tl, acc_rng_chance(r, 70) ? INC_CABLE : INC_PORT_SHUT, x, sx, ex, ask);
    acc_item(tl, PHASE_NOW, y, heard, 0, 0, "reporting", NULL);
    moved_note(tl, onto ? "onto" : "off", 1, out - sx, in - sx);
    return ex;
}

/* A switch loses its uplink (or its power) and, minutes after it is back, once its machines'
 * past silences have been answered, one or two machines of another switch are moved onto it
 * (a desk move): they were not there when it failed, and the answers asked again at the end
 * must not move. */
static int64_t moved_onto_after(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = (int)acc_rng_below(r, (unsigned)w->n_access), B = (A + 1) % w->n_access;
    enum acc_inc_kind k = acc_rng_chance(r, 50) ? INC_UPLINK : INC_SWITCH_DOWN;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int n = 1 + (int)acc_rng_below(r, 2), y = -1;
    int64_t lo = 0, hi = 0;
    for (int j = 0; j < n; j++) {
        int m = on_sw(w, B, j);
        int64_t out = e + acc_rng_ms(r, 60, 240), in = out + acc_rng_ms(r, 20, 90);
        move_to(tl, m, A, out, in);
        if (!j || in > hi)
            hi = in, y = m;
        if (!j || out < lo)
            lo = out;
    }
    int64_t heard = hi + 2 * acc_iv(w) + acc_sec(10);
    acc_inc(tl, k, -1, A, s, e);
    whole_switch_items(tl, k, A, s, e, ask_all(r, w, s, e), 1);
    acc_item(tl, PHASE_NOW, y, heard, 0, 0, "reporting", NULL);
    moved_note(tl, acc_inc_name(k), n, lo - e, hi - e);
    return heard;
}

static const struct {
    enum acc_class cls;
    const char *name;
} worlds[] = {
    {CLASS_RESTART, "restart_early"},
    {CLASS_RESTART, "restart_late"},
    {CLASS_RESTART, "restart_backoff"},
    {CLASS_INCIDENTS, "uplink+port_elsewhere"},
    {CLASS_INCIDENTS, "switch_power+others"},
    {CLASS_INCIDENTS, "port+later_same_switch"},
    {CLASS_INCIDENTS, "subnet_or_core"},
    {CLASS_AFTER, "neighbours_after"},
    {CLASS_COINCIDENCE, "two_on_a_switch"},
    {CLASS_LATE, "late+switch_elsewhere"},
    {CLASS_LATE, "late+core"},
    {CLASS_LATE, "late_among_silenced"},
    {CLASS_MOVED, "moved_off_failed_switch"},
    {CLASS_MOVED, "moved_beside_silence"},
    {CLASS_MOVED, "moved_onto_after"},
};

struct acc_item *acc_worlds_solo(struct acc_timeline *tl, enum acc_inc_kind k, int m, int64_t s,
                                 int64_t e, int64_t ask)
{
    return solo(tl, k, m, s, e, ask);
}

unsigned acc_worlds_count(enum acc_class cls)
{
    unsigned n = 0;
    for (size_t i = 0; i < sizeof(worlds) / sizeof(worlds[0]); i++)
        n += worlds[i].cls == cls;
    return n;
}

const char *acc_worlds_make(struct acc_timeline *tl, struct acc_rng *r, enum acc_class cls,
                            unsigned k)
{
    size_t i = 0;
    for (unsigned seen = 0; i < sizeof(worlds) / sizeof(worlds[0]); i++)
        if (worlds[i].cls == cls && seen++ == k)
            break;
    sized_fleet(tl, r, acc_rng_chance(r, 50));
    struct acc_world *w = &tl->w;
    int64_t end = 0;
    switch (i) {
    case 0:
    case 1:
        end = restart_in_silence(tl, r, i == 0);
        break;
    case 2:
        end = restart_backoff(tl, r);
        break;
    case 3:
    case 4:
    case 5:
    case 6:
        end = incidents(tl, r, (unsigned)(i - 3));
        break;
    case 7:
        end = after_neighbours(tl, r);
        break;
    case 8:
        end = coincidence(tl, r);
        break;
    case 9:
        end = late_switch_elsewhere(tl, r);
        break;
    case 10:
        end = late_core(tl, r);
        break;
    case 11:
        end = late_silenced(tl, r);
        break;
    case 12:
        end = moved_off_failed_switch(tl, r);
        break;
    case 13:
        end = moved_beside_silence(tl, r);
        break;
    default:
        end = moved_onto_after(tl, r);
        break;
    }
    /* Once back, `why` must say it reports. */
    for (int j = 0, n = tl->n_items; j < n; j++) {
        const struct acc_item *h = &tl->items[j];
        if (h->phase == PHASE_HISTORY && h->asked == 0)
            acc_item(tl, PHASE_BACK, h->machine, h->inc_start, h->inc_end, 0, "reporting", NULL);
    }
    w->t_end = end + 10 * MIN;
    return worlds[i].name;
}
