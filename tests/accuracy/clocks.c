/* Class clocks: a machine's wall clock steps around its own silence, on issue 21's fleets. An
 * NTP or w32time correction while it runs, just before it goes quiet or as it comes back; a
 * machine with a dead RTC battery (or a clock left wrong) that boots after a power cut hours or
 * years off and is corrected minutes later; a laptop (or a VM) resumed with its clock behind.
 * The agent stamps events and reports with the wall clock (client/agent.c now_wall) and
 * schedules, and detects sleep, with the boot clocks, which no step moves: only the stamps
 * change. The truth is the silence's own cause. */
#include <stdio.h>
#include <string.h>

#include "scen.h"

#define HOUR (60 * MIN)

/* Asked while silent: right once overdue three times in ten, else before it ends. */
static int64_t ask_in(struct acc_rng *r, int64_t a, int64_t e)
{
    if (acc_rng_chance(r, 30) || e - MIN <= a + 30000)
        return a + acc_rng_ms(r, 5, 30);
    return a + 30000 + acc_rng_ms(r, 0, (e - MIN - a - 30000) / 1000);
}

static void step(struct acc_world *w, int m, int64_t at, int64_t ms)
{
    struct acc_machine *mc = &w->m[m];
    if (mc->n_steps >= 4)
        return;
    mc->step_at[mc->n_steps] = at;
    mc->step_ms[mc->n_steps++] = ms;
}

/* A correction: the clock ran ms behind (ahead, ms < 0) until at, right from then on. */
static void corrected(struct acc_world *w, int m, int64_t at, int64_t ms)
{
    w->m[m].skew_ms = -ms;
    step(w, m, at, ms);
}

/* An NTP or w32time correction: seconds, minutes or tens of minutes, either way. */
static int64_t ntp_step(struct acc_rng *r)
{
    unsigned size = acc_rng_below(r, 3);
    int64_t ms = size == 0   ? acc_rng_ms(r, 5, 60)
                 : size == 1 ? acc_rng_ms(r, 60, 300)
                             : acc_rng_ms(r, 300, 1800);
    return acc_rng_chance(r, 50) ? ms : -ms;
}

/* A cause of one machine's own silence; a wireless machine has no cable or port of its own. */
static enum acc_inc_kind own_kind(struct acc_rng *r, int wifi)
{
    static const enum acc_inc_kind wired[] = {INC_PORT_SHUT, INC_PORT_SHUT,   INC_CABLE,
                                              INC_CABLE,     INC_POWER_CUT,   INC_POWER_CUT,
                                              INC_SHUTDOWN,  INC_AGENT_CRASH, INC_HIBERNATE};
    static const enum acc_inc_kind air[] = {INC_POWER_CUT, INC_AGENT_CRASH, INC_SHUTDOWN,
                                            INC_HIBERNATE};
    return wifi ? air[acc_rng_below(r, 4)] : wired[acc_rng_below(r, 9)];
}

/* Any machine of the fleet: a wired one four times in five. */
static int target(const struct acc_world *w, struct acc_rng *r)
{
    if (w->first_wifi < w->n && acc_rng_chance(r, 20))
        return w->first_wifi + (int)acc_rng_below(r, (unsigned)(w->n - w->first_wifi));
    return (int)acc_rng_below(r, (unsigned)w->first_wifi);
}

/* One machine's own silence [s, e] with its questions. */
static void own_silence(struct acc_timeline *tl, struct acc_rng *r, enum acc_inc_kind k, int m,
                        int64_t s, int64_t e)
{
    int64_t a = acc_overdue(&tl->w, s);
    acc_worlds_solo(tl, k, m, s, e, ask_in(r, a, e));
}

/* A fleet of issue 21's worlds, and the machine whose clock steps. */
static int fleet_target(struct acc_timeline *tl, struct acc_rng *r)
{
    acc_worlds_fleet(tl, r, acc_rng_chance(r, 50));
    return target(&tl->w, r);
}

/* Its own silence [s, e]: 10-15 min into the timeline, minutes long, surely overdue by e. */
static void silence_of(const struct acc_world *w, struct acc_rng *r, int64_t *s, int64_t *e)
{
    *s = w->t0 + 10 * MIN + acc_rng_ms(r, 0, 300);
    *e = *s + acc_silence_len(r, w);
    if (*e < acc_overdue(w, *s) + MIN)
        *e = acc_overdue(w, *s) + MIN;
}

/* Corrected 0-2 min before the machine goes quiet: events before and after the step are in
 * the last reports, the silence's events and the return after it. */
static int64_t step_before(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = fleet_target(tl, r);
    enum acc_inc_kind k = own_kind(r, w->m[m].wireless);
    int64_t s, e;
    silence_of(w, r, &s, &e);
    int64_t at = s - acc_rng_ms(r, 0, 120), ms = ntp_step(r);
    corrected(w, m, at, ms);
    own_silence(tl, r, k, m, s, e);
    acc_note(tl, "step %+llds %llds before ", ms / 1000, (s - at) / 1000);
    return e;
}

/* Corrected as the machine comes back (the time service syncs once the network returns, or
 * a running machine's source answers again): seconds before to half a minute after its
 * return, while its spool (stamped with the old clock) is being delivered. */
static int64_t step_on_return(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = fleet_target(tl, r);
    enum acc_inc_kind k = own_kind(r, w->m[m].wireless);
    int64_t s, e;
    silence_of(w, r, &s, &e);
    int64_t at = e + acc_rng_ms(r, 0, 35) - 5000, ms = ntp_step(r);
    corrected(w, m, at, ms);
    own_silence(tl, r, k, m, s, e);
    acc_note(tl, "step %+llds at return %+llds ", ms / 1000, (at - e) / 1000);
    return e;
}

/* A power cut on a machine whose RTC battery is dead or whose clock was wrong: it boots with
 * its wall clock hours behind, hours ahead, or at its firmware's epoch (years behind), and the
 * time service steps it right 20 s-5 min after (its network works at once). Its spool holds the
 * previous boot's last alive mark on the right clock and the new boot's start on the wrong
 * one; its first reports are sent on the wrong clock. */
static int64_t dead_rtc(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = fleet_target(tl, r);
    int64_t s, e;
    silence_of(w, r, &s, &e);
    unsigned how = acc_rng_below(r, 3);
    int64_t off = how == 0   ? -acc_rng_ms(r, 2 * 3600, 30 * 3600)
                  : how == 1 ? acc_rng_ms(r, 3600, 14 * 3600)
                             : 946684800000LL - e; /* 2000-01-01 at power on */
    int64_t fix = e + acc_rng_ms(r, 20, 300);
    step(w, m, s, off); /* off: nobody reads it until it boots */
    step(w, m, fix, -off);
    own_silence(tl, r, INC_POWER_CUT, m, s, e);
    acc_note(tl, "booted %+lldh off, fixed %llds later ", off / HOUR, (fix - e) / 1000);
    return fix;
}

/* Resumed from hibernation or sleep (a laptop whose clock drifted while off, or a VM resumed
 * from a saved state) with its clock 1-90 min behind, corrected 10 s-5 min later. */
static int64_t resume_behind(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = fleet_target(tl, r);
    int64_t s, e;
    silence_of(w, r, &s, &e);
    int64_t behind = -acc_rng_ms(r, 60, 90 * 60), fix = e + acc_rng_ms(r, 10, 300);
    step(w, m, e, behind);
    step(w, m, fix, -behind);
    if (acc_rng_chance(r, 50)) {
        own_silence(tl, r, INC_HIBERNATE, m, s, e);
    } else {
        acc_inc(tl, INC_SLEEP, m, -1, s, e);
        acc_item(tl, PHASE_NOW, m, ask_in(r, acc_overdue(w, s), e), 0, 0, "sleep", NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "sleep", NULL);
    }
    acc_note(tl, "resumed %+llds behind, fixed %llds later ", behind / 1000, (fix - e) / 1000);
    return fix;
}

/* Corrected 1-60 min before the agent is killed (two times in three) or stopped, the machine
 * staying up; the service restarts it minutes later in the same boot. A Windows agent names
 * the boot by its wall clock less its tick count: a step across a minute renames it. */
static int64_t step_then_agent(struct acc_timeline *tl, struct acc_rng *r)
{
    struct acc_world *w = &tl->w;
    int m = fleet_target(tl, r);
    int64_t s, e;
    silence_of(w, r, &s, &e);
    int64_t at = s - acc_rng_ms(r, 60, 3600), ms = ntp_step(r);
    if (at < w->t0 + MIN)
        at = w->t0 + MIN;
    corrected(w, m, at, ms);
    if (acc_rng_chance(r, 67)) {
        own_silence(tl, r, INC_AGENT_CRASH, m, s, e);
    } else {
        acc_inc(tl, INC_AGENT_STOP, m, -1, s, e);
        acc_item(tl, PHASE_NOW, m, ask_in(r, acc_overdue(w, s), e), 0, 0, "agent_stopped", NULL);
        acc_item(tl, PHASE_HISTORY, m, s, e, 0, "agent_stopped", NULL);
    }
    acc_note(tl, "step %+llds %llds before ", ms / 1000, (s - at) / 1000);
    return e;
}

static const struct {
    const char *name;
    int64_t (*make)(struct acc_timeline *tl, struct acc_rng *r);
} clocks[] = {
    {"step_before", step_before},     {"step_on_return", step_on_return},   {"dead_rtc", dead_rtc},
    {"resume_behind", resume_behind}, {"step_then_agent", step_then_agent},
};

unsigned acc_clocks_count(void)
{
    return sizeof(clocks) / sizeof(clocks[0]);
}

const char *acc_clocks_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k)
{
    int64_t end = clocks[k].make(tl, r);
    acc_items_back(tl);
    /* Back and reporting before the fix, a Windows clock that far off is worth an admin's
     * look (Kerberos, WSUS): `why` asked then may say so. */
    for (int j = 0; j < tl->n_items; j++) {
        struct acc_item *it = &tl->items[j];
        const struct acc_machine *mc = &tl->w.m[it->machine];
        if (it->phase == PHASE_BACK && mc->windows && mc->n_steps == 2 &&
            it->n_accept < ACC_SET_MAX)
            it->accept[it->n_accept++] = "clock_off";
    }
    tl->w.t_end = end + 10 * MIN;
    return clocks[k].name;
}
