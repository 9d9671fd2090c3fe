/* Class reimaged: one name, more than one identity. A Windows machine reinstalled under its
 * name (a new MachineGuid, so a new machine id, a new key and a new SusClientId: client/
 * enrollment), a retired PC replaced by new hardware with its name, or the same identity
 * renamed. The collector refuses a new identity under a name bound to another machine id (409,
 * name_taken, recorded against the owner: store/logic.c whb_store_check_identity) until the
 * admin releases the old binding (whb release NAME); a renamed agent's row takes its new name.
 * The admin asks by the name, as WSUS's console shows it, the way the API answers it
 * (api/machine.c on_why: the name, a 409 listing several, else WSUS's list resolved as the
 * import matches it): the answer must not be the old identity's silence with high confidence
 * while the computer reports, or tries to, under another. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

#define NEW_ANY "identity_refused", "reporting", "ambiguous"

/* A small fleet; the target a wired Windows machine of the first access switch. WSUS's list
 * imported (seven times in ten) a minute in, before anything changes. */
static int fleet(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    acc_worlds_fleet(tl, r, 1);
    int m = w->sw_first[0] + (int)acc_rng_below(r, (unsigned)w->sw_count[0]);
    w->m[m].windows = 1;
    if (acc_rng_chance(r, 70))
        w->wsus_list_at = w->t0 + MIN;
    snprintf(tl->modifiers, sizeof(tl->modifiers), "small %d-machines interval%u wsus-list %d ",
             w->n, w->interval_s, w->wsus_list_at != 0);
    return m;
}

/* The new identity of machine m: its own machine id, key (feed.c: one per slot) and
 * SusClientId, same name; new hardware has its own MAC and lease. Its agent starts at start. */
static int new_identity(struct acc_world *w, int m, int64_t start, int hardware)
{
    int n = w->n++;
    w->m[n] = w->m[m];
    struct acc_machine *mc = &w->m[n];
    char old[sizeof(mc->id)];
    memcpy(old, mc->id, sizeof(old));
    snprintf(mc->id, sizeof(mc->id), "%.35s-new", old);
    mc->sus[0] = mc->sus[0] == 'f' ? '0' : 'f'; /* another SusClientId */
    mc->sus[1] = 'e';
    if (hardware) {
        mc->mac[15] = mc->mac[15] == 'f' ? '0' : 'f';
        mc->host += 100;
    }
    mc->start_ms = start;
    mc->same_name = m + 1;
    mc->release_at = ACC_NEVER;
    return n;
}

static int64_t ask_between(struct acc_rng *r, int64_t lo, int64_t hi)
{
    return acc_pick(r, lo, hi > lo ? hi : lo);
}

/* Reinstalled (hardware 0) or replaced (1): the old identity shuts down for good at s; the new
 * one's agent starts L later and is refused under the name until the admin releases the old
 * binding (half the time, 2-10 min after its first try) and then enrolls; four times in ten the
 * new one is itself silent later (its cable pulled). */
static int64_t one_name(struct acc_timeline *tl, struct acc_rng *r, int hardware)
{
    struct acc_world *w = &tl->w;
    int m = fleet(tl, r);
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    int64_t len = hardware              ? acc_rng_ms(r, 20 * 60, 90 * 60)
                  : w->interval_s <= 10 ? acc_rng_ms(r, 5 * 60, 20 * 60)
                                        : acc_rng_ms(r, 15 * 60, 45 * 60);
    int64_t start = s + len;
    acc_inc(tl, INC_SHUTDOWN, m, -1, s, ACC_NEVER);
    int n = new_identity(w, m, start, hardware);
    int released = acc_rng_chance(r, 50);
    if (released) /* after its first refusals have been asked about */
        w->m[n].release_at = start + acc_rng_ms(r, 2 * w->interval_s + 30, 600);
    int64_t enrolled = released ? w->m[n].release_at + acc_sec(5) : ACC_NEVER;
    int quiet = acc_rng_chance(r, 40);
    int64_t from = released ? enrolled + 3 * MIN : start + 5 * MIN;
    int64_t c = quiet ? from + acc_rng_ms(r, 0, 300) : ACC_NEVER;
    int64_t end = (quiet ? c : from) + 15 * MIN;
    if (quiet)
        acc_inc(tl, INC_CABLE, n, -1, c, end + 20 * MIN);
    /* While it is being reinstalled: the old identity shut down, it is off. */
    if (acc_rng_chance(r, 50) && acc_overdue(w, s) < start - acc_sec(10))
        acc_item(tl, PHASE_NOW, m, ask_between(r, acc_overdue(w, s), start - acc_sec(10)), 0, 0,
                 "turned_off", NULL);
    /* Refused under its name: the old identity's silence is not the computer's reason. */
    int64_t refused_to = released ? w->m[n].release_at : quiet ? c : end;
    struct acc_item *it =
        acc_item(tl, PHASE_NOW, m,
                 ask_between(r, start + 2 * acc_iv(w) + acc_sec(10), refused_to - acc_sec(10)), 0,
                 0, "identity_refused", "ambiguous", NULL);
    if (it)
        it->must_name = n + 1;
    if (released) {
        it = acc_item(tl, PHASE_NOW, n,
                      ask_between(r, enrolled + 2 * acc_iv(w), (quiet ? c : end) - acc_sec(10)), 0,
                      0, "reporting", "ambiguous", NULL);
        if (it)
            it->must_name = n + 1;
    }
    if (quiet) {
        int64_t a = ask_between(r, acc_overdue(w, c), c + 10 * MIN);
        if (released)
            /* Its own silence, asked by the name it now has alone. */
            acc_item(tl, PHASE_NOW, n, a, 0, 1, "cable_unplugged", NOGASP_WIRED, NULL);
        else {
            /* Refused, then quiet: the refusals stopped, and nothing of the new identity was
             * stored: what silences it now cannot be told (at most medium). */
            it = acc_item(tl, PHASE_NOW, m, a, 0, 1, "identity_refused", NOGASP_WIRED, "ambiguous",
                          NULL);
            if (it)
                it->alt_need = 0, it->must_name = n + 1;
        }
    }
    acc_note(tl, "released %lld quiet %lld ", released, quiet);
    return end;
}

static int64_t reimaged(struct acc_timeline *tl, struct acc_rng *r)
{
    return one_name(tl, r, 0);
}

static int64_t replaced(struct acc_timeline *tl, struct acc_rng *r)
{
    return one_name(tl, r, 1);
}

/* The same identity renamed: restarted (the new name takes effect in the next boot), it
 * reports under its new name; WSUS keeps the old one until the client reports again, and the
 * admin asks by it. Four times in ten its cable is pulled later. */
static int64_t renamed(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = fleet(tl, r);
    struct acc_machine *mc = &w->m[m];
    int64_t s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300), back = s + acc_rng_ms(r, 60, 180);
    snprintf(mc->fqdn_new, sizeof(mc->fqdn_new), "ws-%d.corp.example", m + 1);
    mc->renamed_at = s;
    acc_inc(tl, INC_SHUTDOWN, m, -1, s, back);
    int quiet = acc_rng_chance(r, 40);
    int64_t c = back + 5 * MIN + acc_rng_ms(r, 0, 300), end = c + 15 * MIN;
    /* Without WSUS's list the old name is nothing the collector knows: it keeps no former
     * names, so the renamed computer looks like one that never had an agent (no_agent beside
     * the truth, at most medium). With the list, its SusClientId names the agent. */
    int listed = w->wsus_list_at != 0;
    struct acc_item *it = acc_item(
        tl, PHASE_NOW, m, ask_between(r, back + 2 * acc_iv(w) + acc_sec(30), c - acc_sec(10)), 0,
        !listed, "reporting", "ambiguous", listed ? NULL : "no_agent", NULL);
    if (it)
        it->ask_as = mc->fqdn, it->must_name = m + 1, it->alt_need = 0;
    if (quiet) {
        acc_inc(tl, INC_CABLE, m, -1, c, end + 20 * MIN);
        it = acc_item(tl, PHASE_NOW, m, ask_between(r, acc_overdue(w, c), c + 10 * MIN), 0, 1,
                      "cable_unplugged", NOGASP_WIRED, "ambiguous", listed ? NULL : "no_agent",
                      NULL);
        if (it)
            it->ask_as = mc->fqdn, it->must_name = m + 1, it->alt_need = listed ? it->alt_need : 0;
    }
    acc_note(tl, "quiet %lld %lld ", quiet, 0);
    return end;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} reimaged_scen[] = {
    {"reimaged", reimaged},
    {"replaced", replaced},
    {"renamed", renamed},
};

unsigned acc_reimaged_count(void)
{
    return sizeof(reimaged_scen) / sizeof(reimaged_scen[0]);
}

const char *acc_reimaged_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    int64_t end = reimaged_scen[k].make(tl, r);
    tl->w.t_end = end + 5 * MIN;
    return reimaged_scen[k].name;
}
