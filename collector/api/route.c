/* The collector's read API (JSON over the same HTTP server): its routes. Fleet status, silent
 * machines, one machine's why and history, correlated outages, network views by switch and by
 * wireless, and the WSUS computer-list import. Who may: console/access.h. */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/route.h"
#include "clock.h"
#include "collector.h"
#include "console/access.h"
#include "http/loop.h"
#include "summaries/worker.h"

static const char *query(struct evkeyvalq *q, const char *key, const char *def)
{
    const char *v = evhttp_find_header(q, key);
    return v ? v : def;
}

/* GET /v1/silent, /v1/network/switch?switch=&port=, /v1/network/wifi?ssid=&bssid=, with
 * limit= (0 or none: all) and explain=0|1: streamed (api_list.c). */
static void on_list(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q,
                    enum whb_store_filter_kind kind, const char *a, const char *b)
{
    int explain = strcmp(query(q, "explain", kind == WHB_FILTER_SILENT ? "0" : "1"), "1") == 0;
    const char *lim = query(q, "limit", "0");
    char *end;
    unsigned long limit = strtoul(lim, &end, 10);
    if (kind == WHB_FILTER_SWITCH && !a[0]) {
        whb_api_reply_error(req, 400, "switch= is required");
        return;
    }
    if (*end || lim[0] == '-' || !lim[0] || limit > UINT32_MAX) {
        whb_api_reply_error(req, 400, "limit: a whole number (0: all)");
        return;
    }
    whb_api_list_stream(loop, req, kind, a ? a : "", b ? b : "", (unsigned)limit, explain);
}

/* GET /v1/status, /v1/outages, /v1/network/switches, /v1/network/wifis: summaries/. */
void whb_api_reply_summary(struct whb_loop *loop, struct evhttp_request *req, enum whb_summary k)
{
    char *text = whb_summaries_get(loop->col->summaries, loop->reader, k, whb_clock_wall_ms());
    if (!text)
        whb_api_reply_error(req, 503, "store unavailable");
    else
        whb_api_reply_json_text(req, 200, text);
}

/* /v1/machines/HOST/accept, /release, /forget: an admin's POST. */
static int is_admin_action(const char *path)
{
    static const char *const actions[] = {"/accept", "/release", "/forget"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        size_t k = strlen(actions[i]);
        if (n > k && !strcmp(path + n - k, actions[i]))
            return 1;
    }
    return 0;
}

int whb_api_route(struct whb_loop *loop, struct evhttp_request *req, const char *path)
{
    static const char machines[] = "/v1/machines/";
    if (strncmp(path, "/v1/", 4) != 0)
        return 0;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    /* The WSUS list: the CLI's and the task's parts (import), or the file itself (upload). */
    int is_import = !strcmp(path, "/v1/wsus/import") || !strcmp(path, "/v1/wsus/upload");
    int is_action = (!strncmp(path, machines, sizeof(machines) - 1) && is_admin_action(path)) ||
                    !strcmp(path, "/v1/enrollments/accept");
    int post = is_import || is_action;
    if (cmd != (post ? EVHTTP_REQ_POST : EVHTTP_REQ_GET) && !(is_import && cmd == EVHTTP_REQ_PUT)) {
        whb_api_reply_error(req, 405, post ? "use POST" : "use GET");
        return 1;
    }
    struct whb_caller caller;
    unsigned need = is_action ? WHB_PERM_ADMIN : is_import ? WHB_PERM_UPLOAD : WHB_PERM_READ;
    if (!whb_access_allowed(loop->col, req, need, post, &caller))
        return 1;
    struct evkeyvalq q;
    const char *qs = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
    q.tqh_first = NULL;
    q.tqh_last = &q.tqh_first;
    if (qs && evhttp_parse_query_str(qs, &q)) {
        whb_api_reply_error(req, 400, "malformed query string");
        return 1;
    }
    if (whb_api_pages_route(loop, req, path, &q))
        ; /* the console's additions: api_pages.c */
    else if (!strcmp(path, "/v1/status"))
        whb_api_reply_summary(loop, req, WHB_SUMMARY_STATUS);
    else if (!strcmp(path, "/v1/silent"))
        on_list(loop, req, &q, WHB_FILTER_SILENT, NULL, NULL);
    else if (!strcmp(path, "/v1/outages"))
        whb_api_reply_summary(loop, req, WHB_SUMMARY_OUTAGES);
    else if (!strcmp(path, "/v1/network/switch/ports"))
        whb_api_switch_ports(loop, req, &q);
    else if (!strcmp(path, "/v1/network/switch"))
        on_list(loop, req, &q, WHB_FILTER_SWITCH, query(&q, "switch", ""), query(&q, "port", ""));
    else if (!strcmp(path, "/v1/network/wifi"))
        on_list(loop, req, &q, WHB_FILTER_WIFI, query(&q, "ssid", ""), query(&q, "bssid", ""));
    else if (!strcmp(path, "/v1/wsus/upload"))
        whb_api_wsus_upload(loop, req, &q, (caller.perms & WHB_PERM_READ) != 0);
    else if (is_import)
        whb_api_wsus_import(loop, req, (caller.perms & WHB_PERM_READ) != 0);
    else if (!strcmp(path, "/v1/wsus/computers"))
        whb_api_wsus_computers(loop, req, &q);
    else if (!strcmp(path, "/v1/enrollments"))
        whb_api_enrollments(loop, req, &q);
    else if (!strcmp(path, "/v1/enrollments/accept"))
        whb_api_accept_all(loop, req, &caller);
    else if (!strncmp(path, machines, sizeof(machines) - 1))
        whb_api_machine(loop, req, path, &caller);
    else
        whb_api_reply_error(req, 404, "not found");
    evhttp_clear_headers(&q);
    return 1;
}
