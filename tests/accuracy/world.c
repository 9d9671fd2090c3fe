/* The world as it is at any instant, from the fleet and its incidents: power, the agent
 * process, the link and the path to the data centre, the collector, WSUS. The simulated agents
 * observe only what a real agent could of it. */
#include "acc.h"

#define DHCP_MS      4000   /* Windows drops addresses with the link; DHCP takes them back */
#define FLAP_MS      300000 /* a failing adapter flaps this long before it stays down */
#define FLAP_CYCLE_S 45
#define FLAP_DOWN_S  6

static int in(const struct acc_incident *i, int64_t t)
{
    return t >= i->start && t < i->end;
}

static int hits_machine(const struct acc_world *w, const struct acc_incident *i, int m)
{
    return i->machine == m ||
           (i->machine < 0 && i->sw >= 0 && !w->m[m].wireless && w->m[m].sw == i->sw);
}

enum acc_power acc_world_power(const struct acc_world *w, int m, int64_t t,
                               const struct acc_incident **why)
{
    *why = NULL;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (!in(i, t))
            continue;
        switch (i->kind) {
        case INC_SHUTDOWN:
        case INC_POWER_CUT:
            if (i->machine == m)
                return *why = i, PWR_OFF;
            break;
        case INC_ROOM_POWER:
            if (hits_machine(w, i, m))
                return *why = i, PWR_OFF;
            break;
        case INC_HIBERNATE:
        case INC_SLEEP:
        case INC_SLEEP_SILENT:
        case INC_FAST_STARTUP:
        case INC_MODERN_STANDBY:
            if (i->machine == m)
                return *why = i, PWR_ASLEEP;
            break;
        default:
            break;
        }
    }
    return t < w->m[m].start_ms ? PWR_OFF : PWR_ON;
}

int acc_world_agent_wanted(const struct acc_world *w, int m, int64_t t,
                           const struct acc_incident **why)
{
    *why = NULL;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->machine == m && in(i, t) &&
            (i->kind == INC_AGENT_STOP || i->kind == INC_AGENT_CRASH))
            return *why = i, 0;
    }
    return 1;
}

int acc_world_subnet(const struct acc_world *w, int m, int sw)
{
    return w->m[m].wireless ? w->ap.subnet : w->sw[sw].subnet;
}

/* Where the cable ends: the first switch, another after a move, nowhere in transit. */
static void attachment(const struct acc_world *w, int m, int64_t t, int *sw, int *port)
{
    *sw = w->m[m].sw;
    *port = w->m[m].port;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind != INC_MOVE || i->machine != m || t < i->start)
            continue;
        if (t < i->end) {
            *sw = *port = -1;
            return;
        }
        *sw = i->to_sw;
        *port = i->to_port;
    }
}

static int carrier_at(const struct acc_world *w, int m, int64_t t, int *sw, int *port,
                      unsigned *wifi_fail)
{
    const struct acc_incident *why;
    *wifi_fail = 0;
    attachment(w, m, t, sw, port);
    if (acc_world_power(w, m, t, &why) != PWR_ON)
        return 0;
    int up = w->m[m].wireless || *sw >= 0;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (!in(i, t))
            continue;
        switch (i->kind) {
        case INC_CABLE:
        case INC_PORT_SHUT:
        case INC_ADMIN_DOWN:
            up &= i->machine != m;
            break;
        case INC_SWITCH_DOWN:
        case INC_ROOM_POWER:
            up &= !(!w->m[m].wireless && *sw == i->sw);
            break;
        case INC_FLAP:
            if (i->machine == m &&
                (t - i->start >= FLAP_MS || (t - i->start) / 1000 % FLAP_CYCLE_S < FLAP_DOWN_S))
                up = 0;
            break;
        case INC_WIFI_AUTH:
            if (i->machine == m)
                up = 0, *wifi_fail = i->code;
            break;
        case INC_AP_AUTH:
            if (w->m[m].wireless)
                up = 0, *wifi_fail = i->code;
            break;
        default:
            break;
        }
    }
    return up;
}

void acc_world_link(const struct acc_world *w, int m, int64_t t, struct acc_link *o)
{
    int sw2, port2;
    unsigned f2;
    o->admin_up = 1;
    o->crc_errors = 0;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->machine != m)
            continue;
        if (i->kind == INC_ADMIN_DOWN && in(i, t))
            o->admin_up = 0;
        if (i->kind == INC_FLAP && t > i->start) {
            int64_t until = t < i->end ? t : i->end;
            o->crc_errors += (uint64_t)(until - i->start) / 1000 * 3;
        }
    }
    o->carrier = carrier_at(w, m, t, &o->sw, &o->port, &o->wifi_fail);
    /* Windows forgets the lease with the link; DHCP takes a few seconds after it returns. */
    o->has_addr =
        o->carrier && (!w->m[m].windows || carrier_at(w, m, t - DHCP_MS, &sw2, &port2, &f2));
    o->has_gw = o->has_addr;
    int uplink = 1;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (!in(i, t))
            continue;
        if (i->kind == INC_DHCP_LOST && i->machine == m)
            o->has_addr = o->has_gw = 0;
        if (i->kind == INC_ROUTE_LOST && i->machine == m)
            o->has_gw = 0;
        if (i->kind == INC_UPLINK && !w->m[m].wireless && o->sw == i->sw)
            uplink = 0;
        if (i->kind == INC_SUBNET && !w->m[m].wireless && o->sw >= 0 &&
            w->sw[o->sw].subnet == i->subnet)
            uplink = 0;
    }
    o->path_ok = o->carrier && o->has_addr && o->has_gw && uplink;
}

int acc_world_collector_up(const struct acc_world *w, int64_t t)
{
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if ((i->kind == INC_COLLECTOR_KILL || i->kind == INC_COLLECTOR_STOP) && in(i, t))
            return 0;
    }
    return 1;
}

void acc_world_wsus(const struct acc_world *w, int64_t t, unsigned *http, int *curl)
{
    *http = 200;
    *curl = 0;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind == INC_WSUS_503 && in(i, t))
            *http = 503;
        if (i->kind == INC_WSUS_REFUSED && in(i, t)) {
            *http = 0;
            *curl = 7;
        }
    }
}

int acc_world_update_service(const struct acc_world *w, int m, int64_t t)
{
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind == INC_UPDSVC_STOPPED && i->machine == m && in(i, t))
            return 0;
    }
    return 1;
}

void acc_world_wu(const struct acc_world *w, int m, int64_t t, struct acc_wu *o)
{
    *o = (struct acc_wu){.route = WU_WSUS, .ok_at = w->m[m].wu_ok_ms};
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->machine != m || t < i->start)
            continue;
        switch (i->kind) {
        case INC_WU_POLICY:
            if (in(i, t))
                o->route = (int)i->code;
            break;
        case INC_WU_SCAN_FAIL:
            if (i->start > o->fail_at)
                o->fail_at = i->start, o->fail_code = i->code;
            break;
        case INC_WU_RESTART:
            if (in(i, t))
                o->restart_at = i->start;
            break;
        case INC_UPDSVC_STOPPED:
            o->disabled |= i->code && in(i, t);
            break;
        default:
            break;
        }
    }
}
