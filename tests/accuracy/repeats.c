/* Class repeats: one machine silent again and again, each gap for its own cause (a reboot loop,
 * sleep cycles, a flapping cable or Wi-Fi, a return that delivers part of its spool before the
 * next cause, a return whose reports arrive after the next gap began, a quick reboot between two
 * gaps). Each gap is asked about while it lasts and once the machine is back (as soon as its
 * return is stored, often during the next gap), and again at the end: a gap's answer is its own
 * cause, never a neighbouring gap's evidence, and does not move once given. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

/* A gap long enough to be overdue and asked about: three heartbeats, then seconds to minutes. */
static int64_t gap_len(struct acc_rng *r, const struct acc_world *w, int64_t lo_s, int64_t hi_s)
{
    return 3 * acc_iv(w) + acc_sec(25) + acc_rng_ms(r, lo_s, hi_s);
}

/* Asked while silent: once surely overdue, before the return. */
static int64_t ask_in(struct acc_rng *r, const struct acc_world *w, int64_t s, int64_t e)
{
    return acc_pick(r, acc_overdue(w, s), e - acc_sec(10));
}

/* The history just added is asked as soon as the return is stored (a return of seconds: asked
 * during the next gap, as an admin looking back while it is silent again). */
static void asked_once_back(struct acc_timeline *tl)
{
    tl->items[tl->n_items - 1].wait = 1000;
}

/* The machine: wired on the first access switch, or (Wi-Fi one time in wifi_pct) the first
 * wireless one. */
static int pick_machine(const struct acc_world *w, struct acc_rng *r, unsigned wifi_pct)
{
    if (acc_rng_chance(r, wifi_pct))
        return w->first_wifi;
    return w->sw_first[0] + (int)acc_rng_below(r, (unsigned)w->sw_count[0]);
}

/* A gap of kind k on machine m, with its questions (the sleep ones here, the rest as
 * worlds.c's lone silences); a Wi-Fi machine's lost beacons as its own. */
static void gap(struct acc_timeline *tl, struct acc_rng *r, enum acc_inc_kind k, int m, int64_t s,
                int64_t e)
{
    struct acc_world *w = &tl->w;
    int64_t ask = ask_in(r, w, s, e);
    if (k == INC_SLEEP) {
        acc_inc(tl, k, m, -1, s, e)->unnamed = w->m[m].windows && acc_rng_chance(r, 50);
        acc_item(tl, PHASE_NOW, m, ask, 0, 0, "sleep", NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "sleep", NULL);
    } else if (k == INC_CARRIED) {
        /* Out of its access point's range and back on it: a bad spot, a flapping radio. */
        acc_inc(tl, k, m, -1, s, e)->to_sw = 0;
        acc_item(tl, PHASE_NOW, m, ask, 0, 1, "wireless_association", NOGASP_WIFI, NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 1, "wireless_association", "removed", NULL)->alt_need =
            1;
    } else {
        acc_worlds_solo(tl, k, m, s, e, ask);
    }
    asked_once_back(tl);
}

/* Appends words to the timeline's modifiers (what the examples print of it). */
static void tag(struct acc_timeline *tl, const char *a, const char *b)
{
    size_t n = strlen(tl->modifiers);
    snprintf(tl->modifiers + n, sizeof(tl->modifiers) - n, "%s %s ", a, b);
}

/* The fleet's modifiers name the heartbeat it drew; a scenario that sets its own says so. */
static void set_interval(struct acc_timeline *tl, unsigned s)
{
    char *p = strstr(tl->modifiers, "interval");
    tl->w.interval_s = s;
    if (p)
        snprintf(p, sizeof(tl->modifiers) - (size_t)(p - tl->modifiers), "interval%u ", s);
}

/* A crash or power loss, again and again: it boots, reports a heartbeat or two, dies again. */
static int64_t reboot_loop(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = pick_machine(w, r, 20);
    int n = 3 + (int)acc_rng_below(r, 2);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s;
    for (int i = 0; i < n; i++) {
        e = s + gap_len(r, w, 0, w->interval_s <= 10 ? 150 : 240);
        gap(tl, r, INC_POWER_CUT, m, s, e);
        /* Booted (DHCP on Windows), a heartbeat or two, then down again. */
        s = e + acc_sec(6) + (1 + (int64_t)acc_rng_below(r, 2)) * acc_iv(w) +
            acc_rng_ms(r, 1, w->interval_s / 2 + 1);
    }
    acc_note(tl, "power cuts %lld back %llds ", n, (s - e) / 1000);
    return e;
}

/* Asleep, awake a minute or two, asleep again; then hibernated. */
static int64_t sleep_cycles(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = pick_machine(w, r, 50);
    int n = 2 + (int)acc_rng_below(r, 2);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s;
    for (int i = 0; i <= n; i++) {
        enum acc_inc_kind k = i < n ? INC_SLEEP : INC_HIBERNATE;
        e = s + gap_len(r, w, 0, i < n ? 360 : 720);
        gap(tl, r, k, m, s, e);
        s = e + acc_rng_ms(r, 60, 120);
    }
    acc_note(tl, "sleeps %lld then hibernation %lld ", n, 1);
    return e;
}

/* A flapping cable (or a laptop at the edge of its access point's range): lost and back again,
 * the returns seconds long. */
static int64_t flapping_link(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = pick_machine(w, r, 30);
    int wifi = w->m[m].wireless;
    int n = 3 + (int)acc_rng_below(r, 2);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s;
    for (int i = 0; i < n; i++) {
        e = s + gap_len(r, w, 0, 120);
        int first = tl->n_items;
        gap(tl, r, wifi ? INC_CARRIED : INC_CABLE, m, s, e);
        /* Dropped again and again, a cable that loses contact reads as an adapter failing
         * (the same next step: the cable first, then the adapter): either is honest. */
        for (int j = first; j < tl->n_items && i > 0 && !wifi; j++)
            if (tl->items[j].n_accept < ACC_SET_MAX)
                tl->items[j].accept[tl->items[j].n_accept++] = "faulty_adapter";
        s = e + acc_rng_ms(r, 8, 40);
    }
    acc_note(tl, "flaps %lld wifi %lld ", n, wifi);
    return e;
}

/* Minutes cut off at 2 or 5 s heartbeats spool more than one report holds; back for less than
 * a second: the first report of the flush reaches the collector, then the link drops (its power
 * cut, or the other of cable and port) and the rest of the spool comes after the second gap. */
static int64_t partial_spool(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    set_interval(tl, acc_rng_chance(r, 67) ? 2 : 5);
    int m = pick_machine(w, r, 0);
    struct acc_machine *mc = &w->m[m];
    int cable = acc_rng_chance(r, 50);
    enum acc_inc_kind k1 = cable ? INC_CABLE : INC_PORT_SHUT;
    enum acc_inc_kind k2 = acc_rng_chance(r, 50) ? INC_POWER_CUT
                           : cable               ? INC_PORT_SHUT
                                                 : INC_CABLE;
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    /* 300-480 heartbeats spooled: a report holds 256 events. */
    int64_t e1 = s1 + (w->interval_s == 2 ? acc_rng_ms(r, 600, 960) : acc_rng_ms(r, 1500, 2400));
    /* Its first flush: at once on Linux, once leased again on Windows (4 s). */
    int64_t flush = e1 + (mc->windows ? acc_sec(4) : 0);
    mc->post_ms = 500 + (int64_t)acc_rng_below(r, 400);
    int64_t s2 = flush + 100 + (int64_t)acc_rng_below(r, (unsigned)(mc->post_ms - 200));
    int64_t e2 = s2 + gap_len(r, w, 60, 360);
    gap(tl, r, k1, m, s1, e1);
    /* Asked once its first report is stored (the benchmark asks a history once a report sent
     * after the silence's end is heard: on Linux that report leaves at e1 itself). */
    for (int i = 0; i < tl->n_items; i++)
        if (tl->items[i].phase == PHASE_HISTORY)
            tl->items[i].inc_end = e1 - 1000;
    gap(tl, r, k2, m, s2, e2);
    tag(tl, acc_inc_name(k1), acc_inc_name(k2));
    acc_note(tl, "post %lldms drop %+lldms ", mc->post_ms, s2 - flush);
    return e2;
}

/* Back from a first cause, its first reports held in the path (they reach the collector 12-20 s
 * later, the agent's wait over); a second, different cause begins before they arrive. */
static int64_t late_return(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    static const enum acc_inc_kind kinds[] = {INC_CABLE,    INC_PORT_SHUT,   INC_POWER_CUT,
                                              INC_SHUTDOWN, INC_AGENT_CRASH, INC_HIBERNATE};
    int m = pick_machine(w, r, 0);
    struct acc_machine *mc = &w->m[m];
    unsigned a = acc_rng_below(r, 6), b = (a + 1 + acc_rng_below(r, 5)) % 6;
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t e1 = s1 + gap_len(r, w, 20, 300);
    mc->held_from = e1;
    mc->held_to = e1 + acc_rng_ms(r, 15, 30);
    /* After its first report left (boot, lease): 9-14 s after the return. */
    int64_t s2 = e1 + acc_rng_ms(r, 9, 14);
    int64_t e2 = s2 + gap_len(r, w, 60, 360);
    gap(tl, r, kinds[a], m, s1, e1);
    /* Its return is stored up to 20 s into the second gap: asked once overdue from then. */
    gap(tl, r, kinds[b], m, s2, e2);
    for (int i = 0; i < tl->n_items; i++)
        if (tl->items[i].phase == PHASE_NOW && tl->items[i].ask_at > s2 &&
            tl->items[i].ask_at < acc_overdue(w, s2) + acc_sec(25))
            tl->items[i].ask_at = acc_overdue(w, s2) + acc_sec(25);
    tag(tl, acc_inc_name(kinds[a]), acc_inc_name(kinds[b]));
    return e2;
}

/* A first gap, back minutes; a reboot quicker than a heartbeat (a restart, or a power blip);
 * back minutes; a second gap of another cause. Between the gaps the machine is "reporting". */
static int64_t quick_reboot_between(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    static const enum acc_inc_kind kinds[] = {INC_CABLE,    INC_PORT_SHUT,   INC_POWER_CUT,
                                              INC_SHUTDOWN, INC_AGENT_CRASH, INC_HIBERNATE};
    set_interval(tl, acc_rng_chance(r, 50) ? 30 : 60);
    int m = pick_machine(w, r, 0);
    unsigned a = acc_rng_below(r, 6), b = (a + 1 + acc_rng_below(r, 5)) % 6;
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t e1 = s1 + gap_len(r, w, 20, 300);
    int64_t q = e1 + acc_rng_ms(r, 60, 240);
    int64_t qe = q + acc_rng_ms(r, 5, w->interval_s - 10);
    int blip = acc_rng_chance(r, 50);
    acc_inc(tl, blip ? INC_POWER_CUT : INC_SHUTDOWN, m, -1, q, qe);
    int64_t s2 = qe + 2 * acc_iv(w) + acc_rng_ms(r, 30, 180);
    int64_t e2 = s2 + gap_len(r, w, 60, 360);
    gap(tl, r, kinds[a], m, s1, e1);
    acc_item(tl, PHASE_NOW, m, acc_pick(r, qe + 2 * acc_iv(w), s2 - acc_sec(5)), 0, 0, "reporting",
             NULL);
    gap(tl, r, kinds[b], m, s2, e2);
    tag(tl, acc_inc_name(kinds[a]), blip ? "blip" : "restart");
    tag(tl, acc_inc_name(kinds[b]), "");
    return e2;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} repeats[] = {
    {"reboot_loop", reboot_loop},     {"sleep_cycles", sleep_cycles},
    {"flapping_link", flapping_link}, {"partial_spool", partial_spool},
    {"late_return", late_return},     {"quick_reboot_between", quick_reboot_between},
};

unsigned acc_repeats_count(void)
{
    return sizeof(repeats) / sizeof(repeats[0]);
}

const char *acc_repeats_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    acc_worlds_fleet(tl, r, acc_rng_chance(r, 50));
    int64_t end = repeats[k].make(tl, r);
    acc_items_back(tl);
    tl->w.t_end = end + 10 * MIN;
    return repeats[k].name;
}
