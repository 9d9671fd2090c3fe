/* WSUS's own computer list: POST /v1/wsus/import (the list, whole or in parts) and GET
 * /v1/wsus/computers (the computers WSUS says have not reported, each matched to an agent and
 * answered with that agent's explanation). */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "clock.h"
#include "collector.h"
#include "error.h"
#include "explain/correlate.h"
#include "explain/json.h"
#include "http/loop.h"
#include "log.h"
#include "store/store.h"
#include "wu_service.h"

/* The answer for one computer of WSUS's list: which agent it is and how that was decided, then
 * that agent's explanation; several possible agents are named, never one picked. */
static json_t *wsus_answer_json(struct whb_loop *loop, const struct whb_wsus_computer *c,
                                int64_t now)
{
    static const char *const how[] = {"none",      "fqdn", "short_name",  "ip_address",
                                      "ambiguous", "id",   "duplicate_id"};
    struct whb_wsus_match match;
    struct whb_machine_view m;
    struct whb_explanation x;
    json_t *j;
    int64_t slack =
        (int64_t)loop->col->cfg.interval_s * loop->col->cfg.grace * 1000 + 3600 * 1000LL;
    if (loop->reader->ops->wsus_match(loop->reader, c, slack, &match))
        match.kind = WHB_MATCH_NONE;
    if (match.kind == WHB_MATCH_AMBIGUOUS) {
        char term[700];
        snprintf(term, sizeof(term), "Several agents could be this computer: %s", match.candidates);
        j = json_pack("{s:s, s:s, s:n, s:n, s:s, s:s, s:b, s:s, s:s, s:s, s:[], s:[], s:s}",
                      "machine", c->fqdn, "status", "ambiguous", "silent_since", "last_report",
                      "reason", "ambiguous", "term", term, "documented", 0, "confidence", "low",
                      "confidence_why", "more than one agent matches; none is picked", "summary",
                      term, "evidence", "alternatives", "next_step",
                      "Ask about each agent with `whb why FQDN`; give the computers their DNS "
                      "suffix so that the agent's name is WSUS's FullDomainName");
    } else {
        const char *host = match.kind == WHB_MATCH_NONE ? c->fqdn : match.machine_id;
        int rc = loop->reader->ops->get_machine(loop->reader, host, &m);
        struct whb_explanation now_x;
        struct whb_days days = {0, 0, 0};
        if (rc == 0)
            rc = whb_explain_wsus_silence(loop->reader, &m, c->last_status_ms, c->last_sync_ms, now,
                                          &x, &now_x, &days);
        else
            rc = whb_explain_host(loop->reader, host, now, &m, &x);
        j = whb_json_explanation(c->fqdn, rc ? NULL : &m, &x);
        if (j && !rc && days.total) {
            /* The answer covers the days WSUS has not heard from it; now is what it does. */
            json_object_set_new(j, "wsus_silent_days", json_integer(days.total));
            json_object_set_new(j, "record_days", json_integer(days.known));
            json_object_set_new(j, "online_days", json_integer(days.online));
            if (now_x.reason != x.reason)
                json_object_set_new(
                    j, "now",
                    json_pack("{s:s, s:s, s:s, s:s}", "reason", whb_reason_info(now_x.reason)->id,
                              "term", whb_reason_info(now_x.reason)->term, "confidence",
                              whb_confidence_name(now_x.confidence), "summary", now_x.summary));
        }
    }
    if (!j)
        return NULL;
    json_object_set_new(j, "wsus_name", json_string(c->fqdn));
    json_object_set_new(j, "wsus_ip", json_string(c->ip));
    json_object_set_new(j, "wsus_last_status", whb_json_iso(c->last_status_ms));
    json_object_set_new(j, "wsus_last_sync", whb_json_iso(c->last_sync_ms));
    json_object_set_new(j, "wsus_id", json_string(c->target_id));
    json_object_set_new(j, "matched_by", json_string(how[match.kind]));
    json_object_set_new(j, "match", json_string(match.candidates));
    return j;
}

struct wsus_page {
    struct whb_loop *loop;
    json_t *answers;
    int64_t now;
};

static int wsus_page_one(const struct whb_wsus_computer *c, void *arg)
{
    struct wsus_page *p = arg;
    json_t *j = wsus_answer_json(p->loop, c, p->now);
    if (j)
        json_array_append_new(p->answers, j);
    return 0;
}

#define WSUS_PAGE_DEFAULT 500
#define WSUS_PAGE_MAX     5000

/* The imported list's computers that have not reported for not_reported_days, one page. */
static json_t *wsus_answers(struct whb_loop *loop, unsigned offset, unsigned limit)
{
    struct wsus_page p = {loop, json_array(), whb_clock_wall_ms()};
    uint64_t total = 0, imported = 0;
    int64_t imported_ms = 0;
    int64_t cutoff = p.now - (int64_t)loop->col->cfg.wsus_not_reported_days * 86400000;
    if (loop->reader->ops->wsus_not_reported(loop->reader, cutoff, offset, limit, wsus_page_one, &p,
                                             &total, &imported, &imported_ms)) {
        json_decref(p.answers);
        return NULL;
    }
    json_t *j = json_pack("{s:I, s:o, s:I, s:I, s:I, s:I, s:o}", "imported", (json_int_t)imported,
                          "imported_at", whb_json_iso(imported_ms), "not_reported_days",
                          (json_int_t)loop->col->cfg.wsus_not_reported_days, "not_reported",
                          (json_int_t)total, "offset", (json_int_t)offset, "limit",
                          (json_int_t)limit, "answers", p.answers);
    if (j && offset + json_array_size(p.answers) < total) {
        char next[80];
        snprintf(next, sizeof(next), "/v1/wsus/computers?offset=%zu&limit=%u",
                 offset + json_array_size(p.answers), limit);
        json_object_set_new(j, "next", json_string(next));
    }
    return j;
}

static unsigned query_uint(struct evkeyvalq *q, const char *key, unsigned def, unsigned max)
{
    const char *v = evhttp_find_header(q, key);
    char *end;
    unsigned long n = v ? strtoul(v, &end, 10) : def;
    if (!v || *end || v[0] == '-' || !v[0])
        return def;
    return n > max ? max : (unsigned)n;
}

json_t *whb_api_wsus_change_json(const struct whb_wsus_change *c)
{
    json_t *added = json_array(), *removed = json_array();
    for (int i = 0; i < c->n_added_names; i++)
        json_array_append_new(added, json_string(c->added_names[i]));
    for (int i = 0; i < c->n_removed_names; i++)
        json_array_append_new(removed, json_string(c->removed_names[i]));
    return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "before", (json_int_t)c->before, "added",
                     (json_int_t)c->added, "removed", (json_int_t)c->removed, "kept",
                     (json_int_t)c->kept, "added_names", added, "removed_names", removed);
}

/* GET /v1/wsus/computers?offset=N&limit=M: the answers page by page. */
void whb_api_wsus_computers(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q)
{
    json_t *j = wsus_answers(loop, query_uint(q, "offset", 0, UINT32_MAX / 2),
                             query_uint(q, "limit", WSUS_PAGE_DEFAULT, WSUS_PAGE_MAX));
    if (!j)
        whb_api_reply_error(req, 503, "store unavailable");
    else
        whb_api_reply_json(req, 200, j);
}

void whb_api_wsus_finish(struct whb_loop *loop, struct evhttp_request *req, const char *session,
                         int64_t now, const char *format, int may_read)
{
    uint64_t imported = 0;
    struct whb_wsus_change change;
    int rc = loop->reader->ops->wsus_finish(loop->reader, session, now, &imported, &change);
    if (rc) {
        whb_api_reply_error(req, 503, "store unavailable");
        return;
    }
    whb_log_info("wsus import: %llu computers (%llu added, %llu removed, %llu kept)",
                 (unsigned long long)imported, (unsigned long long)change.added,
                 (unsigned long long)change.removed, (unsigned long long)change.kept);
    json_t *j = wsus_answers(loop, 0, may_read ? WSUS_PAGE_DEFAULT : 1);
    if (!j) {
        whb_api_reply_error(req, 503, "store unavailable");
        return;
    }
    if (!may_read) { /* the upload token: counts only, the answers are the read API's */
        json_object_del(j, "answers");
        json_object_del(j, "limit");
        json_object_del(j, "offset");
        json_object_del(j, "next");
    }
    json_object_set_new(j, "changes", whb_api_wsus_change_json(&change));
    if (format)
        json_object_set_new(j, "format", json_string(format));
    whb_api_reply_json(req, 200, j);
}

/* One computer of an import body: {fqdn, ip, last_status, last_sync, line, id}, times in ms
 * since 1970 (0: never), id WSUS's ComputerTargetId (a GUID). Errors name the admin's line and
 * field when the sender gave the line. */
static int wsus_row(json_t *item, size_t index, struct whb_wsus_computer *row, char *why,
                    size_t whylen)
{
    const char *fqdn = NULL, *ip = "", *id = "";
    json_int_t status = 0, sync = 0, line = 0;
    json_error_t err;
    char where[48], target[40] = "";
    if (json_unpack_ex(item, &err, 0, "{s?s, s?s, s?I, s?I, s?I, s?s}", "fqdn", &fqdn, "ip", &ip,
                       "last_status", &status, "last_sync", &sync, "line", &line, "id", &id)) {
        snprintf(why, whylen,
                 "computer %zu: expected {fqdn, ip, last_status, last_sync, id}: %.100s", index + 1,
                 err.text);
        return -1;
    }
    if (line > 0 && line < UINT32_MAX)
        snprintf(where, sizeof(where), "line %lld", (long long)line);
    else
        snprintf(where, sizeof(where), "computer %zu", index + 1);
    size_t len = fqdn ? strlen(fqdn) : 0;
    if (len > 1 && fqdn[len - 1] == '.')
        len--;
    char name[254];
    snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : 0), fqdn ? fqdn : "");
    if (!name[0] || len >= sizeof(name) || !whb_wire_hostname_ok(name)) {
        snprintf(why, whylen, "%s, field FullDomainName: expected a host name, got %s", where,
                 fqdn ? "other characters" : "none");
        return -1;
    }
    if (!whb_wire_text_ok(ip, 45)) {
        snprintf(why, whylen, "%s, field IPAddress: expected an IP address", where);
        return -1;
    }
    if (id[0] && whb_wu_guid_canon(id, 0, target, sizeof(target))) {
        snprintf(why, whylen, "%s, field Id: expected the computer's GUID (ComputerTargetId)",
                 where);
        return -1;
    }
    if (status < 0 || sync < 0) {
        snprintf(why, whylen, "%s, field %s: expected ms since 1970, or 0 for never", where,
                 status < 0 ? "LastReportedStatusTime" : "LastSyncTime");
        return -1;
    }
    memset(row, 0, sizeof(*row));
    snprintf(row->fqdn, sizeof(row->fqdn), "%s", name);
    snprintf(row->ip, sizeof(row->ip), "%s", ip);
    row->last_status_ms = status;
    row->last_sync_ms = sync;
    snprintf(row->target_id, sizeof(row->target_id), "%s", target);
    row->line = line > 0 && line < UINT32_MAX ? (unsigned)line : 0;
    return 0;
}

static int session_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 8 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdefABCDEF-", s[i]))
            return 0;
    return 1;
}

/* POST /v1/wsus/import: the computers WSUS knows. Either one JSON array (a small list), or the
 * list in parts of one session, each under max_body:
 *   {"session": "<hex>", "part": 1, "final": false, "computers": [{fqdn, ip, last_status,
 *    last_sync, line}, ...]}
 * Each part is stored when it arrives; the final part replaces the list, all or nothing, and the
 * answer holds the first page of computers WSUS says have not reported (GET
 * /v1/wsus/computers for the next ones). A caller who may not read (the upload token) gets the
 * counts only: the answers are the read API's. */
void whb_api_wsus_import(struct whb_loop *loop, struct evhttp_request *req, int may_read)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    json_error_t err;
    char why[400], session[80] = "";
    json_int_t part = 1;
    int final = 1, rc;
    json_t *doc = json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len, 0, &err);
    json_t *list = doc;
    struct whb_wsus_computer *rows = NULL;
    if (json_is_object(doc)) {
        const char *sid = NULL;
        list = NULL;
        if (json_unpack_ex(doc, &err, 0, "{s:s, s:I, s:b, s:o}", "session", &sid, "part", &part,
                           "final", &final, "computers", &list) ||
            !session_ok(sid) || part < 1 || part > 1000000) {
            whb_api_reply_error(req, 400,
                                "expected {\"session\": 8-64 hex digits, \"part\": 1.., \"final\": "
                                "true|false, \"computers\": [...]}");
            goto out;
        }
        snprintf(session, sizeof(session), "%s", sid);
    }
    if (!json_is_array(list)) {
        whb_api_reply_error(req, 400, "body must be a JSON array of computers, or an import part");
        goto out;
    }
    size_t n = json_array_size(list);
    rows = calloc(n ? n : 1, sizeof(*rows));
    if (!rows) {
        whb_api_reply_error(req, 503, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (wsus_row(json_array_get(list, i), i, &rows[i], why, sizeof(why))) {
            whb_api_reply_error(req, 400, why);
            goto out;
        }
    int64_t now = whb_clock_wall_ms();
    if (!session[0]) /* one array: a session of one part */
        snprintf(session, sizeof(session), "%016llx%08x", (unsigned long long)now,
                 (unsigned)(uintptr_t)req);
    rc = loop->reader->ops->wsus_stage(loop->reader, session, (unsigned)part, rows, n, now, why,
                                       sizeof(why));
    if (rc) {
        whb_api_reply_error(req, rc == WHB_EINVAL ? 409 : 503,
                            rc == WHB_EINVAL ? why : "store unavailable");
        goto out;
    }
    if (final)
        whb_api_wsus_finish(loop, req, session, now, NULL, may_read);
    else
        whb_api_reply_json(req, 200,
                           json_pack("{s:s, s:I, s:I}", "session", session, "part", part,
                                     "received", (json_int_t)n));
out:
    free(rows);
    json_decref(doc);
}
