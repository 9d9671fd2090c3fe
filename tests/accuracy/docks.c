/* Class docks: Windows laptops on a USB/Thunderbolt dock, on issue 21's fleets. Docked, the
 * laptop's traffic goes through the dock's wired adapter on an access switch's port, its Wi-Fi
 * beside it not associated (Windows keeps one connection to the domain's network). Undocked,
 * the dock's adapter disappears (the agent: ADAPTER_REMOVED, and a snapshot without it), and
 * Windows uses the Wi-Fi once it associates, or nothing until it does. The truth is what an
 * admin would call the cause, a set where the evidence cannot separate causes. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

/* Asked while silent (overdue at a, back at e): right once overdue three times in ten, else
 * before it ends. */
static int64_t ask_in(struct acc_rng *r, int64_t a, int64_t e)
{
    if (acc_rng_chance(r, 30) || e - MIN <= a + 30000)
        return a + acc_rng_ms(r, 5, 30);
    return a + 30000 + acc_rng_ms(r, 0, (e - MIN - a - 30000) / 1000);
}

/* The first machine of the first access switch is a Windows laptop on a dock. */
static int dock_laptop(struct acc_timeline *tl, struct acc_rng *r, int small)
{
    struct acc_world *w = &tl->w;
    acc_worlds_fleet(tl, r, small);
    int m = w->sw_first[0];
    w->m[m].dock = 1;
    w->m[m].windows = 1;
    return m;
}

/* Undocked at s; its Wi-Fi associates wifi_ms later (0: not while undocked); docked again at
 * e at switch sw's port (e == ACC_NEVER: not again). */
static struct acc_incident *undock(struct acc_timeline *tl, int m, int64_t s, int64_t wifi_ms,
                                   int64_t e, int sw, int port)
{
    struct acc_incident *i = acc_inc(tl, INC_UNDOCK, m, -1, s, e);
    i->code = (unsigned)wifi_ms;
    i->to_sw = sw;
    i->to_port = port;
    return i;
}

/* Undocked and on the Wi-Fi 3-20 s later: a hand-over. Asked once it has reported over the
 * Wi-Fi: it reports; at short heartbeats its seconds without a network are a silence of their
 * own: taken off its wired network (the dock's adapter gone), back over the Wi-Fi. */
static int64_t undock_to_wifi(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = dock_laptop(tl, r, acc_rng_chance(r, 50));
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), wifi = acc_rng_ms(r, 3, 20);
    undock(tl, m, s, wifi, ACC_NEVER, w->m[m].sw, w->m[m].port);
    acc_item(tl, PHASE_NOW, m, s + wifi + 2 * acc_iv(w) + 10000, 0, 0, "reporting", NULL);
    if (wifi + 4000 > 3 * acc_iv(w) + 5000) /* its Windows leases on the Wi-Fi in 4 s */
        acc_item(tl, PHASE_HISTORY, m, s, s + wifi, 0, "removed", NULL);
    acc_note(tl, "wifi %+llds %lld ", wifi / 1000, 0);
    return s + wifi + 5 * MIN;
}

/* Undocked, and the lid closed 2-40 s later, before its Wi-Fi associated (none in range yet,
 * or seconds too slow): its SUSPEND cannot leave, it is spooled. Opened 3-25 min later docked
 * again at its desk, docked at another desk (another switch and subnet), or on the Wi-Fi. */
static int64_t undock_asleep(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = dock_laptop(tl, r, acc_rng_chance(r, 50));
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), lid = s + acc_rng_ms(r, 2, 40);
    int64_t e = s + acc_silence_len(r, w);
    unsigned where = acc_rng_below(r, 3);
    int64_t late = lid - s + acc_rng_ms(r, 2, 20); /* the Wi-Fi seconds too slow */
    int64_t wifi = where == 2 || acc_rng_chance(r, 50) ? late : 0;
    if (where == 0)
        undock(tl, m, s, wifi, e, w->m[m].sw, w->m[m].port);
    else if (where == 1)
        undock(tl, m, s, wifi, e, w->n_access, 30 + m);
    else
        undock(tl, m, s, wifi, ACC_NEVER, 0, 0);
    acc_inc(tl, INC_SLEEP, m, -1, lid, e)->unnamed = acc_rng_chance(r, 50);
    int64_t a = acc_overdue(w, s);
    int64_t ask = ask_in(r, a, e);
    acc_item(tl, PHASE_NOW, m, ask, 0, 1, "sleep", NOGASP_WIRED, NULL);
    acc_item(tl, PHASE_HISTORY, m, s, e, 0, "sleep", NULL);
    acc_note(tl, "lid %+llds opened %lld ", (lid - s) / 1000, where);
    return e;
}

/* Undocked and carried to another desk (another switch and subnet) with no Wi-Fi on the way,
 * docked there 1-10 min later: taken off the network and back elsewhere, as a desktop moved. */
static int64_t dock_elsewhere(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = dock_laptop(tl, r, acc_rng_chance(r, 50));
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_rng_ms(r, 60, 600);
    if (e < acc_overdue(w, s) + 60000)
        e = acc_overdue(w, s) + 60000;
    int to = acc_rng_chance(r, 50) ? 1 : w->n_access;
    undock(tl, m, s, 0, e, to, 30 + m);
    acc_item(tl, PHASE_NOW, m, acc_overdue(w, s) + acc_rng_ms(r, 5, 30), 0, 1, "removed",
             NOGASP_WIRED, NULL);
    acc_item(tl, PHASE_HISTORY, m, s, e, 0, "removed", NULL);
    acc_note(tl, "to sw %lld after %llds ", to, (e - s) / 1000);
    return e;
}

/* Undocked at its desk, its Wi-Fi not associating (none in range, or turned off: either way
 * its snapshot's Wi-Fi is not associated), silent for minutes, and docked again at the same
 * switch, port and subnet. While silent nothing has reached the collector (the removal is
 * spooled): one wired machine's no-gasp set. Afterwards the spool tells the dock's adapter
 * removed and added back, no carrier lost on it (not a cable), no link up without a way out
 * (not lost connectivity): taken off its wired network, back at the same place. */
static int64_t undock_silent(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = dock_laptop(tl, r, acc_rng_chance(r, 50));
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int64_t a = acc_overdue(w, s);
    if (e < a + 60000)
        e = a + 60000;
    undock(tl, m, s, 0, e, w->m[m].sw, w->m[m].port);
    int64_t ask = ask_in(r, a, e);
    acc_item(tl, PHASE_NOW, m, ask, 0, 1, "removed", NOGASP_WIRED, NULL);
    acc_item(tl, PHASE_HISTORY, m, s, e, 0, "removed", NULL);
    acc_note(tl, "back after %llds %lld ", (e - s) / 1000, 0);
    return e;
}

/* The first access switch loses its power while its dock laptop is undocked within a heartbeat
 * and 5 s of it and goes on over the Wi-Fi 3-20 s after: undocked before, it was not on the
 * switch when it failed. Asked: two machines of the switch while silent (every machine on the
 * switch is: the switch's set) and afterwards; the laptop once heard over the Wi-Fi. */
static int64_t undock_switch_down(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = dock_laptop(tl, r, 0);
    int64_t reach = (int64_t)w->interval_s + 5;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int64_t u = s + acc_rng_ms(r, 0, 2 * reach) - reach * 1000, wifi = acc_rng_ms(r, 3, 20);
    undock(tl, m, u, wifi, ACC_NEVER, 0, 0);
    acc_inc(tl, INC_SWITCH_DOWN, -1, 0, s, e);
    int64_t ask = acc_overdue(w, s > u + wifi ? s : u + wifi) + acc_rng_ms(r, 5, 30);
    for (int j = 1; j <= 2 && j < w->sw_count[0]; j++) {
        int x = w->sw_first[0] + j;
        acc_item(tl, PHASE_NOW, x, ask, 0, 1, "lost_connectivity", SWITCH_SET, NULL)->places =
            PLACE_NETWORK | PLACE_MACHINE;
        acc_item(tl, PHASE_HISTORY, x, s, e, 0, "lost_connectivity", "port_disabled", NULL);
    }
    acc_item(tl, PHASE_NOW, m, u + wifi + 2 * acc_iv(w) + 10000, 0, 0, "reporting", NULL);
    acc_note(tl, "undock %+llds wifi %llds ", (u - s) / 1000, wifi / 1000);
    return e;
}

/* A failing dock: its adapter drops off the bus and comes back 3-8 s later, 3-5 times over
 * two minutes (the Wi-Fi too slow to associate in between), then stays gone until the dock is
 * replaced 3-10 min later. Asked while silent (the events of its drops have reached the
 * collector between them) and afterwards: the dock's adapter is failing. */
static int64_t dock_flap(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = dock_laptop(tl, r, acc_rng_chance(r, 50));
    int64_t t = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), first = t;
    int drops = 3 + (int)acc_rng_below(r, 3);
    for (int k = 0; k < drops; k++) {
        int64_t back = t + acc_rng_ms(r, 3, 8);
        undock(tl, m, t, 0, back, w->m[m].sw, w->m[m].port);
        t = back + acc_rng_ms(r, 10, 40);
    }
    int64_t e = t + acc_rng_ms(r, 180, 600);
    if (e < acc_overdue(w, t) + 60000)
        e = acc_overdue(w, t) + 60000;
    undock(tl, m, t, 0, e, w->m[m].sw, w->m[m].port);
    acc_item(tl, PHASE_NOW, m, acc_overdue(w, t) + acc_rng_ms(r, 5, 30), 0, 1, "faulty_adapter",
             NOGASP_WIRED, NULL);
    acc_item(tl, PHASE_HISTORY, m, t, e, 0, "faulty_adapter", NULL);
    acc_note(tl, "drops %lld over %llds ", drops, (t - first) / 1000);
    return e;
}

/* The switch's dice for a dock's port (half the time it says nothing). */
static void switch_talks(struct acc_switch *sw, struct acc_rng *r)
{
    unsigned roll = acc_rng_below(r, 100);
    sw->talk = roll < 50 ? TALK_NONE : roll < 70 ? TALK_TRAPS : roll < 85 ? TALK_SYSLOG : TALK_POLL;
    sw->poll = sw->talk == TALK_POLL || (sw->talk != TALK_NONE && acc_rng_chance(r, 70));
    sw->late_ms = acc_rng_chance(r, 20) ? acc_rng_ms(r, 5, 40) : acc_rng_ms(r, 0, 1);
}

/* The dock's way lost for [s, e): one of ways (a cable pulled at the dock, its port shut or
 * err-disabled by port security or BPDU guard), drawn; its index. */
static unsigned way_lost(struct acc_timeline *tl, struct acc_rng *r, int m, int64_t s, int64_t e,
                         const enum acc_inc_kind ways[3])
{
    unsigned how = acc_rng_below(r, 3);
    struct acc_incident *i = acc_inc(tl, ways[how], m, -1, s, e);
    if (ways[how] == INC_ERR_DISABLE)
        i->code = acc_rng_chance(r, 50) ? ERRDIS_PSECURE : ERRDIS_BPDU;
    return how;
}

/* The dock's switch port closed while docked: err-disabled by the switch (port security seeing
 * another MAC behind the dock, BPDU guard seeing a BPDU from a dock's bridge, a link flapping)
 * two times in three, else shut by the network team; errdisable recovery or the team opens it
 * minutes later. The laptop sees only its dock's adapter lose its carrier, the adapter still
 * there (not an undock), and its Wi-Fi does not take over (out of range, or off). Half the time
 * the switch says nothing (not configured); else it sends traps, syslog, or is read. Without
 * its word, a port shut reads as a cable pulled at the dock; with it, the port. */
static int64_t dock_port_shut(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = dock_laptop(tl, r, acc_rng_chance(r, 50));
    struct acc_switch *sw = &w->sw[w->m[m].sw];
    switch_talks(sw, r);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int64_t a = acc_overdue(w, s);
    if (e < a + 60000)
        e = a + 60000;
    int err = acc_rng_below(r, 3) != 0;
    struct acc_incident *i = acc_inc(tl, err ? INC_ERR_DISABLE : INC_PORT_SHUT, m, -1, s, e);
    if (err)
        i->code = acc_rng_chance(r, 50) ? ERRDIS_PSECURE : ERRDIS_BPDU;
    unsigned word = err ? 1u << WORD_ERR : 1u << WORD_SHUT;
    int64_t ask = ask_in(r, a, e);
    acc_item_switch(acc_item(tl, PHASE_NOW, m, ask, 0, 1, "port_disabled", NOGASP_WIRED, NULL),
                    word, s - 5000, 0, "port_disabled", NULL);
    acc_item_switch(
        acc_item(tl, PHASE_HISTORY, m, s, e, 1, "port_disabled", "cable_unplugged", NULL), word,
        s - 5000, 0, "port_disabled", NULL);
    acc_note(tl, "err %lld talk %lld ", err, sw->talk);
    return e;
}

/* The dock's way lost while docked under Windows' default policy (one connection to the
 * domain's network): its port err-disabled or shut (two times in three; the switch's dice as
 * above) or its cable pulled at the dock, and Windows connects the Wi-Fi 3-20 s later and
 * leases on it (4 s). Once the port is open again (3-12 min), Windows lets the Wi-Fi go.
 * Asked once heard over the Wi-Fi: it reports. When the seconds before the Wi-Fi made a
 * silence (2-5 s heartbeats), its history: the dock's link lost with the adapter still there -
 * the port or the cable, which the switch's word settles; not a desk move (it came back on
 * the Wi-Fi's subnet, the dock's adapter where it was). */
static int64_t dock_port_to_wifi(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = dock_laptop(tl, r, acc_rng_chance(r, 50));
    int64_t fb = acc_rng_ms(r, 3, 20);
    w->m[m].wifi_fallback_ms = fb;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    static const enum acc_inc_kind ways[3] = {INC_ERR_DISABLE, INC_PORT_SHUT, INC_CABLE};
    unsigned how = way_lost(tl, r, m, s, e, ways);
    switch_talks(&w->sw[w->m[m].sw], r);
    int64_t heard = s + fb + 4000;
    acc_item(tl, PHASE_NOW, m, heard + 2 * acc_iv(w) + 10000, 0, 0, "reporting", NULL);
    if (heard - s > 3 * acc_iv(w) + 5000) {
        /* Without the switch's word: a laptop unplugged from its own port and carried off
         * reads the same (the wired link lost, the adapter still there, back over the Wi-Fi). */
        struct acc_item *h = how < 2
                                 ? acc_item(tl, PHASE_HISTORY, m, s, heard, 1, "port_disabled",
                                            "cable_unplugged", "removed", NULL)
                                 : acc_item(tl, PHASE_HISTORY, m, s, heard, 1, "cable_unplugged",
                                            "port_disabled", "removed", NULL);
        if (how < 2)
            acc_item_switch(h, how == 0 ? 1u << WORD_ERR : 1u << WORD_SHUT, s - 5000, 0,
                            "port_disabled", NULL);
        else
            acc_item_switch(h, 1u << WORD_LOST, s - 5000, 1, "cable_unplugged", "faulty_adapter",
                            "removed", NULL);
    }
    acc_note(tl, "how %lld wifi %+llds ", how, fb / 1000);
    return e;
}

/* Windows keeping the Wi-Fi associated while docked (the policy "Minimize the number of
 * simultaneous connections" off): both adapters up and leased, the dock's with the lower
 * metric. When the dock's way goes (its cable pulled at the dock, its port shut or
 * err-disabled, its switch's power), the agent tells the dock's adapter's carrier lost and
 * goes on reporting over the Wi-Fi: no silence. Four times in ten its wired link is lost for
 * 3-12 min: asked while it is (a heartbeat past three, when it would be overdue) and once it is
 * back: it reports. Three in ten the switch loses its power: two of its other machines asked
 * (the switch's set: the laptop is no longer of it), the laptop (it reports). Three in ten the
 * cable is pulled at the dock and, 1-4 min later, on the Wi-Fi, its agent is killed: its own
 * silence, not the cable it outlived. */
static int64_t dock_wifi_kept(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    unsigned v = acc_rng_below(r, 10);
    int m = dock_laptop(tl, r, v >= 4 && v < 7 ? 0 : acc_rng_chance(r, 50));
    w->m[m].wifi_kept = 1;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int64_t a = acc_overdue(w, s);
    if (e < a + 60000)
        e = a + 60000;
    if (v < 4) {
        static const enum acc_inc_kind ways[3] = {INC_CABLE, INC_PORT_SHUT, INC_ERR_DISABLE};
        unsigned how = way_lost(tl, r, m, s, e, ways);
        if (how)
            switch_talks(&w->sw[w->m[m].sw], r);
        acc_item(tl, PHASE_NOW, m, a + acc_rng_ms(r, 5, 30), 0, 0, "reporting", NULL);
        acc_item(tl, PHASE_NOW, m, e + 2 * acc_iv(w) + 10000, 0, 0, "reporting", NULL);
        acc_note(tl, "wired lost %lld for %llds ", how, (e - s) / 1000);
        return e;
    }
    if (v < 7) {
        acc_inc(tl, INC_SWITCH_DOWN, -1, 0, s, e);
        int64_t ask = a + acc_rng_ms(r, 5, 30);
        for (int j = 1; j <= 2 && j < w->sw_count[0]; j++) {
            int x = w->sw_first[0] + j;
            acc_item(tl, PHASE_NOW, x, ask, 0, 1, "lost_connectivity", SWITCH_SET, NULL)->places =
                PLACE_NETWORK | PLACE_MACHINE;
            acc_item(tl, PHASE_HISTORY, x, s, e, 0, "lost_connectivity", "port_disabled", NULL);
        }
        acc_item(tl, PHASE_NOW, m, ask, 0, 0, "reporting", NULL);
        acc_note(tl, "switch down for %llds %lld ", (e - s) / 1000, 0);
        return e;
    }
    int64_t k = s + acc_rng_ms(r, 60, 240), ke = k + acc_silence_len(r, w);
    acc_inc(tl, INC_CABLE, m, -1, s, ke + 2 * MIN);
    acc_inc(tl, INC_AGENT_CRASH, m, -1, k, ke);
    int64_t ka = acc_overdue(w, k);
    int64_t ask = ask_in(r, ka, ke);
    acc_item(tl, PHASE_NOW, m, ask, 0, 1, "agent_crashed", NOGASP_WIFI, NULL);
    acc_item(tl, PHASE_HISTORY, m, k, ke, 0, "agent_crashed", NULL);
    acc_note(tl, "cable then agent killed %+llds for %llds ", (k - s) / 1000, (ke - k) / 1000);
    return ke + 2 * MIN;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} docks[] = {
    {"undock_to_wifi", undock_to_wifi},
    {"undock_asleep", undock_asleep},
    {"dock_elsewhere", dock_elsewhere},
    {"undock_switch_down", undock_switch_down},
    {"dock_flap", dock_flap},
    {"undock_silent", undock_silent},
    {"dock_port_shut", dock_port_shut},
    {"dock_wifi_kept", dock_wifi_kept},
    {"dock_port_to_wifi", dock_port_to_wifi},
};

unsigned acc_docks_count(void)
{
    return sizeof(docks) / sizeof(docks[0]);
}

const char *acc_docks_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    int64_t end = docks[k].make(tl, r);
    acc_items_back(tl);
    tl->w.t_end = end + 10 * MIN;
    return docks[k].name;
}
