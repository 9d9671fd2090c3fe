/* Class laptops: what laptops and Wi-Fi do in a real office, on issue 21's fleets with a second
 * access point of the same SSID and subnet (a0:b1:c2:d3:e5:xx, "the next AP"): an access
 * point losing its power while some of its clients roam to the next one and others go quiet;
 * a laptop carried off out of coverage and its lid closed on the way (its last gasp cannot
 * leave: no network); two laptops carried off together (to a meeting) and back on the next
 * access point; a laptop that went quiet on the next access point and came back on this one in
 * the seconds a neighbour here went quiet on its own. As in worlds.c, the truth is what an
 * admin would call the cause, and a set where the evidence cannot separate causes. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

#define AP_NEXT 1 /* acc_incident.to_sw / .sw of the second access point */

/* Asked while silent: right once overdue three times in ten, else before it ends. */
static int64_t ask_in(struct acc_rng *r, const struct acc_world *w, int64_t s, int64_t e)
{
    int64_t a = acc_overdue(w, s);
    if (acc_rng_chance(r, 30) || e - MIN <= a + 30000)
        return a + acc_rng_ms(r, 5, 30);
    return a + 30000 + acc_rng_ms(r, 0, (e - MIN - a - 30000) / 1000);
}

/* Two access points of one SSID and subnet, and 4-6 wireless laptops (fewer when the fleet is
 * full): clients of the first, one in three of the others on the next. */
static void two_aps(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    acc_worlds_fleet(tl, r, acc_rng_chance(r, 50));
    snprintf(w->ap2.bssid, sizeof(w->ap2.bssid), "a0:b1:c2:d3:e5:%02x",
             (unsigned)(tl->index & 255));
    snprintf(w->ap2.ssid, sizeof(w->ap2.ssid), "%s", w->ap.ssid);
    w->ap2.subnet = w->ap.subnet;
    int want = 4 + (int)acc_rng_below(r, 3);
    while (w->n - w->first_wifi < want && w->n < ACC_MAX_MACHINES) {
        int i = w->n++;
        acc_machine_name(tl, r, i);
        w->m[i].sw = -1;
        w->m[i].host = 20 + i;
        w->m[i].start_ms = w->t0 + acc_rng_ms(r, 0, 59);
    }
    /* Most run Windows (WSUS's laptops), three in ten Linux: its agent reports the association
     * from nl80211 (SSID, BSSID, signal) and snapshots again on CONNECT, DISCONNECT and ROAM
     * (client/platform/linux/nl80211.c), so the collector has its access point too. */
    for (int i = w->first_wifi; i < w->n; i++)
        w->m[i].windows = acc_rng_chance(r, 70);
    snprintf(tl->modifiers + strlen(tl->modifiers), sizeof(tl->modifiers) - strlen(tl->modifiers),
             "%d-wifi ", w->n - w->first_wifi);
}

/* Laptop m is a client of the next access point from the start. */
static void on_next(struct acc_timeline *tl, int m)
{
    acc_inc(tl, INC_CARRIED, m, -1, tl->w.t0 - 1000, tl->w.t0 - 1000)->to_sw = AP_NEXT;
}

/* Carried out of coverage at s, associated with access point ap at e (s == e: a roam). */
static void carry(struct acc_timeline *tl, int m, int64_t s, int64_t e, int ap)
{
    acc_inc(tl, INC_CARRIED, m, -1, s, e)->to_sw = ap;
}

/* The first access point loses its power for minutes. Before it, minutes earlier, a laptop of
 * the next one may have roamed onto it and one of its own roamed away, without losing their
 * link (Windows: the WLAN notification has the agent take a snapshot with the new BSSID).
 * Each client on it when it fails but the first roams to the next 3-15 s later (six times in
 * ten: in its range) or stays quiet until it is back. Asked: the first while silent (with
 * others quiet: the access point's set) and afterwards; the last to roam once heard from the
 * next access point. */
static int64_t ap_power_roam(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int x = w->first_wifi, z = w->n - 1, quiet = 1, y = -1, onto = 0, away = 0;
    int on_a[ACC_MAX_MACHINES] = {0};
    for (int m = x; m < w->n; m++)
        on_a[m] = 1;
    if (acc_rng_chance(r, 50)) { /* z starts on the next access point */
        on_next(tl, z);
        on_a[z] = 0;
        if ((onto = acc_rng_chance(r, 50))) {
            int64_t at = s - acc_rng_ms(r, 60, 480);
            carry(tl, z, at, at, 0);
            on_a[z] = 1;
        }
    }
    if (z > x + 1 && (away = acc_rng_chance(r, 40))) {
        int64_t at = s - acc_rng_ms(r, 60, 480);
        carry(tl, x + 1, at, at, AP_NEXT);
        on_a[x + 1] = 0;
    }
    int64_t heard = 0;
    for (int m = x + 1; m < w->n; m++) {
        if (!on_a[m])
            continue;
        if (!acc_rng_chance(r, 60)) {
            quiet++;
            continue;
        }
        int64_t at = s + acc_rng_ms(r, 3, 15);
        carry(tl, m, s, at, AP_NEXT);
        if (at > heard)
            heard = at, y = m;
    }
    acc_inc(tl, INC_AP_POWER, -1, 0, s, e);
    int64_t ask = ask_in(r, w, s, e);
    struct acc_item *now =
        quiet >= 2 ? acc_item(tl, PHASE_NOW, x, ask, 0, 1, "wireless_association", AP_SET, NULL)
                   : acc_item(tl, PHASE_NOW, x, ask, 0, 1, "wireless_association", NOGASP_WIFI,
                              "removed", NULL);
    now->places = PLACE_NETWORK | PLACE_MACHINE;
    acc_item(tl, PHASE_HISTORY, x, s, e, 0, "wireless_association", "lost_connectivity", NULL)
        ->places = PLACE_NETWORK | PLACE_MACHINE;
    if (y >= 0)
        acc_item(tl, PHASE_NOW, y, heard + 2 * acc_iv(w) + 10000, 0, 0, "reporting", NULL);
    /* At short heartbeats its seconds off the air are a silence of their own: its access point
     * failed, though it came back on the next. */
    if (y >= 0 && heard - s > 3 * acc_iv(w) + 5000)
        acc_item(tl, PHASE_HISTORY, y, s, heard, 0, "wireless_association", "lost_connectivity",
                 NULL)
            ->places = PLACE_NETWORK | PLACE_MACHINE;
    acc_note(tl, "quiet %lld roamed %lld ", quiet, y >= 0);
    acc_note(tl, "roamed-before onto %lld away %lld ", onto, away);
    return e;
}

/* RADIUS fails for the whole SSID (802.1X reason 23 on every access point), clients on both:
 * each is refused wherever it is, not one access point's failure. Asked: a client of each
 * access point, while silent and afterwards. */
static int64_t radius_every_ap(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int x = w->first_wifi, z = w->n - 1;
    for (int m = x + 1; m < w->n; m++)
        if (m == z || acc_rng_chance(r, 40))
            on_next(tl, m);
    acc_inc(tl, INC_AP_AUTH, -1, -1, s, e)->code = 23;
    int64_t ask = ask_in(r, w, s, e);
    for (int m = x; m <= z; m += z - x) {
        acc_item(tl, PHASE_NOW, m, ask, 0, 1, "wireless_association", AP_SET, NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "wireless_association", NULL);
    }
    return e;
}

/* A laptop carried off out of coverage (a corridor, the stairs) and its lid closed 5-40 s
 * later: its SUSPEND cannot leave (no network), it is spooled. Opened 8-25 min later in range
 * of the next access point (half the time) or this one: RESUME says it slept. */
static int64_t carried_asleep(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int x = w->first_wifi + (int)acc_rng_below(r, (unsigned)(w->n - w->first_wifi));
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), lid = s + acc_rng_ms(r, 5, 40);
    int64_t e = s + acc_silence_len(r, w);
    int to = acc_rng_chance(r, 50) ? AP_NEXT : 0;
    carry(tl, x, s, e, to);
    acc_inc(tl, INC_SLEEP, x, -1, lid, e)->unnamed = acc_rng_chance(r, 50);
    acc_item(tl, PHASE_NOW, x, ask_in(r, w, s, e), 0, 1, "sleep", NOGASP_WIFI, NULL);
    acc_item(tl, PHASE_HISTORY, x, s, e, 0, "sleep", NULL);
    acc_note(tl, "lid %+llds on-ap %lld ", (lid - s) / 1000, to);
    return e;
}

/* Two laptops of the first access point carried off together (to a meeting room, another
 * floor) within a heartbeat and 5 s of each other, out of coverage 1-10 min, back on access
 * point ap; the access point's other clients report all along. Each is its own removal: one
 * disconnect for lost beacons cannot tell a laptop carried away from its access point failing,
 * and the two are no shared failure. */
static int64_t meeting(struct acc_timeline *tl, struct acc_rng *r, int ap)
{
    struct acc_world *w = &tl->w;
    int x = w->first_wifi, y = x + 1;
    int64_t reach = (int64_t)w->interval_s + 5;
    int64_t sx = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t sy = sx + acc_rng_ms(r, 0, reach);
    int64_t ex = sy + acc_rng_ms(r, 60, 600), ey = ex + acc_rng_ms(r, 0, 30);
    if (ex - sx < 3 * acc_iv(w) + 60000)
        ex = sx + 3 * acc_iv(w) + 60000, ey = ex + 5000;
    carry(tl, x, sx, ex, ap);
    carry(tl, y, sy, ey, ap);
    int64_t ask = acc_overdue(w, sy) + acc_rng_ms(r, 5, 30);
    if (ask < ex - 5000)
        acc_item(tl, PHASE_NOW, x, ask, 0, 1, "removed", NOGASP_WIFI, NULL);
    struct acc_item *hx =
        acc_item(tl, PHASE_HISTORY, x, sx, ex, 1, "removed", "wireless_association", NULL);
    struct acc_item *hy =
        acc_item(tl, PHASE_HISTORY, y, sy, ey, 1, "removed", "wireless_association", NULL);
    /* Back where they were, sent to the access point or to the user: either is honest. */
    if (ap == 0)
        hx->places = hy->places = PLACE_NETWORK | PLACE_MACHINE;
    acc_note(tl, "second %+llds away %llds ", (sy - sx) / 1000, (ex - sx) / 1000);
    return ey;
}

/* Back on the next access point. */
static int64_t carried_together(struct acc_timeline *tl, struct acc_rng *r)
{
    return meeting(tl, r, AP_NEXT);
}

/* Both back on the access point they left (the meeting room out of every access point's
 * range): from the collector, two clients of one access point lost its beacons within seconds
 * and associated with it again minutes later, which is exactly that access point's short
 * outage (a radio reset, a PoE port bounced) - its other clients reporting all along does not
 * rule that out where they sit on its other band. The evidence cannot separate them: removed
 * or the access point, capped, the other beside it. */
static int64_t carried_together_back(struct acc_timeline *tl, struct acc_rng *r)
{
    return meeting(tl, r, 0);
}

/* One laptop of the first access point goes quiet on its own (power cut, agent killed) while,
 * within a heartbeat and 5 s of it, a laptop of the next access point is carried off and comes
 * back on this one 20-90 s later (the Wi-Fi analog of class moved's desk move): one silence,
 * not the access point's. */
static int64_t carried_onto_silence(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int x = w->first_wifi, y = w->n - 1;
    on_next(tl, y);
    int64_t reach = (int64_t)w->interval_s + 5;
    int64_t sx = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), ex = sx + acc_silence_len(r, w);
    int64_t out = sx + acc_rng_ms(r, 0, 2 * reach) - reach * 1000;
    int64_t in = out + acc_rng_ms(r, 20, 90);
    carry(tl, y, out, in, 0);
    int64_t heard = in + 2 * acc_iv(w) + 10000;
    if (heard < acc_overdue(w, sx) + 5000)
        heard = acc_overdue(w, sx) + 5000;
    if (ex < heard + 4 * MIN)
        ex = heard + 4 * MIN;
    enum acc_inc_kind k = acc_rng_chance(r, 50) ? INC_POWER_CUT : INC_AGENT_CRASH;
    const char *t = k == INC_POWER_CUT ? "turned_off" : "agent_crashed";
    acc_inc(tl, k, x, -1, sx, ex);
    int64_t ask = acc_rng_chance(r, 60) ? heard + acc_rng_ms(r, 0, 60) : ask_in(r, w, sx, ex);
    acc_item(tl, PHASE_NOW, x, ask, 0, 1, t, NOGASP_WIFI, NULL);
    acc_item(tl, PHASE_HISTORY, x, sx, ex, 0, t, NULL);
    acc_item(tl, PHASE_NOW, y, heard, 0, 0, "reporting", NULL);
    acc_note(tl, "carried %+llds..%+llds ", (out - sx) / 1000, (in - sx) / 1000);
    return ex;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} laptops[] = {
    {"ap_power_roam", ap_power_roam},       {"carried_asleep", carried_asleep},
    {"carried_together", carried_together}, {"carried_onto_silence", carried_onto_silence},
    {"radius_every_ap", radius_every_ap},   {"carried_together_back", carried_together_back},
};

unsigned acc_laptops_count(void)
{
    return sizeof(laptops) / sizeof(laptops[0]);
}

const char *acc_laptops_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    two_aps(tl, r);
    int64_t end = laptops[k].make(tl, r);
    acc_items_back(tl);
    tl->w.t_end = end + 10 * MIN;
    return laptops[k].name;
}
