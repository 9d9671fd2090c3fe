/* The admin's side of machines' identities (issue 22): GET /v1/enrollments (new machines to
 * review: where each enrolled from, whether WSUS lists it), and POST
 * /v1/machines/HOST/accept|release|forget, each audited with who asked (the control socket's
 * uid, or the token and address). A released or forgotten key leaves the keys the collector
 * knows before decoding. */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "clock.h"
#include "collector.h"
#include "console/access.h"
#include "error.h"
#include "explain/json.h"
#include "http/loop.h"
#include "ingest/keys.h"
#include "log.h"
#include "store/store.h"

#define ENROLLMENTS_DEFAULT 200
#define ENROLLMENTS_MAX     10000

static int add_enrollment(const struct whb_store_enrollment *e, void *arg)
{
    json_t *list = arg;
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:o, s:o, s:s, s:b, s:o, s:o, s:b}", "machine", e->fqdn,
                        "machine_id", e->machine_id, "enrolled_at", whb_json_iso(e->first_seen_ms),
                        "last_report", whb_json_iso(e->last_seen_ms), "enrolled_from",
                        e->enrolled_from, "reviewed", e->reviewed_ms != 0, "reviewed_at",
                        e->reviewed_ms ? whb_json_iso(e->reviewed_ms) : json_null(), "released_at",
                        e->released_ms ? whb_json_iso(e->released_ms) : json_null(), "on_wsus_list",
                        e->on_wsus));
    return 0;
}

void whb_api_enrollments(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q)
{
    const char *all = evhttp_find_header(q, "all"), *lim = evhttp_find_header(q, "limit");
    char *end = NULL;
    unsigned long limit = lim ? strtoul(lim, &end, 10) : ENROLLMENTS_DEFAULT;
    if ((lim && (*end || !lim[0] || lim[0] == '-')) || limit == 0 || limit > ENROLLMENTS_MAX) {
        whb_api_reply_error(req, 400, "limit: a whole number from 1 to 10000");
        return;
    }
    int every = all && !strcmp(all, "1");
    json_t *list = json_array();
    if (loop->reader->ops->enrollments(loop->reader, every, (unsigned)limit, add_enrollment,
                                       list)) {
        json_decref(list);
        whb_api_reply_error(req, 503, "store unavailable");
        return;
    }
    size_t n = json_array_size(list);
    whb_api_reply_json(
        req, 200,
        json_pack("{s:b, s:I, s:o}", "all", every, "count", (json_int_t)n, "enrollments", list));
}

/* POST /v1/enrollments/accept: every machine not reviewed yet, at once (after a rollout). */
void whb_api_accept_all(struct whb_loop *loop, struct evhttp_request *req,
                        const struct whb_caller *caller)
{
    uint8_t key[WHB_IDENTITY_HASH_LEN];
    int had_key;
    if (loop->reader->ops->admin(loop->reader, WHB_ADMIN_ACCEPT, NULL, whb_clock_wall_ms(), key,
                                 &had_key)) {
        whb_api_reply_error(req, 503, "store unavailable");
        return;
    }
    whb_log_warnx("audit: every machine not reviewed yet accepted: asked by %s, %s",
                  caller->via ? caller->via : "?", caller->peer);
    whb_api_reply_json(
        req, 200,
        json_pack("{s:s, s:o}", "done", "accepted", "at", whb_json_iso(whb_clock_wall_ms())));
}

static const char *const done_word[] = {[WHB_ADMIN_ACCEPT] = "accepted",
                                        [WHB_ADMIN_RELEASE] = "released",
                                        [WHB_ADMIN_FORGET] = "forgotten"};

void whb_api_identity_action(struct whb_loop *loop, struct evhttp_request *req, const char *host,
                             enum whb_store_admin action, const struct whb_caller *caller)
{
    struct whb_machine_view m;
    struct whb_store *st = loop->reader;
    uint8_t key[WHB_IDENTITY_HASH_LEN];
    int had_key = 0, rc = st->ops->get_machine(st, host, &m);
    if (rc == WHB_EINVAL) {
        whb_api_reply_error(req, 409, "the name names several machines: use the machine id");
        return;
    }
    if (!rc)
        rc = st->ops->admin(st, action, m.machine_id, whb_clock_wall_ms(), key, &had_key);
    if (rc) {
        whb_api_reply_error(req, rc == WHB_ENOTFOUND ? 404 : 503,
                            rc == WHB_ENOTFOUND ? "no agent ever reported from this machine"
                                                : "store unavailable");
        return;
    }
    if (had_key && action != WHB_ADMIN_ACCEPT && loop->col->keys)
        whb_keys_remove(loop->col->keys, key);
    whb_log_warnx("audit: machine %s (%s) %s: asked by %s, %s", m.machine_id, m.fqdn,
                  done_word[action], caller->via ? caller->via : "?", caller->peer);
    whb_api_reply_json(req, 200,
                       json_pack("{s:s, s:s, s:s, s:o}", "machine", m.fqdn, "machine_id",
                                 m.machine_id, "done", done_word[action], "at",
                                 whb_json_iso(whb_clock_wall_ms())));
}
