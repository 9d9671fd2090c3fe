/* The engine: runs every rule of the table (rules.c) over one machine's silence, picks the
 * strongest finding, and lists the others, and what the evidence cannot rule out, as
 * alternatives. Also the answer for a machine that reports. */
#include <stdio.h>
#include <string.h>

#include "explain/rules.h"
#include "explain/rules_update.h"

/* Why a reason stays possible when the evidence cannot tell it from the answer. */
static const char *const cannot_rule_out[WHB_REASON_COUNT_] = {
    [WHB_REASON_TURNED_OFF] = "no last gasp: a power cut or hard reset looks like this",
    [WHB_REASON_LOST_CONNECTIVITY] = "a failure of the network path looks the same from here",
    [WHB_REASON_CABLE_UNPLUGGED] = "a pulled cable silences a wired machine the same way",
    [WHB_REASON_PORT_DISABLED] = "a disabled switch port looks the same as a pulled cable",
    [WHB_REASON_WIRELESS_ASSOCIATION] = "a lost association silences a wireless machine the "
                                        "same way",
    [WHB_REASON_HIBERNATION] = "an unannounced hibernation looks the same",
    [WHB_REASON_REMOVED] = "a machine taken away leaves without a last gasp",
    [WHB_REASON_AGENT_STOPPED] = "a stopped agent says so, but the machine may have gone with it",
    [WHB_REASON_AGENT_CRASHED] = "an agent that crashed or was killed stops without a last gasp",
    [WHB_REASON_COLLECTOR_UNAVAILABLE] = "the collector may not have been reachable from it",
};

static void add_evidence(struct whb_explanation *out, const struct whb_evidence *e)
{
    if (out->n_evidence < WHB_EXPLAIN_MAX_EVIDENCE)
        out->evidence[out->n_evidence++] = *e;
}

/* What the switch's own word rules out (the port was enabled, the port is up with the link):
 * whatever another rule guessed from the machine's side alone, it is neither the answer nor
 * offered as an alternative. Only switch rules rule anything out. */
struct ruled {
    enum whb_reason r[WHB_REASON_COUNT_];
    int n;
};

static int is_ruled_out(const struct ruled *out, enum whb_reason r)
{
    for (int i = 0; i < out->n; i++)
        if (out->r[i] == r)
            return 1;
    return 0;
}

static void add_alternative(struct whb_explanation *out, const struct ruled *ruled,
                            enum whb_reason r, const char *why)
{
    if (r == out->reason || out->n_alternatives >= WHB_EXPLAIN_MAX_ALTERNATIVES ||
        is_ruled_out(ruled, r))
        return;
    for (int a = 0; a < out->n_alternatives; a++)
        if (out->alternatives[a].reason == r)
            return;
    out->alternatives[out->n_alternatives].reason = r;
    snprintf(out->alternatives[out->n_alternatives].why, WHB_EXPLAIN_TEXT, "%s",
             why && why[0]        ? why
             : cannot_rule_out[r] ? cannot_rule_out[r]
                                  : "also possible");
    out->n_alternatives++;
}

/* Runs every rule; the best finding wins, the next ones are alternatives. */
static void decide(const struct whb_explain_input *in, struct whb_explanation *out)
{
    size_t n_rules;
    const struct whb_rule *rules = whb_rules(&n_rules);
    struct finding found[32];
    struct ruled ruled = {.n = 0};
    int order[32], n = 0;
    memset(found, 0, sizeof(found));
    for (size_t i = 0; i < n_rules && i < 32; i++) {
        rules[i].fn(in, &found[i]);
        for (int k = 0; found[i].score > 0 && k < found[i].n_out; k++)
            if (!is_ruled_out(&ruled, found[i].ruled_out[k]) && ruled.n < WHB_REASON_COUNT_)
                ruled.r[ruled.n++] = found[i].ruled_out[k];
    }
    for (size_t i = 0; i < n_rules && i < 32; i++)
        if (found[i].score > 0 && !is_ruled_out(&ruled, rules[i].reason))
            order[n++] = (int)i;
    /* Stable order by score, so equal scores keep the table's order (deterministic). */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && found[order[j]].score > found[order[j - 1]].score; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    if (n == 0) {
        out->reason = WHB_REASON_UNKNOWN;
        out->confidence = WHB_CONFIDENCE_LOW;
        snprintf(out->confidence_why, sizeof(out->confidence_why),
                 "nothing the machine or the collector recorded explains this silence");
        snprintf(out->next_step, sizeof(out->next_step), "%s",
                 whb_reason_info(WHB_REASON_UNKNOWN)->next_step);
        return;
    }
    const struct finding *best = &found[order[0]];
    out->reason = rules[order[0]].reason;
    out->confidence = best->conf;
    /* What the evidence cannot tell apart is never "high". */
    int open = 0;
    for (int i = 0; i < best->n_also; i++)
        open += !is_ruled_out(&ruled, best->also[i]);
    if (open && out->confidence == WHB_CONFIDENCE_HIGH)
        out->confidence = WHB_CONFIDENCE_MEDIUM;
    snprintf(out->confidence_why, sizeof(out->confidence_why), "%s", best->why);
    snprintf(out->summary, sizeof(out->summary), "%s", best->summary);
    for (int i = 0; i < best->n_ev; i++)
        add_evidence(out, &best->ev[i]);
    for (int i = 0; i < best->n_also; i++)
        add_alternative(out, &ruled, best->also[i], NULL);
    for (int k = 1; k < n; k++) {
        add_alternative(out, &ruled, rules[order[k]].reason, found[order[k]].why);
        for (int i = 0; i < found[order[k]].n_also; i++)
            add_alternative(out, &ruled, found[order[k]].also[i], NULL);
    }
    const struct whb_reason_info *info = whb_reason_info(out->reason);
    if (best->step[0])
        snprintf(out->next_step, sizeof(out->next_step), "%s: %s", info->next_step, best->step);
    else
        snprintf(out->next_step, sizeof(out->next_step), "%s", info->next_step);
}

static void collector_evidence(struct whb_explanation *out, int64_t at, const char *text)
{
    struct whb_evidence e = {.at_ms = at, .source = WHB_SOURCE_COLLECTOR};
    snprintf(e.text, sizeof(e.text), "%s", text);
    add_evidence(out, &e);
}

/* A reporting machine may still be missing from WSUS: the server side, or its update client. */
static void explain_reporting(const struct whb_explain_input *in, struct whb_explanation *out)
{
    const struct whb_machine_view *m = in->m;
    char text[WHB_EXPLAIN_TEXT];
    out->reporting = 1;
    snprintf(text, sizeof(text), "reporting every %u s; last report", m->interval_s);
    collector_evidence(out, m->last_seen_ms, text);
    if (m->wsus_class[0] && strcmp(m->wsus_class, "ok") != 0) {
        /* An answer with an error status is the server side (503: WsusPool); no answer at all
         * is a service that is not running, a firewall or a wrong name. */
        out->reason = m->wsus_http ? WHB_REASON_WSUS_UNAVAILABLE : WHB_REASON_WSUS_UNREACHABLE;
        struct whb_evidence e = {.at_ms = m->wsus_at_ms, .source = WHB_SOURCE_MACHINE};
        if (m->wsus_http)
            snprintf(e.text, sizeof(e.text), "WSUS %.180s answered HTTP %u", m->wsus_url,
                     m->wsus_http);
        else
            snprintf(e.text, sizeof(e.text), "WSUS %.180s unreachable (curl error %d)", m->wsus_url,
                     m->wsus_curl);
        add_evidence(out, &e);
        if (in->wsus_failing > 1) {
            snprintf(text, sizeof(text), "%u online machines get the same answer from WSUS",
                     in->wsus_failing);
            collector_evidence(out, in->now_ms, text);
        }
        out->confidence = m->wsus_http >= 500 || in->wsus_failing > 1 ? WHB_CONFIDENCE_HIGH
                                                                      : WHB_CONFIDENCE_MEDIUM;
        if (!m->wsus_http && in->wsus_failing > 1)
            snprintf(out->confidence_why, sizeof(out->confidence_why),
                     "%u online machines cannot connect to WSUS: the server side",
                     in->wsus_failing);
        else
            snprintf(out->confidence_why, sizeof(out->confidence_why), "%s",
                     m->wsus_http == 503 ? "HTTP 503 from WSUS is the documented sign of a stopped "
                                           "WsusPool (Message ID 6703)"
                                         : "the machine is online but its WSUS probe fails");
        snprintf(out->summary, sizeof(out->summary), "online; WSUS %s", m->wsus_class);
        if (in->wu_fleet && in->wu_fleet->failing_503 > 1) {
            snprintf(text, sizeof(text),
                     "%u clients' newest scans failed with 0x80244022 (HTTP 503) within %lld h",
                     in->wu_fleet->failing_503, (long long)(in->wu_window_ms / 3600000));
            collector_evidence(out, in->now_ms, text);
        }
    } else if (whb_explain_update_client(in, out)) {
        return; /* the client's own story, with its own next step */
    } else if (m->update_service == 0 && !m->wu.known) {
        /* An older agent tells only that wuauserv is not running: between scans that is what a
         * Manual (trigger start) service does, so it is a weak sign. Newer agents read the
         * start type, and only Disabled is a finding (update_service_disabled). */
        out->reason = WHB_REASON_UPDATE_SERVICE_STOPPED;
        out->confidence = WHB_CONFIDENCE_LOW;
        struct whb_evidence e = {.at_ms = m->last_seen_ms, .source = WHB_SOURCE_MACHINE};
        snprintf(e.text, sizeof(e.text), "Windows Update service (wuauserv) not running");
        add_evidence(out, &e);
        snprintf(out->confidence_why, sizeof(out->confidence_why),
                 "stopped is normal between scans for its Manual start type; this agent does "
                 "not say whether it is disabled");
    } else {
        out->reason = WHB_REASON_REPORTING;
        out->confidence = m->wsus_class[0] ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM;
        snprintf(out->confidence_why, sizeof(out->confidence_why), "%s",
                 m->wsus_class[0] ? "it reports and its last WSUS probe succeeded"
                 : m->wsus_url[0] ? "it reports; WSUS not probed since it came back online"
                                  : "it reports; no WSUS probe is configured");
    }
    snprintf(out->next_step, sizeof(out->next_step), "%s", whb_reason_info(out->reason)->next_step);
}

/* Refused since its last report (a reinstalled machine with a new key, or another machine id
 * under its name): it is not cut off, it is turned away. 1 when that is the answer. */
static int explain_refused(const struct whb_explain_input *in, struct whb_explanation *out)
{
    int n = 0;
    for (int i = 0; i < in->n_refusals; i++) {
        const struct whb_store_refusal *r = &in->refusals[i];
        if (r->last_ms <= in->m->last_seen_ms)
            continue;
        struct whb_evidence e = {.at_ms = r->last_ms, .source = WHB_SOURCE_COLLECTOR};
        snprintf(e.text, sizeof(e.text), "refused %llu time%s since %s: %.80s from %.46s (%s)",
                 (unsigned long long)r->count, r->count == 1 ? "" : "s",
                 r->first_ms > in->m->last_seen_ms ? "its last report" : "before its last report",
                 r->claimant, r->source[0] ? r->source : "?", r->cause);
        add_evidence(out, &e);
        if (!n++) {
            snprintf(out->summary, sizeof(out->summary),
                     "its reports are refused (%s), %llu so far", r->cause,
                     (unsigned long long)r->count);
        }
    }
    if (!n)
        return 0;
    out->reason = WHB_REASON_IDENTITY_REFUSED;
    /* The agent refused tries again within its heartbeat (its backoff's ceiling): refusals
     * that stopped for longer than the name's grace say it was turned away, not that it
     * knocks now (the reimaged machine may be off or cut off since). */
    int64_t last = 0, grace = in->m->due_ms - in->m->last_seen_ms;
    for (int i = 0; i < in->n_refusals; i++)
        if (in->refusals[i].last_ms > last)
            last = in->refusals[i].last_ms;
    if (grace <= 0)
        grace = 3 * (int64_t)in->m->interval_s * 1000;
    if (in->now_ms - last <= grace) {
        out->confidence = WHB_CONFIDENCE_HIGH;
        snprintf(out->confidence_why, sizeof(out->confidence_why),
                 "the collector itself refused reports in this machine's name after its last one");
    } else {
        out->confidence = WHB_CONFIDENCE_MEDIUM;
        snprintf(out->confidence_why, sizeof(out->confidence_why),
                 "the collector refused reports in this machine's name after its last one, but "
                 "the refusals stopped %lld min ago: what keeps it quiet since is not known",
                 (long long)((in->now_ms - last) / 60000));
    }
    snprintf(out->next_step, sizeof(out->next_step), "%s: whb release %s",
             whb_reason_info(out->reason)->next_step, in->m->fqdn);
    return 1;
}

void whb_explain_now(const struct whb_explain_input *in, struct whb_explanation *out)
{
    memset(out, 0, sizeof(*out));
    if (!in->m) {
        out->reason = WHB_REASON_NO_AGENT;
        out->confidence = in->name_unknown ? WHB_CONFIDENCE_MEDIUM : WHB_CONFIDENCE_HIGH;
        snprintf(out->confidence_why, sizeof(out->confidence_why), "%s%s%s", "no report from ",
                 in->host ? in->host : "this machine",
                 in->name_unknown
                     ? " was ever received, and WSUS's list does not have it: a computer renamed "
                       "since would look the same (former names are not kept)"
                     : " was ever received");
        snprintf(out->next_step, sizeof(out->next_step), "%s",
                 whb_reason_info(WHB_REASON_NO_AGENT)->next_step);
        return;
    }
    out->known = 1;
    if (in->now_ms <= in->m->due_ms) {
        explain_reporting(in, out);
        return;
    }
    out->silent_since_ms = in->m->last_seen_ms;
    if (!explain_refused(in, out))
        decide(in, out);
    char text[WHB_EXPLAIN_TEXT];
    snprintf(text, sizeof(text), "last report (due every %u s)", in->m->interval_s);
    collector_evidence(out, in->m->last_seen_ms, text);
}

void whb_explain_gap(const struct whb_explain_input *in, struct whb_explanation *out)
{
    memset(out, 0, sizeof(*out));
    out->known = 1;
    out->reporting = 1;
    out->silent_since_ms = in->gap_start_ms;
    decide(in, out);
}

const char *whb_confidence_name(enum whb_confidence c)
{
    return c == WHB_CONFIDENCE_HIGH ? "high" : c == WHB_CONFIDENCE_MEDIUM ? "medium" : "low";
}

const char *whb_evidence_source_name(enum whb_evidence_source s)
{
    return s == WHB_SOURCE_MACHINE         ? "machine"
           : s == WHB_SOURCE_MACHINE_LATER ? "machine_on_return"
           : s == WHB_SOURCE_SWITCH        ? "switch"
                                           : "collector";
}
