/* One machine's answers: GET /v1/machines/HOST/why (HOST an FQDN, a short name, a machine id or
 * an address the machine holds now) and /v1/machines/HOST/history (its past silences, each with
 * the answer its own time gives, and its latest events). */
#include <arpa/inet.h>
#include <event2/http.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/names.h"
#include "clock.h"
#include "error.h"
#include "explain/correlate.h"
#include "explain/json.h"
#include "collector.h"
#include "http/loop.h"
#include "store/store.h"
#include "switch/switch.h"

#define GAPS_MAX 20

/* 409 naming every machine host could mean, so that none answers for another's name. */
static void reply_ambiguous(struct whb_loop *loop, struct evhttp_request *req, const char *host)
{
    struct whb_store_match found[WHB_STORE_MATCH_MAX];
    char msg[1024];
    int n = 0;
    if (loop->reader->ops->find_machines(loop->reader, host, found, WHB_STORE_MATCH_MAX, &n)) {
        whb_api_reply_error(req, 503, whb_strerror(WHB_ESTORE));
        return;
    }
    size_t used = (size_t)snprintf(msg, sizeof(msg), "%s names %d machines:", host, n);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        if (used < sizeof(msg))
            used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s %s (id %s)", i ? "," : "",
                                     found[i].fqdn, found[i].machine_id);
        json_array_append_new(list, json_pack("{s:s, s:s}", "machine_id", found[i].machine_id,
                                              "fqdn", found[i].fqdn));
    }
    if (used < sizeof(msg))
        snprintf(msg + used, sizeof(msg) - used, "; ask by FQDN or machine id");
    json_t *doc = json_pack("{s:s, s:o}", "error", msg, "matches", list);
    whb_api_reply_json(req, 409, doc);
}

/* What the collector refused in this machine's name or key (a reimaged machine, or someone
 * else presenting them), newest first. */
static json_t *refusals_json(struct whb_loop *loop, const struct whb_machine_view *m)
{
    struct whb_store_refusal r[4];
    int n = 0;
    json_t *list = json_array();
    if (loop->reader->ops->refusals(loop->reader, m->machine_id, r, 4, &n))
        return list;
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:I, s:o, s:o, s:s, s:s}", "cause", r[i].cause,
                                              "count", (json_int_t)r[i].count, "first",
                                              whb_json_iso(r[i].first_ms), "last",
                                              whb_json_iso(r[i].last_ms), "claimant", r[i].claimant,
                                              "source", r[i].source));
    return list;
}

/* The answer for a name no agent reports under: the agent WSUS's matching finds (the WSUS
 * console's name, FQDN or address), the no_agent answer for a computer only WSUS knows, or 404
 * with the names it is near. */
static void why_unknown(struct whb_loop *loop, struct evhttp_request *req, const char *host)
{
    struct whb_resolved r;
    struct whb_machine_view m;
    struct whb_explanation x;
    int64_t now = whb_clock_wall_ms();
    if (whb_api_resolve(loop, host, &r)) {
        whb_api_reply_error(req, 503, whb_strerror(WHB_ESTORE));
        return;
    }
    if (r.kind == WHB_RESOLVED_AMBIGUOUS) {
        whb_api_reply_error(req, 409, r.names);
        return;
    }
    int rc = WHB_ENOTFOUND;
    if (r.kind == WHB_RESOLVED_AGENT &&
        (rc = whb_explain_host(loop->reader, r.machine_id, now, &m, &x)) && rc != WHB_ENOTFOUND) {
        whb_api_reply_error(req, 503, whb_strerror(rc));
        return;
    }
    if (rc) {
        struct whb_explain_input in = {
            .now_ms = now, .host = r.in_wsus ? r.wsus.fqdn : host, .name_unknown = !r.in_wsus};
        whb_explain_now(&in, &x);
    }
    json_t *j = whb_json_explanation(r.in_wsus ? r.wsus.fqdn : host, rc ? NULL : &m, &x);
    if (!j) {
        whb_api_reply_error(req, 500, "out of memory");
        return;
    }
    json_object_set_new(j, "asked", json_string(host));
    if (!rc) {
        json_object_set_new(j, "matched_by", json_string(r.how));
        json_object_set_new(j, "refusals", refusals_json(loop, &m));
    }
    if (r.in_wsus) {
        json_object_set_new(j, "wsus_name", json_string(r.wsus.fqdn));
        json_object_set_new(j, "wsus_ip", json_string(r.wsus.ip));
        json_object_set_new(j, "wsus_last_status", whb_json_iso(r.wsus.last_status_ms));
    }
    if (rc && !r.in_wsus)
        json_object_set_new(j, "did_you_mean", whb_api_near_names(loop, host));
    whb_api_reply_json(req, rc && !r.in_wsus ? 404 : 200, j);
}

static void on_why(struct whb_loop *loop, struct evhttp_request *req, const char *host)
{
    struct whb_machine_view m;
    struct whb_explanation x;
    int rc = whb_explain_host(loop->reader, host, whb_clock_wall_ms(), &m, &x);
    if (rc == WHB_EINVAL) {
        reply_ambiguous(loop, req, host);
        return;
    }
    if (rc == WHB_ENOTFOUND) {
        why_unknown(loop, req, host);
        return;
    }
    if (rc) {
        whb_api_reply_error(req, 503, whb_strerror(rc));
        return;
    }
    /* A silent wired machine: its port is read by SNMP now (asynchronously, rate-limited and
     * cached by the switch service), so that the next answer has the switch's word too. */
    if (!x.reporting && !m.wireless && m.sw_name[0] && m.sw_port[0] && loop->col->switches)
        whb_switch_poll(loop->col->switches, m.sw_name, m.sw_mgmt[0] ? m.sw_mgmt : NULL, m.sw_port,
                        0);
    json_t *doc = whb_json_explanation(host, &m, &x);
    if (doc)
        json_object_set_new(doc, "refusals", refusals_json(loop, &m));
    whb_api_reply_json(req, 200, doc);
}

/* 404 (409 when it names several) that says what is known of host: WSUS lists it, or the names
 * it is near. */
static void history_unknown(struct whb_loop *loop, struct evhttp_request *req, const char *host,
                            const struct whb_resolved *r)
{
    char msg[1000];
    if (r->kind == WHB_RESOLVED_AMBIGUOUS) {
        whb_api_reply_error(req, 409, r->names);
        return;
    }
    snprintf(msg, sizeof(msg), "no agent ever reported from this machine%s%s%s",
             r->in_wsus ? " (WSUS lists it as " : "", r->in_wsus ? r->wsus.fqdn : "",
             r->in_wsus ? ")" : "");
    json_t *j = json_pack("{s:s}", "error", msg);
    if (j && r->in_wsus)
        json_object_set_new(j, "wsus_name", json_string(r->wsus.fqdn));
    if (j && !r->in_wsus)
        json_object_set_new(j, "did_you_mean", whb_api_near_names(loop, host));
    whb_api_reply_json(req, 404, j);
}

static void on_history(struct whb_loop *loop, struct evhttp_request *req, const char *host)
{
    struct whb_machine_view m;
    struct whb_store_gap gaps[GAPS_MAX];
    struct whb_hist_event *evs = calloc(WHB_HISTORY_EVENTS, sizeof(*evs));
    int64_t now = whb_clock_wall_ms();
    int ng = 0, ne = 0;
    struct whb_resolved r = {.kind = WHB_RESOLVED_AGENT};
    int rc = loop->reader->ops->get_machine(loop->reader, host, &m);
    if (rc == WHB_EINVAL) {
        free(evs);
        reply_ambiguous(loop, req, host);
        return;
    }
    /* A name as WSUS shows it: the agent the import would match. */
    if (rc == WHB_ENOTFOUND && !(rc = whb_api_resolve(loop, host, &r)))
        rc = r.kind == WHB_RESOLVED_AGENT
                 ? loop->reader->ops->get_machine(loop->reader, r.machine_id, &m)
                 : WHB_ENOTFOUND;
    if (rc || !evs) {
        free(evs);
        if (rc == WHB_ENOTFOUND)
            history_unknown(loop, req, host, &r);
        else
            whb_api_reply_error(req, 503, whb_strerror(rc ? rc : WHB_ENOMEM));
        return;
    }
    json_t *jg = json_array(), *je = json_array();
    loop->reader->ops->get_gaps(loop->reader, m.machine_id, gaps, GAPS_MAX, &ng);
    for (int i = 0; i < ng; i++) {
        struct whb_explanation x;
        char dur[32];
        if (whb_explain_past_gap(loop->reader, &m, &gaps[i], now, &x))
            continue;
        const struct whb_reason_info *info = whb_reason_info(x.reason);
        whb_clock_format_duration(gaps[i].end_ms - gaps[i].start_ms, dur, sizeof(dur));
        json_t *g = json_pack("{s:o, s:o, s:s, s:s, s:s, s:b, s:s, s:s}", "from",
                              whb_json_iso(gaps[i].start_ms), "to", whb_json_iso(gaps[i].end_ms),
                              "duration", dur, "reason", info->id, "term", info->term, "documented",
                              info->documented, "confidence", whb_confidence_name(x.confidence),
                              "summary", x.summary);
        json_t *ev = json_array();
        whb_json_evidence(ev, &x);
        json_object_set_new(g, "evidence", ev);
        json_array_append_new(jg, g);
    }
    loop->reader->ops->get_events(loop->reader, m.machine_id, 0, now + 86400000, evs,
                                  WHB_HISTORY_EVENTS, &ne);
    for (int i = ne - 1; i >= 0; i--)
        json_array_append_new(
            je, json_pack("{s:o, s:s, s:s, s:i, s:s}", "at", whb_json_iso(evs[i].at_ms), "kind",
                          whb_wire_event_kind_name(evs[i].kind), "adapter", evs[i].adapter, "code",
                          (int)evs[i].reason_code, "detail", evs[i].detail));
    free(evs);
    whb_api_reply_json(req, 200,
                       json_pack("{s:s, s:s, s:o, s:o, s:o}", "machine", m.fqdn, "machine_id",
                                 m.machine_id, "first_seen", whb_json_iso(m.first_seen_ms), "gaps",
                                 jg, "events", je));
}

/* whb why 192.0.2.2: the agent that holds the address now, else what WSUS's list says of it. */
static void on_why_ip(struct whb_loop *loop, struct evhttp_request *req, const char *ip)
{
    char id[65], why[400];
    int rc = loop->reader->ops->machine_by_ip(loop->reader, ip, whb_clock_wall_ms(), id, sizeof(id),
                                              why, sizeof(why));
    if (rc == WHB_EINVAL) {
        char msg[500];
        snprintf(msg, sizeof(msg), "several machines have %s now: %s; ask with the FQDN", ip, why);
        whb_api_reply_error(req, 409, msg);
        return;
    }
    if (rc == WHB_ENOTFOUND)
        why_unknown(loop, req, ip);
    else if (rc)
        whb_api_reply_error(req, 503, whb_strerror(rc));
    else
        on_why(loop, req, id);
}

static int is_ip(const char *s)
{
    unsigned char bin[16];
    return inet_pton(AF_INET, s, bin) == 1 || inet_pton(AF_INET6, s, bin) == 1;
}

void whb_api_machine(struct whb_loop *loop, struct evhttp_request *req, const char *path,
                     const struct whb_caller *caller)
{
    static const char machines[] = "/v1/machines/";
    char host[300];
    const char *rest = path + sizeof(machines) - 1;
    const char *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : 0;
    char *decoded = NULL;
    if (n && n < sizeof(host)) {
        memcpy(host, rest, n);
        host[n] = '\0';
        decoded = evhttp_uridecode(host, 0, NULL);
    }
    if (!decoded || (!whb_wire_hostname_ok(decoded) && !is_ip(decoded)))
        whb_api_reply_error(req, 400, "bad machine name");
    else if (!strcmp(slash, "/why") && is_ip(decoded))
        on_why_ip(loop, req, decoded);
    else if (!strcmp(slash, "/why"))
        on_why(loop, req, decoded);
    else if (!strcmp(slash, "/history"))
        on_history(loop, req, decoded);
    else if (!strcmp(slash, "/accept"))
        whb_api_identity_action(loop, req, decoded, WHB_ADMIN_ACCEPT, caller);
    else if (!strcmp(slash, "/release"))
        whb_api_identity_action(loop, req, decoded, WHB_ADMIN_RELEASE, caller);
    else if (!strcmp(slash, "/forget"))
        whb_api_identity_action(loop, req, decoded, WHB_ADMIN_FORGET, caller);
    else
        whb_api_reply_error(req, 404, "not found");
    free(decoded);
}
