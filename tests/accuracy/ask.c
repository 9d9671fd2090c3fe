/* Asks the real engine, as the collector's API does: `why` as api/machine.c on_why answers it
 * (whb_explain_host by the name; a name several machines have: the 409 that names them all; a
 * name no agent reports under: resolved through WSUS's list as the import matches it,
 * whb_store_resolve), and for `history` each stored gap explained by whb_explain_past_gap. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "explain/correlate.h"
#include "sim.h"
#include "store/resolve.h"
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

/* The 409 answer: several machines (listed) could be host. Honest when it names the identity
 * the item says it must (the one that reports), by its machine id or the name it reports. */
static void ambiguous(const struct acc_timeline *tl, struct acc_item *it, const char *names)
{
    const struct acc_machine *mc = it->must_name > 0 ? &tl->w.m[it->must_name - 1] : NULL;
    int named =
        !mc || strstr(names, mc->id) || strstr(names, mc->fqdn_new[0] ? mc->fqdn_new : mc->fqdn);
    snprintf(it->answer, sizeof(it->answer), "%s", named ? "ambiguous" : "(ambiguous, unnamed)");
    snprintf(it->confidence, sizeof(it->confidence), "low");
    snprintf(it->summary, sizeof(it->summary), "%s", names);
    it->step[0] = '\0';
    it->n_alts = it->n_evidence = 0;
    it->asked = 1;
}

void acc_ask_now(struct whb_store *st, const struct acc_timeline *tl, struct acc_item *it,
                 int64_t t)
{
    struct whb_machine_view m;
    struct whb_explanation x;
    const char *host = it->ask_as         ? it->ask_as
                       : it->machine >= 0 ? tl->w.m[it->machine].fqdn
                                          : "pc-ghost.corp.example";
    memset(&x, 0, sizeof(x));
    int rc = whb_explain_host(st, host, t, &m, &x);
    it->ask_at = t;
    it->onset = rc ? 0 : m.last_seen_ms;
    if (rc == WHB_EINVAL) {
        /* api/machine.c reply_ambiguous: every machine the name matches, FQDN and id. */
        struct whb_store_match found[WHB_STORE_MATCH_MAX];
        char names[800] = "";
        int n = 0;
        size_t used = 0;
        if (st->ops->find_machines(st, host, found, WHB_STORE_MATCH_MAX, &n) == 0)
            for (int i = 0; i < n && used < sizeof(names); i++)
                used += (size_t)snprintf(names + used, sizeof(names) - used, "%s %s (id %s)",
                                         i ? "," : "", found[i].fqdn, found[i].machine_id);
        ambiguous(tl, it, names);
        return;
    }
    if (rc == WHB_ENOTFOUND) {
        /* api/machine.c why_unknown, with the collector's slack (grace 3, as feed.c's). */
        struct whb_resolved r;
        int64_t slack = (int64_t)tl->w.interval_s * 3 * 1000 + 3600 * 1000LL;
        if (whb_store_resolve(st, host, slack, &r)) {
            snprintf(it->answer, sizeof(it->answer), "(error)");
            it->asked = 1;
            return;
        }
        if (r.kind == WHB_RESOLVED_AMBIGUOUS) {
            ambiguous(tl, it, r.names);
            return;
        }
        if (r.kind == WHB_RESOLVED_AGENT &&
            (rc = whb_explain_host(st, r.machine_id, t, &m, &x)) == 0)
            it->onset = m.last_seen_ms;
        if (rc) {
            struct whb_explain_input in = {
                .now_ms = t, .host = r.in_wsus ? r.wsus.fqdn : host, .name_unknown = !r.in_wsus};
            whb_explain_now(&in, &x);
        }
    } else if (rc) {
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
