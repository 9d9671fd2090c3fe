/* Asks the real engine, as the collector's API does: `why` (whb_explain_host) while a machine
 * is silent, and for `history` each stored gap explained by whb_explain_past_gap. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "explain/correlate.h"
#include "sim.h"
#include "store/store.h"

#define GAPS_MAX 64

static void take(struct acc_item *it, const struct whb_explanation *x)
{
    snprintf(it->answer, sizeof(it->answer), "%s", whb_reason_info(x->reason)->id);
    snprintf(it->confidence, sizeof(it->confidence), "%s", whb_confidence_name(x->confidence));
    it->n_alts = 0;
    for (int i = 0; i < x->n_alternatives && it->n_alts < ACC_SET_MAX; i++)
        snprintf(it->alts[it->n_alts++], sizeof(it->alts[0]), "%s",
                 whb_reason_info(x->alternatives[i].reason)->id);
    snprintf(it->summary, sizeof(it->summary), "%s", x->summary);
    snprintf(it->step, sizeof(it->step), "%s", x->next_step);
    it->n_evidence = 0;
    for (int i = 0; i < x->n_evidence && it->n_evidence < 4; i++)
        snprintf(it->evidence[it->n_evidence++], sizeof(it->evidence[0]), "%s",
                 x->evidence[i].text);
    it->asked = 1;
}

void acc_ask_now(struct whb_store *st, const struct acc_timeline *tl, struct acc_item *it,
                 int64_t t)
{
    struct whb_machine_view m;
    struct whb_explanation x;
    const char *host = it->machine >= 0 ? tl->w.m[it->machine].fqdn : "pc-ghost.corp.example";
    memset(&x, 0, sizeof(x));
    int rc = whb_explain_host(st, host, t, &m, &x);
    it->ask_at = t;
    it->onset = rc ? 0 : m.last_seen_ms;
    if (rc && rc != WHB_ENOTFOUND) {
        snprintf(it->answer, sizeof(it->answer), "(error)");
        it->asked = 1;
        return;
    }
    take(it, &x);
}

int acc_ask_heard(struct whb_store *st, const struct acc_timeline *tl, int machine, int64_t since)
{
    struct whb_machine_view m;
    return st->ops->get_machine(st, tl->w.m[machine].fqdn, &m) == 0 && m.last_seen_ms >= since;
}

void acc_ask_history(struct whb_store *st, const struct acc_timeline *tl, struct acc_item *it,
                     int64_t t, int again)
{
    struct whb_machine_view m;
    struct whb_store_gap gaps[GAPS_MAX];
    struct whb_explanation x;
    int n = 0, best = -1;
    int64_t best_overlap = -1;
    if (!again)
        it->ask_at = t;
    if (st->ops->get_machine(st, tl->w.m[it->machine].fqdn, &m) ||
        st->ops->get_gaps(st, m.machine_id, gaps, GAPS_MAX, &n))
        n = 0;
    for (int i = 0; i < n; i++) {
        if (again) {
            if (gaps[i].start_ms == it->gap_start)
                best = i;
            continue;
        }
        /* The gap that covers most of the incident is the silence it caused. */
        int64_t a = gaps[i].start_ms > it->inc_start ? gaps[i].start_ms : it->inc_start;
        int64_t b = gaps[i].end_ms < it->inc_end ? gaps[i].end_ms : it->inc_end;
        if (b - a > best_overlap && gaps[i].start_ms <= it->inc_end &&
            gaps[i].end_ms >= it->inc_start) {
            best_overlap = b - a;
            best = i;
        }
    }
    if (best < 0) {
        if (again)
            snprintf(it->later, sizeof(it->later), "(gap gone)");
        else {
            snprintf(it->answer, sizeof(it->answer), "(no gap)");
            it->asked = 1;
        }
        return;
    }
    memset(&x, 0, sizeof(x));
    if (whb_explain_past_gap(st, &m, &gaps[best], t, &x)) {
        snprintf(again ? it->later : it->answer, sizeof(it->later), "(error)");
        it->asked = 1;
        return;
    }
    if (again) {
        snprintf(it->later, sizeof(it->later), "%s", whb_reason_info(x.reason)->id);
        snprintf(it->later_conf, sizeof(it->later_conf), "%s", whb_confidence_name(x.confidence));
        return;
    }
    it->gap_start = gaps[best].start_ms;
    it->onset = gaps[best].start_ms;
    take(it, &x);
}
