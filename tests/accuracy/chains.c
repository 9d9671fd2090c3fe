/* Class chains: one machine, two causes in sequence, the second beginning while the machine is
 * already silent for the first (asleep, then its port shut; shut down, then its switch fails;
 * unplugged, then shut down by its user; its agent killed, then its cable pulled; a laptop
 * asleep while its access point loses power). While silent the truth is what keeps it from
 * reporting now, with the first cause beside it where the collector cannot know the first has
 * ended; afterwards, what the delivered spool and the switch's word prove: both causes, each
 * for its part of the gap, so the answer names one and has the other beside it. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

/* A stretch of minutes: shorter at short heartbeats (tests, small sites). */
static int64_t stretch(struct acc_rng *r, const struct acc_world *w)
{
    return w->interval_s <= 10 ? acc_rng_ms(r, 2 * 60, 6 * 60) : acc_rng_ms(r, 4 * 60, 12 * 60);
}

/* Long enough that the collector has been told nothing new for three heartbeats after t. */
static int64_t after(const struct acc_world *w, struct acc_rng *r, int64_t t)
{
    int64_t d = stretch(r, w);
    return d < 3 * acc_iv(w) + acc_sec(40) ? t + 3 * acc_iv(w) + acc_sec(40) : t + d;
}

/* Back from its first cause during the second's [s2, e2): the second then keeps it silent three
 * heartbeats and more (a shorter stretch is within a return's own delays). */
static int64_t on_during(struct acc_rng *r, const struct acc_world *w, int64_t s2, int64_t e2)
{
    return acc_pick(r, s2 + acc_sec(30), e2 - 3 * acc_iv(w) - acc_sec(40));
}

/* The switch's dice (as docks.c): says nothing half the time, else traps, syslog or reads. */
static void switch_talks(struct acc_switch *sw, struct acc_rng *r)
{
    unsigned roll = acc_rng_below(r, 100);
    sw->talk = roll < 50 ? TALK_NONE : roll < 70 ? TALK_TRAPS : roll < 85 ? TALK_SYSLOG : TALK_POLL;
    sw->poll = sw->talk == TALK_POLL || (sw->talk != TALK_NONE && acc_rng_chance(r, 70));
    sw->late_ms = acc_rng_chance(r, 20) ? acc_rng_ms(r, 5, 40) : acc_rng_ms(r, 0, 1);
}

/* A wired machine of the first access switch. */
static int wired(const struct acc_world *w, struct acc_rng *r)
{
    return w->sw_first[0] + (int)acc_rng_below(r, (unsigned)w->sw_count[0]);
}

/* The port closed: shut by the network team, or err-disabled by the switch; its word. */
static unsigned close_port(struct acc_timeline *tl, struct acc_rng *r, int m, int64_t s, int64_t e)
{
    int err = acc_rng_chance(r, 50);
    struct acc_incident *i = acc_inc(tl, err ? INC_ERR_DISABLE : INC_PORT_SHUT, m, -1, s, e);
    if (err)
        i->code = acc_rng_chance(r, 50) ? ERRDIS_PSECURE : ERRDIS_BPDU;
    return err ? 1u << WORD_ERR : 1u << WORD_SHUT;
}

/* A history that two causes share: truth first, the other named beside it. */
static struct acc_item *both(struct acc_item *h)
{
    if (h)
        h->alt_need = 1;
    return h;
}

/* Asleep or hibernating (its gasp sent), then its port shut or err-disabled while it sleeps;
 * it wakes before the port opens and cannot report. While asleep the collector has its gasp
 * (and, if the switch speaks, the port's closing); once awake, nothing new can reach it: the
 * port keeps it silent, but from the collector's side it may still be asleep. Afterwards the
 * spool proves the sleep and a link lost on waking (cable or port; the switch's word: port). */
static int64_t asleep_then_port(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    switch_talks(&w->sw[w->m[m].sw], r);
    int hib = acc_rng_chance(r, 50);
    const char *z = hib ? "hibernation" : "sleep";
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t s2 = after(w, r, s1), e1 = after(w, r, s2), e2 = after(w, r, e1);
    struct acc_incident *zz = acc_inc(tl, hib ? INC_HIBERNATE : INC_SLEEP, m, -1, s1, e1);
    zz->unnamed = !hib && acc_rng_chance(r, 50);
    unsigned word = close_port(tl, r, m, s2, e2);
    if (acc_rng_chance(r, 50))
        acc_item(tl, PHASE_NOW, m, acc_pick(r, acc_overdue(w, s1), s2 - acc_sec(5)), 0, 0, z, NULL);
    /* Asleep behind a closed port: both true; either named is right. */
    acc_item(tl, PHASE_NOW, m, acc_pick(r, s2 + acc_sec(45), e1 - acc_sec(10)), 0, 0, z,
             "port_disabled", NULL)
        ->places = PLACE_MACHINE | PLACE_NETWORK;
    /* Awake behind it: the port, though nothing tells the collector it woke. */
    struct acc_item *now =
        acc_item(tl, PHASE_NOW, m, acc_pick(r, e1 + acc_sec(20), e2 - acc_sec(10)), 0, 0,
                 "port_disabled", z, NULL);
    acc_item_switch(now, word, s2 - acc_sec(5), 0, "port_disabled", NULL);
    struct acc_item *h = both(
        acc_item(tl, PHASE_HISTORY, m, s1, e2, 1, "port_disabled", "cable_unplugged", z, NULL));
    acc_item_switch(h, word, s2 - acc_sec(5), 0, "port_disabled", z, NULL);
    h->sw_alt_need = 1;
    acc_note(tl, "port %+llds woke %+llds ", (s2 - s1) / 1000, (e1 - s1) / 1000);
    return e2;
}

/* Shut down (its gasp sent), then its switch loses power or its uplink while it is off; it is
 * turned on during the outage (or after it), and reports once the switch is back. */
static int64_t off_then_switch(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    enum acc_inc_kind k = acc_rng_chance(r, 67) ? INC_SWITCH_DOWN : INC_UPLINK;
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t s2 = after(w, r, s1), e2 = after(w, r, s2) + 3 * acc_iv(w) + acc_sec(40);
    int during = acc_rng_chance(r, 70);
    int64_t e1 = during ? on_during(r, w, s2, e2) : e2 + acc_rng_ms(r, 30, 300);
    acc_inc(tl, INC_SHUTDOWN, m, -1, s1, e1);
    acc_inc(tl, k, -1, 0, s2, e2);
    int64_t back = during ? e2 : e1;
    acc_item(tl, PHASE_NOW, m,
             acc_pick(r, acc_overdue(w, s2) + acc_sec(5), (during ? e1 : e2) - acc_sec(10)), 0, 0,
             "turned_off", "lost_connectivity", NULL)
        ->places = PLACE_MACHINE | PLACE_NETWORK;
    if (during && e2 - e1 > acc_sec(40))
        acc_item(tl, PHASE_NOW, m, acc_pick(r, e1 + acc_sec(20), e2 - acc_sec(10)), 0, 0,
                 "lost_connectivity", "turned_off", NULL)
            ->places = PLACE_NETWORK | PLACE_MACHINE;
    if (during)
        both(acc_item(tl, PHASE_HISTORY, m, s1, back, 0, "turned_off", "lost_connectivity",
                      k == INC_SWITCH_DOWN ? "port_disabled" : NULL, NULL));
    else
        acc_item(tl, PHASE_HISTORY, m, s1, back, 0, "turned_off", NULL);
    /* Its neighbours: the switch's group (the one off is not of it, see overlap.c). */
    int asked = 0;
    for (int j = 0; j < w->sw_count[0] && asked < 2; j++) {
        int x = w->sw_first[0] + j;
        if (x == m)
            continue;
        asked++;
        int lone = w->sw_count[0] - 1 < 2;
        acc_item(tl, PHASE_NOW, x, acc_pick(r, acc_overdue(w, s2) + acc_sec(5), e2 - acc_sec(30)),
                 0, 1, "lost_connectivity", lone ? "turned_off" : "port_disabled",
                 lone ? "cable_unplugged" : "turned_off", lone ? "port_disabled" : NULL,
                 lone ? "removed" : NULL, lone ? "agent_crashed" : NULL, NULL)
            ->places = PLACE_NETWORK | PLACE_MACHINE;
        if (k == INC_UPLINK)
            acc_item(tl, PHASE_HISTORY, x, s2, e2, 0, "lost_connectivity", NULL);
        else if (!lone)
            acc_item(tl, PHASE_HISTORY, x, s2, e2, 0, "lost_connectivity", "port_disabled", NULL);
        else {
            /* A lone neighbour of a power cut only lost its link: a cable or a port as likely
             * (one of them beside the answer, as overlap.c). */
            struct acc_item *h = acc_item(tl, PHASE_HISTORY, x, s2, e2, 1, "lost_connectivity",
                                          "cable_unplugged", "port_disabled", NULL);
            h->places = PLACE_NETWORK | PLACE_MACHINE;
            h->alt_need = 1;
        }
    }
    acc_note(tl, k == INC_UPLINK ? "uplink %+llds on %lld " : "switch power %+llds on %lld ",
             (s2 - s1) / 1000, during);
    return back;
}

/* Its cable pulled, then its user shuts it down: the SHUTDOWN gasp cannot leave and is spooled.
 * The cable is plugged in again while it is off; it is started minutes later and delivers the
 * spool. While silent nothing has reached the collector: one machine's no-gasp set. */
static int64_t unplugged_then_shutdown(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t s2 = s1 + (acc_rng_chance(r, 30) ? acc_rng_ms(r, 5, 100) : stretch(r, w));
    int64_t e2 = after(w, r, s2), c = acc_pick(r, s2 + acc_sec(20), e2 - acc_sec(20));
    acc_inc(tl, INC_CABLE, m, -1, s1, c);
    acc_inc(tl, INC_SHUTDOWN, m, -1, s2, e2);
    int64_t a = acc_overdue(w, s1) > s2 + acc_sec(5) ? acc_overdue(w, s1) : s2 + acc_sec(5);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, a, e2 - acc_sec(10)), 0, 1, "turned_off", NOGASP_WIRED,
             NULL);
    both(acc_item(tl, PHASE_HISTORY, m, s1, e2, 0, "turned_off", "cable_unplugged", "port_disabled",
                  NULL));
    acc_note(tl, "shutdown %+llds plugged %+llds ", (s2 - s1) / 1000, (c - s1) / 1000);
    return e2;
}

/* Its agent killed (the machine stays up), then its cable pulled or its port shut; the agent is
 * started again before the link is back (its UNCLEAN_STOP and the link's loss spooled), or the
 * link comes back first. */
static int64_t agent_then_network(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t s2 = after(w, r, s1), e1 = after(w, r, s2), e2 = after(w, r, e1);
    int cable = acc_rng_chance(r, 50);
    acc_inc(tl, INC_AGENT_CRASH, m, -1, s1, e1);
    if (cable)
        acc_inc(tl, INC_CABLE, m, -1, s2, e2);
    else
        close_port(tl, r, m, s2, e2);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, s2 + acc_sec(20), e1 - acc_sec(10)), 0, 1,
             "agent_crashed", NOGASP_WIRED, NULL);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, e1 + acc_sec(20), e2 - acc_sec(10)), 0, 1,
             cable ? "cable_unplugged" : "port_disabled", NOGASP_WIRED, NULL);
    both(acc_item(tl, PHASE_HISTORY, m, s1, e2, 1, "agent_crashed", "cable_unplugged",
                  "port_disabled", NULL));
    acc_note(tl, "cable %lld %+llds ", cable, (s2 - s1) / 1000);
    return e2;
}

/* Shut down (its gasp sent), then its port shut while it is off; the port opens again and it is
 * started after that (its silence is the shutdown's alone: it never saw the port) or before
 * (it boots without a link: the port keeps it silent for the rest). */
static int64_t port_while_off(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    switch_talks(&w->sw[w->m[m].sw], r);
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t s2 = after(w, r, s1), e2 = after(w, r, s2) + 3 * acc_iv(w) + acc_sec(40);
    int on_first = acc_rng_chance(r, 50);
    int64_t e1 = on_first ? on_during(r, w, s2, e2) : e2 + acc_rng_ms(r, 30, 300);
    acc_inc(tl, INC_SHUTDOWN, m, -1, s1, e1);
    unsigned word = close_port(tl, r, m, s2, e2);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, s2 + acc_sec(45), (on_first ? e1 : e2) - acc_sec(10)), 0,
             0, "turned_off", "port_disabled", NULL)
        ->places = PLACE_MACHINE | PLACE_NETWORK;
    if (on_first) {
        if (e2 - e1 > acc_sec(40))
            acc_item_switch(acc_item(tl, PHASE_NOW, m,
                                     acc_pick(r, e1 + acc_sec(20), e2 - acc_sec(10)), 0, 0,
                                     "port_disabled", "turned_off", NULL),
                            word, s2 - acc_sec(5), 0, "port_disabled", NULL);
        struct acc_item *h = both(acc_item(tl, PHASE_HISTORY, m, s1, e2, 1, "turned_off",
                                           "port_disabled", "cable_unplugged", NULL));
        acc_item_switch(h, word, s2 - acc_sec(5), 0, "port_disabled", "turned_off", NULL);
        h->sw_alt_need = 1;
    } else {
        acc_item(tl, PHASE_HISTORY, m, s1, e1, 0, "turned_off", NULL);
    }
    acc_note(tl, "port %+llds on %+llds ", (s2 - s1) / 1000, (e1 - s1) / 1000);
    return on_first ? e2 : e1;
}

/* A Wi-Fi laptop asleep (its gasp sent), then its access point loses power; it wakes while the
 * access point is still down (or after it is back). */
static int64_t wifi_asleep_ap_down(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = w->first_wifi;
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t s2 = after(w, r, s1), e2 = after(w, r, s2) + 3 * acc_iv(w) + acc_sec(40);
    int during = acc_rng_chance(r, 70);
    int64_t e1 = during ? on_during(r, w, s2, e2) : e2 + acc_rng_ms(r, 30, 300);
    acc_inc(tl, INC_SLEEP, m, -1, s1, e1)->unnamed = acc_rng_chance(r, 50);
    acc_inc(tl, INC_AP_POWER, -1, 0, s2, e2);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, s2 + acc_sec(45), (during ? e1 : e2) - acc_sec(10)), 0,
             0, "sleep", "wireless_association", NULL)
        ->places = PLACE_MACHINE | PLACE_NETWORK;
    if (during) {
        if (e2 - e1 > acc_sec(40))
            acc_item(tl, PHASE_NOW, m, acc_pick(r, e1 + acc_sec(20), e2 - acc_sec(10)), 0, 0,
                     "wireless_association", "sleep", NULL)
                ->places = PLACE_NETWORK | PLACE_MACHINE;
        both(acc_item(tl, PHASE_HISTORY, m, s1, e2, 0, "sleep", "wireless_association",
                      "lost_connectivity", NULL));
    } else {
        acc_item(tl, PHASE_HISTORY, m, s1, e1, 0, "sleep", NULL);
    }
    acc_note(tl, "ap down %+llds woke %+llds ", (s2 - s1) / 1000, (e1 - s1) / 1000);
    return during ? e2 : e1;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} chains[] = {
    {"asleep_then_port", asleep_then_port},
    {"off_then_switch", off_then_switch},
    {"unplugged_then_shutdown", unplugged_then_shutdown},
    {"agent_then_network", agent_then_network},
    {"port_while_off", port_while_off},
    {"wifi_asleep_ap_down", wifi_asleep_ap_down},
};

unsigned acc_chains_count(void)
{
    return sizeof(chains) / sizeof(chains[0]);
}

const char *acc_chains_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    acc_worlds_fleet(tl, r, acc_rng_chance(r, 50));
    int64_t end = chains[k].make(tl, r);
    acc_items_back(tl);
    tl->w.t_end = end + 10 * MIN;
    return chains[k].name;
}
