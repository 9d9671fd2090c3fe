/* Class away: a machine physically removed from the network (the WSUS troubleshooting page's
 * "the computer has been physically removed from the network"), on issue 21's fleets. A Wi-Fi
 * laptop whose lid is closed (or which is shut down) at the office and that is opened at home
 * or in a hotel: another SSID, an address of another network with a router of its own and no
 * route to the collector (its DNS does not know the collector's name): its agent spools the
 * resume or its start, the association and the new address, DELIVERY_FAILED and undelivered
 * heartbeats, until it is closed again there and opened at the office hours later, on the
 * access point it left or the next. And a desktop whose cable is pulled, switched off (its
 * power cord, or shut down with no network for its gasp) and carried to another desk: another
 * port, another switch or the floor's. And a laptop carried out awake onto a phone's hotspot.
 * While silent the collector has the last gasp, or
 * nothing; once back, the delivered spool tells where the machine was. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

#define AP_NEXT 1 /* acc_incident.to_sw of the second access point */

/* Off site: a home router or a hotel's network. */
static void away_network(struct acc_world *w, struct acc_rng *r, unsigned index)
{
    static const char *const ssids[] = {"HomeNet-5G", "Hotel-Guest", "FRITZ!Box 7590",
                                        "Vodafone-3A1C", "iPhone"};
    snprintf(w->away.ssid, sizeof(w->away.ssid), "%s", ssids[acc_rng_below(r, 5)]);
    snprintf(w->away.bssid, sizeof(w->away.bssid), "f4:0e:83:%02x:%02x:%02x",
             (unsigned)(index & 255), (unsigned)acc_rng_below(r, 256),
             (unsigned)acc_rng_below(r, 256));
    w->away.subnet = 1 + (int)acc_rng_below(r, 200);
    snprintf(w->ap2.bssid, sizeof(w->ap2.bssid), "a0:b1:c2:d3:e5:%02x", index & 255);
    snprintf(w->ap2.ssid, sizeof(w->ap2.ssid), "%s", w->ap.ssid);
    w->ap2.subnet = w->ap.subnet;
}

/* A laptop of the fleet's Wi-Fi: Windows seven times in ten (as laptops.c), else Linux. */
static int laptop(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = w->first_wifi;
    w->m[m].windows = acc_rng_chance(r, 70);
    return m;
}

/* How long it is away: a commute and an evening, or a short trip (hours). */
static int64_t hours(struct acc_rng *r, int64_t lo_min, int64_t hi_min)
{
    return acc_rng_ms(r, lo_min * 60, hi_min * 60);
}

/* Back at the office: on the access point it left, or on the next one (its desk elsewhere). */
static void back_on(struct acc_timeline *tl, struct acc_rng *r, int m, int64_t t)
{
    if (acc_rng_chance(r, 50))
        acc_inc(tl, INC_CARRIED, m, -1, t, t)->to_sw = AP_NEXT;
}

/* A history of two parts, truth first: one other named beside the answer, at most medium. A
 * network of its own with no way to the collector is what an address or an SSID of another
 * network shows, but a guest VLAN at the office shows the same: the machine on, with a network,
 * no way to the collector (lost connectivity) is as honest. */
static struct acc_item *both(struct acc_item *h)
{
    if (h)
        h->alt_need = 1;
    return h;
}

/* The lid closed at the office (its gasp sent: sleep, hibernation or Modern Standby), opened at
 * home on another network, used there, closed (or shut down) there, opened at the office. */
static int64_t asleep_elsewhere(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = laptop(tl, r);
    unsigned roll = acc_rng_below(r, 100);
    enum acc_inc_kind k1 = roll < 25                      ? INC_HIBERNATE
                           : roll < 45 && w->m[m].windows ? INC_MODERN_STANDBY
                                                          : INC_SLEEP;
    const char *z = k1 == INC_HIBERNATE ? "hibernation" : "sleep";
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t r1 = s1 + hours(r, 20, 60);  /* opened at home */
    int64_t s2 = r1 + hours(r, 10, 120); /* closed there */
    int64_t e2 = s2 + hours(r, 20, 60);  /* opened at the office */
    struct acc_incident *first = acc_inc(tl, k1, m, -1, s1, r1);
    first->unnamed = k1 == INC_SLEEP && acc_rng_chance(r, 50);
    int off = acc_rng_chance(r, 30);
    acc_inc(tl, off ? INC_SHUTDOWN : INC_SLEEP, m, -1, s2, e2);
    acc_inc(tl, INC_AWAY, m, -1, s1, s2 + (e2 - s2) / 2);
    back_on(tl, r, m, s2 + acc_sec(1));
    acc_item(tl, PHASE_NOW, m, acc_pick(r, acc_overdue(w, s1), r1 - acc_sec(10)), 0, 0, z, NULL);
    /* Awake at home: nothing tells the collector it woke; its gasp is all it has. */
    acc_item(tl, PHASE_NOW, m, acc_pick(r, r1 + MIN, s2 - acc_sec(10)), 0, 0, "removed", z, NULL);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, s2 + acc_sec(30), e2 - acc_sec(10)), 0, 0, "removed", z,
             NULL);
    /* Resumed there, its agent's differ told the other SSID and address. */
    both(acc_item(tl, PHASE_HISTORY, m, s1, e2, 1, "removed", z, "lost_connectivity",
                  off ? "turned_off" : NULL, NULL));
    acc_note(tl, "home %+lldmin for %lldmin ", (r1 - s1) / MIN, (s2 - r1) / MIN);
    return e2;
}

/* Shut down at the office (its gasp sent), started at home, used there, shut down (or its lid
 * closed) there, started at the office. */
static int64_t off_elsewhere(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = laptop(tl, r);
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t r1 = s1 + hours(r, 20, 60);
    int64_t s2 = r1 + hours(r, 10, 120);
    int64_t e2 = s2 + hours(r, 20, 60);
    acc_inc(tl, INC_SHUTDOWN, m, -1, s1, r1);
    int lid = acc_rng_chance(r, 30);
    acc_inc(tl, lid ? INC_SLEEP : INC_SHUTDOWN, m, -1, s2, e2);
    acc_inc(tl, INC_AWAY, m, -1, s1, s2 + (e2 - s2) / 2);
    back_on(tl, r, m, s2 + acc_sec(1));
    acc_item(tl, PHASE_NOW, m, acc_pick(r, acc_overdue(w, s1), r1 - acc_sec(10)), 0, 0,
             "turned_off", NULL);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, r1 + MIN, s2 - acc_sec(10)), 0, 0, "removed",
             "turned_off", NULL);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, s2 + acc_sec(30), e2 - acc_sec(10)), 0, 0, "removed",
             "turned_off", NULL);
    /* Started there, its first snapshot is no change: nothing tells the SSID (Windows: the
     * address its DHCP gave seconds after the start); a Wi-Fi that never took it is as likely
     * from the evidence (reports failing with its link up). */
    both(acc_item(tl, PHASE_HISTORY, m, s1, e2, 1, "removed", "turned_off", "lost_connectivity",
                  "wireless_association", lid ? "sleep" : NULL, NULL));
    acc_note(tl, "home %+lldmin for %lldmin ", (r1 - s1) / MIN, (s2 - r1) / MIN);
    return e2;
}

/* Carried out awake, its lid open (a meeting elsewhere, the train home): its access point's
 * beacons lost at the door, on a phone's hotspot or a café's Wi-Fi minutes later (another SSID,
 * its own router) for hours, and back in range of the office's access points. No gasp: while
 * silent the collector has nothing at all. */
static int64_t carried_off_awake(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = laptop(tl, r);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t on = s + acc_rng_ms(r, 60, 15 * 60);  /* the hotspot associates */
    int64_t off = on + hours(r, 20, 150);         /* leaves it (back to the office) */
    int64_t e = off + acc_rng_ms(r, 60, 15 * 60); /* in range of the office again */
    acc_inc(tl, INC_CARRIED, m, -1, s, e)->to_sw = acc_rng_chance(r, 50) ? AP_NEXT : 0;
    acc_inc(tl, INC_AWAY, m, -1, on, off);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, acc_overdue(w, s), e - acc_sec(10)), 0, 1, "removed",
             NOGASP_WIFI, NULL);
    /* Lost beacons say an access point out of range (carried off, or it failed) and another
     * network says where it went, as a guest network at the office would. */
    both(acc_item(tl, PHASE_HISTORY, m, s, e, 1, "removed", "wireless_association",
                  "lost_connectivity", NULL));
    acc_note(tl, "hotspot %+lldmin for %lldmin ", (on - s) / MIN, (off - on) / MIN);
    return e;
}

/* A desktop of the first access switch: its cable pulled, switched off seconds later (the
 * power cord, or shut down: its gasp has no network and is spooled), carried to another desk
 * and started there: another port of its switch, another access switch, or the floor's. */
static int64_t unplugged_carried(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = w->sw_first[0] + (int)acc_rng_below(r, (unsigned)w->sw_count[0]);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t off = s + acc_rng_ms(r, 3, 60);
    int64_t plugged = s + hours(r, 20, 180);
    int64_t on = plugged + acc_rng_ms(r, 10, 300);
    unsigned where = acc_rng_below(r, 3);
    struct acc_incident *mv = acc_inc(tl, INC_MOVE, m, -1, s, plugged);
    mv->to_sw = where == 0 ? w->m[m].sw : where == 1 ? 1 : w->n_access;
    mv->to_port = 30 + (int)acc_rng_below(r, 10);
    int cord = acc_rng_chance(r, 60);
    acc_inc(tl, cord ? INC_POWER_CUT : INC_SHUTDOWN, m, -1, off, on);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, acc_overdue(w, s), plugged - acc_sec(10)), 0, 1,
             "removed", NOGASP_WIRED, NULL);
    both(acc_item(tl, PHASE_HISTORY, m, s, on, 0, "removed", "turned_off", NULL));
    acc_note(tl, cord ? "cord, to %lld, %lldmin " : "shutdown, to %lld, %lldmin ", (long long)where,
             (plugged - s) / MIN);
    return on;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} aways[] = {
    {"asleep_elsewhere", asleep_elsewhere},
    {"off_elsewhere", off_elsewhere},
    {"unplugged_carried", unplugged_carried},
    {"carried_off_awake", carried_off_awake},
};

unsigned acc_away_count(void)
{
    return sizeof(aways) / sizeof(aways[0]);
}

const char *acc_away_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    acc_worlds_fleet(tl, r, acc_rng_chance(r, 50));
    away_network(&tl->w, r, tl->index);
    int64_t end = aways[k].make(tl, r);
    acc_items_back(tl);
    tl->w.t_end = end + 10 * MIN;
    return aways[k].name;
}
