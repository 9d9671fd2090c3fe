/* Class lossy: a machine comes back with its evidence partly lost, as happens in the field. Its
 * spool is bounded (client/spool.c: heartbeats dropped first, then events refused), its disk
 * may be full (nothing spooled, and the agent cannot start: client/persist.c writes its run file
 * first), a power loss takes what was written since the last fsync (heartbeats and delivery
 * failures are not synced) and may leave a torn record that the next start cuts and tells, and
 * its state directory may be lost (a reinstall, a profile cleanup: no run file, so no
 * UNCLEAN_STOP). With evidence lost an answer must not be confidently wrong: where what
 * survives cannot separate causes the item is capped and "unknown" is honest. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

#define SPOOL_MIN 65536 /* SpoolMaxBytes' least value (client/settings.c) */

/* A small fleet at a short heartbeat (2-10 s): where a silence fills a spool within the hour. */
static void fleet(struct acc_timeline *tl, struct acc_rng *r)
{
    static const unsigned iv[] = {2, 2, 5, 5, 10};
    acc_worlds_fleet(tl, r, 1);
    tl->w.interval_s = iv[acc_rng_below(r, 5)];
    snprintf(tl->modifiers, sizeof(tl->modifiers), "small %d-machines interval%u ", tl->w.n,
             tl->w.interval_s);
}

/* A wired machine of the first access switch. */
static int wired(const struct acc_world *w, struct acc_rng *r)
{
    return w->sw_first[0] + (int)acc_rng_below(r, (unsigned)w->sw_count[0]);
}

static int64_t start_of(const struct acc_world *w, struct acc_rng *r)
{
    return w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
}

/* Asked while silent: once overdue, before the end. */
static int64_t ask_in(struct acc_rng *r, const struct acc_world *w, int64_t s, int64_t e)
{
    return acc_pick(r, acc_overdue(w, s), e - acc_sec(10));
}

/* Cable pulled or port shut [s, e): its kind. */
static enum acc_inc_kind link_cause(struct acc_rng *r)
{
    return acc_rng_chance(r, 50) ? INC_CABLE : INC_PORT_SHUT;
}

static const char *name_of(enum acc_inc_kind k)
{
    return k == INC_CABLE         ? "cable_unplugged"
           : k == INC_PORT_SHUT   ? "port_disabled"
           : k == INC_DHCP_LOST   ? "lost_connectivity"
           : k == INC_AGENT_CRASH ? "agent_crashed"
                                  : "turned_off";
}

/* A silence long enough at this heartbeat to fill a 64 KiB spool with undelivered heartbeats
 * (about 70 bytes each) and go on 20-100 % longer: the oldest are dropped, the events kept. */
static int64_t spool_full(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    w->m[m].spool_max = SPOOL_MIN;
    unsigned roll = acc_rng_below(r, 10);
    enum acc_inc_kind k = roll < 4 ? INC_CABLE : roll < 7 ? INC_PORT_SHUT : INC_DHCP_LOST;
    int64_t fill = (int64_t)(SPOOL_MIN / 70) * acc_iv(w);
    int64_t s = start_of(w, r), e = s + fill + fill * (20 + acc_rng_below(r, 81)) / 100;
    acc_inc(tl, k, m, -1, s, e);
    const char *t = name_of(k);
    acc_item(tl, PHASE_NOW, m, ask_in(r, w, s, e), 0, 1, t, NOGASP_WIRED, NULL);
    if (k == INC_DHCP_LOST)
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, t, NULL);
    else
        acc_item(tl, PHASE_HISTORY, m, s, e, 1, t, "cable_unplugged", "port_disabled", NULL);
    acc_note(tl, "cause %lld %lld min ", (long long)k, (e - s) / MIN);
    return e;
}

/* The disk fills 0-10 min before the silence and is freed during it, or only after the return
 * (the agent's writes fail: nothing is spooled; stopped, it cannot start again until then). */
static int64_t disk_full(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    static const enum acc_inc_kind kinds[] = {INC_CABLE,       INC_PORT_SHUT, INC_CABLE,
                                              INC_AGENT_CRASH, INC_POWER_CUT, INC_SHUTDOWN};
    enum acc_inc_kind k = kinds[acc_rng_below(r, 6)];
    int64_t s = start_of(w, r), e = s + acc_silence_len(r, w);
    int freed_during = acc_rng_chance(r, 50);
    w->m[m].disk_full_at = s - acc_rng_ms(r, 0, 600);
    w->m[m].disk_free_at =
        freed_during ? acc_pick(r, s + MIN, e - acc_sec(30)) : e + acc_rng_ms(r, 10, 180);
    acc_inc(tl, k, m, -1, s, e);
    const char *t = name_of(k);
    int64_t back = e > w->m[m].disk_free_at ? e : w->m[m].disk_free_at;
    if (k != INC_SHUTDOWN)
        acc_item(tl, PHASE_NOW, m, ask_in(r, w, s, e), 0, 1, t, NOGASP_WIRED, NULL);
    if (k == INC_CABLE || k == INC_PORT_SHUT)
        /* Its link's loss was not kept: only its return (when the disk was freed) is told. */
        acc_item(tl, PHASE_HISTORY, m, s, back, 1, t, "cable_unplugged", "port_disabled",
                 "lost_connectivity", "removed", NULL);
    else
        /* The agent's start (and its unclean stop) is written once it can start. */
        acc_item(tl, PHASE_HISTORY, m, s, back, 0, t, NULL);
    acc_note(tl, "cause %lld freed %+llds ", (long long)k, (w->m[m].disk_free_at - e) / 1000);
    return back;
}

/* Unplugged (or its port shut), then its power cut 1-6 min later while its heartbeats wait in
 * the spool, not yet synced: they are lost with the disk's cache, and one record may be torn.
 * Plugged in again while off, on again minutes later: its CARRIER_LOST (synced) survives, and
 * its UNCLEAN_STOP says "last known alive" at its last delivery, before the cable. */
static int64_t power_torn(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    w->m[m].cache_lost = 1;
    w->m[m].torn = acc_rng_chance(r, 50);
    enum acc_inc_kind k = link_cause(r);
    int64_t s1 = start_of(w, r), s2 = s1 + acc_rng_ms(r, 60, 360);
    int64_t e2 = s2 + acc_silence_len(r, w), c = acc_pick(r, s2 + acc_sec(20), e2 - acc_sec(20));
    acc_inc(tl, k, m, -1, s1, c);
    acc_inc(tl, INC_POWER_CUT, m, -1, s2, e2);
    const char *t = name_of(k);
    int64_t a = ask_in(r, w, s1, e2);
    acc_item(tl, PHASE_NOW, m, a, 0, 1, a < s2 ? t : "turned_off", NOGASP_WIRED, NULL);
    /* Both proven: the link's loss (spooled, synced) and the power's (a new boot, unclean). */
    struct acc_item *h = acc_item(tl, PHASE_HISTORY, m, s1, e2, 0, t, "cable_unplugged",
                                  "port_disabled", "turned_off", NULL);
    if (h)
        h->alt_need = 1;
    acc_note(tl, "power %+llds torn %lld ", (s2 - s1) / 1000, w->m[m].torn);
    return e2;
}

/* Its power cut or its agent killed; before the agent runs again its state directory is lost
 * (reinstalled, cleaned up): no run file, so no UNCLEAN_STOP, and what it had spooled is gone.
 * Half the time it was unplugged 1-5 min before (its spooled CARRIER_LOST lost with it). */
static int64_t state_reset(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = wired(w, r);
    enum acc_inc_kind k = acc_rng_chance(r, 60) ? INC_POWER_CUT : INC_AGENT_CRASH;
    int unplugged = acc_rng_chance(r, 50);
    int64_t s0 = start_of(w, r), s = unplugged ? s0 + acc_rng_ms(r, 60, 300) : s0;
    int64_t e = s + acc_silence_len(r, w);
    if (unplugged)
        acc_inc(tl, INC_CABLE, m, -1, s0, acc_pick(r, s + acc_sec(20), e - acc_sec(20)));
    acc_inc(tl, k, m, -1, s, e);
    w->m[m].wipe_at = acc_pick(r, s + acc_sec(10), e);
    const char *t = name_of(k);
    acc_item(tl, PHASE_NOW, m, ask_in(r, w, s0, e), 0, 1, unplugged ? "cable_unplugged" : t,
             NOGASP_WIRED, NULL);
    if (unplugged)
        /* Nothing of the cable survives: its start is all the collector has. */
        acc_item(tl, PHASE_HISTORY, m, s0, e, 1, "cable_unplugged", t, "port_disabled",
                 "lost_connectivity", "removed", NULL);
    else if (k == INC_POWER_CUT)
        acc_item(tl, PHASE_HISTORY, m, s0, e, 0, t, NULL); /* a new boot: it was off */
    else
        /* Started again in the same boot without a word of how it stopped. */
        acc_item(tl, PHASE_HISTORY, m, s0, e, 0, t, "agent_stopped", NULL);
    acc_note(tl, "cause %lld unplugged %lld ", (long long)k, unplugged);
    return e;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} lossy[] = {
    {"spool_full", spool_full},
    {"disk_full", disk_full},
    {"power_torn", power_torn},
    {"state_reset", state_reset},
};

unsigned acc_lossy_count(void)
{
    return sizeof(lossy) / sizeof(lossy[0]);
}

const char *acc_lossy_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    fleet(tl, r);
    int64_t end = lossy[k].make(tl, r);
    acc_items_back(tl);
    tl->w.t_end = end + 10 * MIN;
    return lossy[k].name;
}
