/* Runs one timeline: second by second, the collector's life, reports arriving, every agent
 * acting on the world it sees; the engine asked when the scenario says, and history asked
 * once a machine is back and its spool delivered, then again at the end. */
#include <stdio.h>
#include <string.h>

#include "sim.h"

#define STEP_MS      1000
#define HISTORY_WAIT 420000  /* after the return: what it spooled is delivered by then */
#define HISTORY_GIVE 1500000 /* not back by then: ask anyway */

static void print_world(const struct acc_timeline *tl)
{
    const struct acc_world *w = &tl->w;
    printf("timeline seed %llu #%u: %s %s(interval %u s)\n", (unsigned long long)tl->seed,
           tl->index, tl->scenario, tl->modifiers, w->interval_s);
    for (int i = 0; i < w->n; i++)
        printf("  %-18s %s %s %s%s skew %+llds%s%s\n", w->m[i].fqdn,
               w->m[i].windows ? "windows" : "linux",
               w->m[i].wireless ? "wifi" : w->sw[w->m[i].sw].name,
               w->m[i].wireless ? w->ap.bssid : "port ", w->m[i].wireless ? "" : "",
               (long long)(w->m[i].skew_ms / 1000), w->m[i].windows ? " SusClientId " : "",
               w->m[i].windows ? w->m[i].sus : "");
    for (int i = 0; i < w->n; i++)
        for (int j = 0; j < w->m[i].n_steps; j++)
            printf("  clock step      %s %+llds at +%llds\n", w->m[i].fqdn,
                   (long long)(w->m[i].step_ms[j] / 1000),
                   (long long)((w->m[i].step_at[j] - w->t0) / 1000));
    for (int k = 0; k < w->n_inc; k++) {
        const struct acc_incident *i = &w->inc[k];
        printf("  incident %-15s %s%s +%llds .. %s%llds", acc_inc_name(i->kind),
               i->machine >= 0           ? w->m[i->machine].fqdn
               : i->kind == INC_AP_POWER ? (i->sw ? w->ap2.bssid : w->ap.bssid)
               : i->sw >= 0              ? w->sw[i->sw].name
                                         : "all",
               i->kind == INC_CARRIED ? (i->to_sw ? " to ap2" : " to ap") : "",
               (long long)((i->start - w->t0) / 1000), i->end == ACC_NEVER ? "never " : "+",
               i->end == ACC_NEVER ? 0LL : (long long)((i->end - w->t0) / 1000));
        if (i->code)
            printf(" code %#x", i->code);
        printf("\n");
    }
}

/* Items whose truth is a silence: the collector must have missed three heartbeats. */
static int should_be_silent(const struct acc_item *it)
{
    static const char *online[] = {"reporting",
                                   "wsus_unavailable",
                                   "wsus_unreachable",
                                   "no_agent",
                                   "collector_unavailable",
                                   "update_service_stopped",
                                   "update_service_disabled",
                                   "update_client_elsewhere",
                                   "wsus_policy_lost",
                                   "duplicate_wsus_identity",
                                   "update_scan_failing",
                                   "restart_pending",
                                   "clock_off"};
    for (size_t i = 0; i < sizeof(online) / sizeof(online[0]); i++)
        if (strcmp(it->truth, online[i]) == 0)
            return 0;
    return 1;
}

/* Back and online, not yet in the next incident. */
static int back_again(const struct acc_world *w, int m, int64_t t)
{
    const struct acc_incident *why;
    struct acc_link l;
    acc_world_link(w, m, t, &l);
    return acc_world_power(w, m, t, &why) == PWR_ON && acc_world_agent_wanted(w, m, t, &why) &&
           l.path_ok;
}

/* Class switch: once the switch's word on the machine's port has reached the collector, the
 * right answer is the one the item gives with it. */
static void switch_said(const struct acc_talker *k, const struct acc_world *w, struct acc_item *it,
                        int64_t t)
{
    if (!it->sw_word || it->machine < 0 ||
        !acc_talker_said(k, w, it->machine, it->sw_word, it->sw_from, t))
        return;
    it->sw_heard = 1;
    it->truth = it->sw_accept[0];
    it->n_accept = it->sw_n;
    for (int i = 0; i < it->sw_n; i++)
        it->accept[i] = it->sw_accept[i];
    it->capped = it->sw_capped;
    it->alt_need = it->capped ? (it->n_accept - 1 < 2 ? it->n_accept - 1 : 2) : it->sw_alt_need;
}

int acc_timeline_run(struct acc_timeline *tl, int verbose)
{
    const struct acc_world *w = &tl->w;
    struct acc_agent agents[ACC_MAX_MACHINES];
    struct acc_feed *f = NULL;
    char why[256];
    int rc = 0;
    if (verbose)
        print_world(tl);
    if (acc_feed_open(w, &f, why, sizeof(why))) {
        fprintf(stderr, "whb-accuracy: store: %s\n", why);
        return -1;
    }
    for (int i = 0; i < w->n; i++)
        acc_agent_init(&agents[i], w, i);
    struct acc_talker *talk = acc_talker_new(w);
    for (int64_t t = w->t0; t <= w->t_end && !rc; t += STEP_MS) {
        rc |= acc_feed_collector(f, w, t, verbose);
        rc |= acc_feed_drain(f, t, verbose);
        for (int i = 0; i < w->n; i++)
            acc_agent_step(&agents[i], w, t, f, verbose);
        rc |= acc_talker_step(talk, w, acc_feed_store(f), t, verbose);
        /* One can only ask a collector that runs. */
        if (!acc_world_collector_up(w, t))
            continue;
        for (int k = 0; k < tl->n_items; k++) {
            struct acc_item *it = &tl->items[k];
            if (it->asked)
                continue;
            if (it->phase == PHASE_NOW && t >= it->ask_at) {
                if (should_be_silent(it) && it->machine >= 0 &&
                    agents[it->machine].last_ok > t - (int64_t)(3 * w->interval_s + 5) * 1000)
                    it->asked = -2; /* the generator's own check: it was not silent */
                else {
                    switch_said(talk, w, it, t);
                    acc_ask_now(acc_feed_store(f), tl, it, t);
                    acc_talker_asked(talk, w, it->machine, t);
                }
            } else if (it->phase == PHASE_HISTORY &&
                       t >= it->inc_end + (it->wait ? it->wait : HISTORY_WAIT) &&
                       /* back, and its return stored (a report arrives within the
                        * second after it was sent) */
                       ((agents[it->machine].last_ok > it->inc_end &&
                         acc_ask_heard(acc_feed_store(f), tl, it->machine, it->inc_end + 1)) ||
                        t >= it->inc_end + HISTORY_GIVE)) {
                switch_said(talk, w, it, t);
                acc_ask_history(acc_feed_store(f), tl, it, t, 0);
            } else if (it->phase == PHASE_BACK && t >= it->inc_end + HISTORY_WAIT) {
                /* Asked once the collector hears from it again; not if it is gone again. */
                if (!back_again(w, it->machine, t) || t >= it->inc_end + HISTORY_GIVE)
                    it->asked = -1;
                else if (acc_ask_heard(acc_feed_store(f), tl, it->machine,
                                       t - (int64_t)(w->interval_s + 5) * 1000))
                    acc_ask_now(acc_feed_store(f), tl, it, t);
            }
            /* Was the collector serving others while this one went quiet (its next report
             * was due, with a send's worth of slack)? */
            if (it->asked == 1 && it->onset && !it->served_others) {
                int64_t to = it->onset + (int64_t)(w->interval_s + 15) * 1000;
                it->served_others =
                    acc_feed_served_others(f, w, it->machine, it->onset, to < t ? to : t);
            }
            if (it->asked == 1 && verbose)
                acc_item_print(tl, it);
        }
    }
    for (int k = 0; k < tl->n_items && !rc; k++) {
        struct acc_item *it = &tl->items[k];
        if (it->phase == PHASE_HISTORY && it->asked == 1 && it->gap_start) {
            acc_ask_history(acc_feed_store(f), tl, it, w->t_end, 1);
            if (verbose)
                printf("  asked again at the end: %s (%s)\n", it->later, it->later_conf);
        }
    }
    for (int i = 0; i < w->n; i++)
        acc_agent_free(&agents[i]);
    acc_talker_free(talk);
    acc_feed_close(f);
    return rc;
}
