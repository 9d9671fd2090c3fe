/* Class overlap: incidents that overlap in time on one switch, on issue 21's fleets. A port shut
 * (or a cable pulled) and, while that machine is still silent, its switch loses power or its
 * uplink and comes back; the reverse, a machine unplugged while its switch is down, silent long
 * after the switch is back; one machine silent twice within minutes for two causes; a machine
 * shut down cleanly seconds before its switch fails. Each silence keeps its own cause: a later
 * group silence must not rewrite an earlier one's answer, nor an earlier cause a later one's. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

/* The access switch with the most machines (the first of them on a tie). */
static int biggest_switch(const struct acc_world *w)
{
    int a = 0;
    for (int s = 1; s < w->n_access; s++)
        if (w->sw_count[s] > w->sw_count[a])
            a = s;
    return a;
}

static void note(struct acc_timeline *tl, const char *what, int64_t d)
{
    size_t n = strlen(tl->modifiers);
    snprintf(tl->modifiers + n, sizeof(tl->modifiers) - n, "%s %+llds ", what,
             (long long)(d / 1000));
}

/* The switch's other machines (all but x), silent together from a to b for its power (k
 * INC_SWITCH_DOWN) or its uplink: two of them asked at ask and afterwards. `whole`: every
 * machine of the switch went quiet with them (else x had gone quiet before them for a cause of
 * its own, minutes or seconds earlier, and the group is the rest). A lone neighbour of a power cut
 * only lost its link: from its own word a cable or a port as well. */
static void others(struct acc_timeline *tl, enum acc_inc_kind k, int A, int x, int64_t a, int64_t b,
                   int64_t ask, int whole)
{
    struct acc_world *w = &tl->w;
    int n = w->sw_count[A] - 1, asked = 0;
    for (int j = 0; j < w->sw_count[A] && asked < 2; j++) {
        int m = w->sw_first[A] + j;
        if (m == x)
            continue;
        asked++;
        struct acc_item *now;
        if (whole)
            now = acc_item(tl, PHASE_NOW, m, ask, 0, 1, "lost_connectivity", SWITCH_SET, NULL);
        else if (n >= 2)
            now = acc_item(tl, PHASE_NOW, m, ask, 0, 1, "lost_connectivity", GROUP_SET, NULL);
        else
            now = acc_item(tl, PHASE_NOW, m, ask, 0, 1, "lost_connectivity", NOGASP_WIRED, NULL);
        now->places = PLACE_NETWORK | PLACE_MACHINE;
        if (k == INC_UPLINK)
            acc_item(tl, PHASE_HISTORY, m, a, b, 0, "lost_connectivity", NULL);
        else if (n >= 2 || whole)
            acc_item(tl, PHASE_HISTORY, m, a, b, 0, "lost_connectivity", "port_disabled", NULL);
        else {
            /* Its link lost alone: a cable or a port as likely as the switch (one of them
             * beside the answer). */
            struct acc_item *h = acc_item(tl, PHASE_HISTORY, m, a, b, 1, "lost_connectivity",
                                          "cable_unplugged", "port_disabled", NULL);
            h->places = PLACE_NETWORK | PLACE_MACHINE;
            h->alt_need = 1;
        }
    }
}

/* A machine's port shut (or its cable pulled); once it is overdue, its switch loses power (or
 * its uplink) and comes back while the machine stays silent. Its answers are its own before,
 * during and after the switch's silence, and its history is not the group's. */
static int64_t own_then_switch(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = biggest_switch(w), x = w->sw_first[A] + w->sw_count[A] - 1;
    enum acc_inc_kind kx = acc_rng_chance(r, 50) ? INC_CABLE : INC_PORT_SHUT;
    enum acc_inc_kind k = acc_rng_chance(r, 67) ? INC_SWITCH_DOWN : INC_UPLINK;
    int64_t sx = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t s = acc_overdue(w, sx) + acc_rng_ms(r, 10, 300), e = s + acc_silence_len(r, w);
    int64_t ex = e + 3 * acc_iv(w) + acc_rng_ms(r, 60, 8 * 60);
    int64_t ask1 = acc_rng_chance(r, 50) ? acc_pick(r, acc_overdue(w, sx), s - acc_sec(5)) : 0;
    acc_worlds_solo(tl, kx, x, sx, ex, ask1);
    acc_inc(tl, k, -1, A, s, e);
    int64_t during = acc_pick(r, acc_overdue(w, s) + acc_sec(5), e - acc_sec(30));
    /* While its switch is down too, and once the switch is back and its neighbours report. */
    const char *t = kx == INC_CABLE ? "cable_unplugged" : "port_disabled";
    acc_item(tl, PHASE_NOW, x, during, 0, 1, t, NOGASP_WIRED, NULL);
    acc_item(tl, PHASE_NOW, x, acc_pick(r, e + 3 * acc_iv(w) + acc_sec(30), ex - acc_sec(10)), 0, 1,
             t, NOGASP_WIRED, NULL);
    others(tl, k, A, x, s, e, during, 0);
    note(tl, acc_inc_name(kx), 0);
    note(tl, acc_inc_name(k), s - sx);
    return ex;
}

/* A switch loses power (or its uplink); while it is down, one of its machines' cable is pulled,
 * and it stays unplugged long after the switch is back. Once the others report, it is silent
 * for a cause that is not the switch's; its history began with the switch and outlasted it. */
static int64_t switch_then_unplugged(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = biggest_switch(w), x = w->sw_first[A] + w->sw_count[A] - 1;
    enum acc_inc_kind k = acc_rng_chance(r, 67) ? INC_SWITCH_DOWN : INC_UPLINK;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    if (e < s + 4 * MIN)
        e = s + 4 * MIN;
    int64_t c = acc_pick(r, s + acc_sec(30), e - acc_sec(30)),
            ex = e + 3 * acc_iv(w) + acc_rng_ms(r, 60, 9 * 60);
    acc_inc(tl, k, -1, A, s, e);
    acc_inc(tl, INC_CABLE, x, -1, c, ex);
    int64_t during = acc_pick(r, acc_overdue(w, s) + acc_sec(5), e - acc_sec(30));
    acc_item(tl, PHASE_NOW, x, during, 0, 1, "lost_connectivity", SWITCH_SET, NULL)->places =
        PLACE_NETWORK | PLACE_MACHINE;
    acc_item(tl, PHASE_NOW, x, acc_pick(r, e + 3 * acc_iv(w) + acc_sec(30), ex - acc_sec(10)), 0, 1,
             "cable_unplugged", NOGASP_WIRED, NULL);
    /* The switch began it, its cable kept it: either, at most medium, the other beside it. */
    struct acc_item *h = acc_item(tl, PHASE_HISTORY, x, s, ex, 1, "lost_connectivity",
                                  "cable_unplugged", "port_disabled", NULL);
    h->places = PLACE_NETWORK | PLACE_MACHINE;
    h->alt_need = 1;
    others(tl, k, A, x, s, e, during, 1);
    note(tl, acc_inc_name(k), 0);
    note(tl, "cable", c - s);
    return ex;
}

/* One machine silent twice within minutes, for two different causes: the first told as soon
 * as it is back (and asked again at the end: it must not move), the second by its own word. */
static int64_t twice(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    static const enum acc_inc_kind wired[] = {INC_PORT_SHUT, INC_CABLE,       INC_POWER_CUT,
                                              INC_SHUTDOWN,  INC_AGENT_CRASH, INC_HIBERNATE};
    static const enum acc_inc_kind air[] = {INC_POWER_CUT, INC_SHUTDOWN, INC_AGENT_CRASH,
                                            INC_HIBERNATE};
    int wifi = acc_rng_chance(r, 20);
    int x = wifi ? w->first_wifi : w->sw_first[0] + (int)acc_rng_below(r, (unsigned)w->sw_count[0]);
    unsigned n = wifi ? 4 : 6, a = acc_rng_below(r, n), b = (a + 1 + acc_rng_below(r, n - 1)) % n;
    enum acc_inc_kind k1 = wifi ? air[a] : wired[a], k2 = wifi ? air[b] : wired[b];
    int64_t s1 = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t e1 = acc_overdue(w, s1) + acc_rng_ms(r, 20, 240);
    int64_t s2 = e1 + 2 * acc_iv(w) + acc_sec(20) + acc_rng_ms(r, 0, 180),
            e2 = s2 + acc_silence_len(r, w);
    int64_t ask1 = e1 - acc_overdue(w, s1) > acc_sec(40)
                       ? acc_pick(r, acc_overdue(w, s1), e1 - acc_sec(20))
                       : 0;
    acc_worlds_solo(tl, k1, x, s1, e1, ask1);
    tl->items[tl->n_items - 1].wait = 2 * acc_iv(w) + acc_sec(10); /* asked as soon as it is back */
    acc_worlds_solo(tl, k2, x, s2, e2, acc_pick(r, acc_overdue(w, s2), e2 - MIN));
    note(tl, acc_inc_name(k1), 0);
    note(tl, acc_inc_name(k2), s2 - s1);
    return e2;
}

/* A machine shut down cleanly seconds before its switch loses power (or its uplink); it is
 * started again after the switch is back. Its last gasp is its own answer; the others are the
 * switch's. */
static int64_t shutdown_then_switch(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int A = biggest_switch(w), x = w->sw_first[A] + w->sw_count[A] - 1;
    enum acc_inc_kind k = acc_rng_chance(r, 67) ? INC_SWITCH_DOWN : INC_UPLINK;
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), e = s + acc_silence_len(r, w);
    int64_t sx = s - acc_rng_ms(r, 2, 20), ex = e + acc_rng_ms(r, 60, 10 * 60);
    acc_inc(tl, k, -1, A, s, e);
    int64_t ask = acc_pick(r, acc_overdue(w, s) + acc_sec(5), e - acc_sec(30));
    acc_worlds_solo(tl, INC_SHUTDOWN, x, sx, ex, ask);
    others(tl, k, A, x, s, e, ask, 0);
    note(tl, acc_inc_name(k), sx - s);
    return ex;
}

static const char *const names[] = {"own_then_switch", "switch_then_unplugged", "twice_two_causes",
                                    "shutdown_then_switch"};

unsigned acc_overlap_count(void)
{
    return sizeof(names) / sizeof(names[0]);
}

const char *acc_overlap_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    acc_worlds_fleet(tl, r, acc_rng_chance(r, 50));
    struct acc_world *w = &tl->w;
    int64_t end;
    switch (k) {
    case 0:
        end = own_then_switch(tl, r);
        break;
    case 1:
        end = switch_then_unplugged(tl, r);
        break;
    case 2:
        end = twice(tl, r);
        break;
    default:
        end = shutdown_then_switch(tl, r);
        break;
    }
    /* Once back, `why` must say it reports. */
    for (int j = 0, n = tl->n_items; j < n; j++) {
        const struct acc_item *h = &tl->items[j];
        if (h->phase == PHASE_HISTORY)
            acc_item(tl, PHASE_BACK, h->machine, h->inc_start, h->inc_end, 0, "reporting", NULL);
    }
    w->t_end = end + 10 * MIN;
    return names[k];
}
