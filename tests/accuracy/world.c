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
    return w->m[m].wireless || sw < 0 ? w->ap.subnet : w->sw[sw].subnet;
}

int acc_world_docked(const struct acc_world *w, int m, int64_t t, int *sw, int *port)
{
    *sw = w->m[m].sw;
    *port = w->m[m].port;
    if (!w->m[m].dock)
        return 0;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind != INC_UNDOCK || i->machine != m || t < i->start)
            continue;
        if (t < i->end)
            return *sw = *port = -1, 0;
        *sw = i->to_sw;
        *port = i->to_port;
    }
    return 1;
}

/* When a dock laptop's adapter last changed by t: docked, undocked, its Wi-Fi associated. */
static int64_t dock_changed(const struct acc_world *w, int m, int64_t t)
{
    int64_t at = INT64_MIN / 2;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind != INC_UNDOCK || i->machine != m)
            continue;
        int64_t c[3] = {i->start, i->code ? i->start + (int64_t)i->code : i->start, i->end};
        for (int j = 0; j < 3; j++)
            if (c[j] <= t && c[j] > at && (j != 1 || c[j] < i->end))
                at = c[j];
    }
    return at;
}

/* An undocked laptop's Wi-Fi: associated with ap once code ms have passed since the undock. */
static int undocked_wifi(const struct acc_world *w, int m, int64_t t)
{
    int up = 0;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind == INC_UNDOCK && i->machine == m && t >= i->start && t < i->end)
            up = i->code && t >= i->start + (int64_t)i->code;
    }
    return up;
}

int acc_world_ap(const struct acc_world *w, int m, int64_t t)
{
    int ap = 0;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind == INC_AWAY && i->machine == m && in(i, t))
            return 2;
    }
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind != INC_CARRIED || i->machine != m || t < i->start)
            continue;
        if (t < i->end)
            return -1;
        ap = i->to_sw;
    }
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (i->kind == INC_AP_POWER && i->sw == ap && in(i, t))
            return -1;
    }
    return ap;
}

/* Where the cable ends: the first switch, another after a move, nowhere in transit. */
static void attachment(const struct acc_world *w, int m, int64_t t, int *sw, int *port)
{
    if (w->m[m].dock) {
        acc_world_docked(w, m, t, sw, port);
        return;
    }
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
    int up = w->m[m].wireless || *sw >= 0 || (w->m[m].dock && undocked_wifi(w, m, t));
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (!in(i, t))
            continue;
        switch (i->kind) {
        case INC_CABLE:
        case INC_PORT_SHUT:
        case INC_ADMIN_DOWN:
        case INC_ERR_DISABLE:
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
    if (w->m[m].wireless && acc_world_ap(w, m, t) < 0)
        up = 0;
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
    /* A dock laptop's new adapter (undocked: the Wi-Fi; docked: the dock's) leases anew. */
    if (w->m[m].dock && t - dock_changed(w, m, t) < DHCP_MS)
        o->has_addr = 0;
    o->has_gw = o->has_addr;
    int uplink = 1;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        if (!in(i, t))
            continue;
        if ((i->kind == INC_DHCP_LOST || i->kind == INC_DOT1X_WIRED) && i->machine == m)
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
    /* Off site: its own router, no route (nor a name) for the collector. */
    o->foreign = w->m[m].wireless && o->carrier && acc_world_ap(w, m, t) == 2;
    o->path_ok &= !o->foreign;
    /* Docked with its Wi-Fi kept: Windows routes by the lower metric, the dock's while it has
     * a way out, else the Wi-Fi's. */
    const struct acc_incident *why;
    int wsw, wport;
    const struct acc_machine *mc = &w->m[m];
    o->kept = o->kept_leased = 0;
    if ((mc->wifi_kept || mc->wifi_fallback_ms) && acc_world_docked(w, m, t, &wsw, &wport) &&
        acc_world_power(w, m, t, &why) == PWR_ON && acc_world_ap(w, m, t) >= 0) {
        if (mc->wifi_kept) {
            o->kept = o->kept_leased = 1;
        } else {
            /* Windows connects its Wi-Fi once the dock's link has been gone fb, leases on it
             * in DHCP_MS, and lets it go once the dock's adapter has its lease again. */
            int64_t fb = mc->wifi_fallback_ms;
            int now = !o->carrier && !carrier_at(w, m, t - fb, &sw2, &port2, &f2);
            o->kept_leased = !carrier_at(w, m, t - DHCP_MS, &sw2, &port2, &f2) &&
                             !carrier_at(w, m, t - DHCP_MS - fb, &sw2, &port2, &f2);
            o->kept = now || o->kept_leased;
        }
    }
    o->path_ok |= o->kept_leased;
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

/* The adapter renegotiates its link for this long when its machine goes to sleep or off with
 * Wake-on-LAN, or wakes. */
#define RENEGOTIATE_MS 3000

void acc_world_port(const struct acc_world *w, int m, int64_t t, struct acc_port *o)
{
    const struct acc_machine *mc = &w->m[m];
    int sw = mc->sw, at_sw, at_port;
    *o = (struct acc_port){.powered = 1,
                           .reachable = 1,
                           .admin_up = 1,
                           .errdis = -1,
                           .sw_boot = w->t0 - 40LL * 86400000};
    attachment(w, m, t, &at_sw, &at_port);
    int cable = at_sw == sw && at_port == mc->port, nic = 1;
    unsigned speed = 1000;
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        int mine = i->machine == m, here = i->machine < 0 && i->sw == sw;
        if ((i->kind == INC_SWITCH_DOWN || i->kind == INC_ROOM_POWER) && here && t >= i->end &&
            i->end > o->sw_boot)
            o->sw_boot = i->end;
        if (!in(i, t))
            continue;
        switch (i->kind) {
        case INC_SWITCH_DOWN:
        case INC_ROOM_POWER:
            if (here)
                o->powered = o->reachable = 0;
            break;
        case INC_UPLINK:
            if (here && !w->sw[sw].oob)
                o->reachable = 0;
            break;
        case INC_PORT_SHUT:
            o->admin_up &= !mine;
            break;
        case INC_ERR_DISABLE:
            if (mine)
                o->errdis = (int)i->code;
            break;
        case INC_DOT1X_WIRED:
            o->dot1x_fail |= mine;
            break;
        case INC_CABLE:
            cable &= !mine;
            break;
        case INC_ADMIN_DOWN:
            nic &= !mine;
            break;
        case INC_FLAP:
            if (mine &&
                (t - i->start >= FLAP_MS || (t - i->start) / 1000 % FLAP_CYCLE_S < FLAP_DOWN_S))
                nic = 0;
            break;
        default:
            break;
        }
    }
    /* The machine's side of the link: a machine off or asleep keeps it only with Wake-on-LAN
     * armed and standby power (not a power cut), renegotiated slower; it drops while the
     * adapter renegotiates, going down and waking up. */
    const struct acc_incident *why;
    enum acc_power pw = acc_world_power(w, m, t, &why);
    if (pw != PWR_ON && why) {
        int standby = why->kind != INC_POWER_CUT && why->kind != INC_ROOM_POWER;
        nic &= mc->wol && standby && t - why->start >= RENEGOTIATE_MS;
        speed = 100;
    } else if (pw == PWR_ON) {
        for (int k = 0; k < w->n_inc; k++) {
            const struct acc_incident *i = &w->inc[k];
            if (i->machine == m && t >= i->end && t - i->end < RENEGOTIATE_MS &&
                (i->kind == INC_SHUTDOWN || i->kind == INC_POWER_CUT || i->kind == INC_HIBERNATE ||
                 i->kind == INC_SLEEP || i->kind == INC_SLEEP_SILENT ||
                 i->kind == INC_FAST_STARTUP || i->kind == INC_MODERN_STANDBY))
                nic = 0;
        }
    }
    o->oper_up = o->powered && o->admin_up && o->errdis < 0 && cable && nic;
    o->speed = o->oper_up ? speed : 0;
}
