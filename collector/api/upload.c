/* POST /v1/wsus/upload: WSUS's computer list as the admin exported it, the file itself (the web
 * console's upload), read by the collector with the reader `whb wsus-import` uses
 * (wsuslist/wsus_csv.c): the same forms, the same dates, the same errors.
 *
 *   POST /v1/wsus/upload?session=HEX&part=N&final=0|1[&date_format=CULTURE]   body: the file's
 *        bytes, in parts each under max_body, in order
 *   POST /v1/wsus/upload?session=HEX&continue=1                              no body
 *
 * The final part's answer is the import's (api/wsus.c) with the file's "format"; or, for a list
 * longer than STAGE_ROWS, 202 {"session", "computers", "staged"} and each continue stages the
 * next STAGE_ROWS, so that no request holds the event loop for long. Uploads live in memory,
 * one file at most MAX_BYTES and UPLOADS at a time, forgotten after IDLE_MS without a part. */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "clock.h"
#include "collector.h"
#include "error.h"
#include "http/loop.h"
#include "log.h"
#include "wsuslist/wsus_csv.h"

#define UPLOADS    4
#define MAX_BYTES  (64u * 1024 * 1024)
#define IDLE_MS    (10 * 60 * 1000LL)
#define STAGE_ROWS 2000

struct upload {
    char session[65]; /* "" when the slot is free */
    unsigned char *data;
    size_t len, cap;
    unsigned parts; /* received so far */
    char culture[16];
    int parsed; /* list holds the rows; staged of them are in the store */
    struct whb_wsus_list list;
    size_t staged;
    unsigned stage_part;
    int64_t used_ms;
};

struct whb_uploads {
    struct upload u[UPLOADS];
};

static void forget(struct upload *u)
{
    free(u->data);
    whb_wsus_list_free(&u->list);
    memset(u, 0, sizeof(*u));
}

void whb_api_uploads_free(struct whb_collector *col)
{
    if (!col || !col->uploads)
        return;
    for (int i = 0; i < UPLOADS; i++)
        forget(&col->uploads->u[i]);
    free(col->uploads);
    col->uploads = NULL;
}

static int session_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 16 && n <= 64 && strspn(s, "0123456789abcdefABCDEF") == n;
}

/* The upload of session; with create, a new one (an idle one is forgotten first). */
static struct upload *find(struct whb_collector *col, const char *session, int create, int64_t now)
{
    struct upload *free_slot = NULL;
    for (int i = 0; i < UPLOADS; i++) {
        struct upload *u = &col->uploads->u[i];
        if (u->session[0] && now - u->used_ms > IDLE_MS)
            forget(u);
        if (u->session[0] && !strcmp(u->session, session))
            return u;
        if (!u->session[0] && !free_slot)
            free_slot = u;
    }
    if (!create || !free_slot)
        return NULL;
    snprintf(free_slot->session, sizeof(free_slot->session), "%s", session);
    return free_slot;
}

static const char *query(struct evkeyvalq *q, const char *key)
{
    const char *v = evhttp_find_header(q, key);
    return v ? v : "";
}

/* Stages the next rows; on the last ones replaces the list and answers as the import does. */
static void stage_more(struct whb_loop *loop, struct evhttp_request *req, struct upload *u,
                       int may_read)
{
    struct whb_wsus_computer *rows = calloc(STAGE_ROWS, sizeof(*rows));
    char why[400];
    int64_t now = whb_clock_wall_ms();
    size_t n = 0;
    if (!rows) {
        whb_api_reply_error(req, 503, "out of memory");
        return;
    }
    for (; n < STAGE_ROWS && u->staged + n < u->list.n; n++) {
        const struct whb_wsus_row *r = &u->list.rows[u->staged + n];
        snprintf(rows[n].fqdn, sizeof(rows[n].fqdn), "%s", r->fqdn);
        snprintf(rows[n].ip, sizeof(rows[n].ip), "%s", r->ip);
        rows[n].last_status_ms = r->last_status_ms;
        rows[n].last_sync_ms = r->last_sync_ms;
        rows[n].line = r->line;
        snprintf(rows[n].target_id, sizeof(rows[n].target_id), "%s", r->target_id);
    }
    int rc = loop->reader->ops->wsus_stage(loop->reader, u->session, ++u->stage_part, rows, n, now,
                                           why, sizeof(why));
    free(rows);
    if (rc) {
        whb_api_reply_error(req, rc == WHB_EINVAL ? 409 : 503,
                            rc == WHB_EINVAL ? why : "store unavailable");
        forget(u);
        return;
    }
    u->staged += n;
    if (u->staged < u->list.n) {
        whb_api_reply_json(req, 202,
                           json_pack("{s:s, s:I, s:I}", "session", u->session, "computers",
                                     (json_int_t)u->list.n, "staged", (json_int_t)u->staged));
        return;
    }
    char format[300];
    snprintf(format, sizeof(format), "%s, '%s'-separated, %s", u->list.encoding,
             u->list.delimiter == '\t'  ? "tab"
             : u->list.delimiter == ';' ? ";"
                                        : ",",
             u->list.dates);
    char session[65];
    snprintf(session, sizeof(session), "%s", u->session);
    forget(u);
    whb_api_wsus_finish(loop, req, session, now, format, may_read);
}

void whb_api_wsus_upload(struct whb_loop *loop, struct evhttp_request *req, struct evkeyvalq *q,
                         int may_read)
{
    struct whb_collector *col = loop->col;
    int64_t now = whb_clock_wall_ms();
    const char *session = query(q, "session");
    long part = atol(query(q, "part"));
    int cont = !strcmp(query(q, "continue"), "1"), final = !strcmp(query(q, "final"), "1");
    if (!col->uploads && !(col->uploads = calloc(1, sizeof(*col->uploads)))) {
        whb_api_reply_error(req, 503, "out of memory");
        return;
    }
    if (!session_ok(session) || (!cont && (part < 1 || part > 100000))) {
        whb_api_reply_error(req, 400,
                            "expected ?session=16-64 hex digits&part=1..&final=0|1"
                            "[&date_format=CULTURE] (or &continue=1), the file's bytes as body");
        return;
    }
    struct upload *u = find(col, session, !cont && part == 1, now);
    if (!u) {
        whb_api_reply_error(req, cont || part > 1 ? 409 : 503,
                            cont || part > 1 ? "no such upload (forgotten after 10 minutes idle, "
                                               "or never started): upload the file again"
                                             : "too many uploads at once: try again shortly");
        return;
    }
    u->used_ms = now;
    if (cont) {
        if (!u->parsed)
            whb_api_reply_error(req, 409, "the upload is not complete: send its final part");
        else
            stage_more(loop, req, u, may_read);
        return;
    }
    if (part == 1) {
        forget(u);
        snprintf(u->session, sizeof(u->session), "%s", session);
        u->used_ms = now;
        snprintf(u->culture, sizeof(u->culture), "%.15s", query(q, "date_format"));
    }
    if ((unsigned long)part != u->parts + 1 || u->parsed) {
        whb_api_reply_error(req, 409, "parts must come in order, each once: upload the file again");
        forget(u);
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    if (u->len + n > MAX_BYTES) {
        whb_api_reply_error(req, 413,
                            "larger than 64 MiB: use `whb wsus-import FILE` or the "
                            "WSUS server's scheduled task (Send-WsusComputers.ps1)");
        forget(u);
        return;
    }
    if (u->len + n > u->cap) {
        size_t cap = u->cap ? u->cap : 65536;
        while (cap < u->len + n)
            cap *= 2;
        unsigned char *grown = realloc(u->data, cap);
        if (!grown) {
            whb_api_reply_error(req, 503, "out of memory");
            forget(u);
            return;
        }
        u->data = grown;
        u->cap = cap;
    }
    evbuffer_remove(in, u->data + u->len, n);
    u->len += n;
    u->parts++;
    if (!final) {
        whb_api_reply_json(req, 200,
                           json_pack("{s:s, s:I, s:I}", "session", u->session, "part",
                                     (json_int_t)part, "received", (json_int_t)u->len));
        return;
    }
    char why[700];
    if (whb_wsus_csv_parse(u->data, u->len, u->culture[0] ? u->culture : NULL, &u->list, why,
                           sizeof(why))) {
        whb_log_info("wsus upload refused: %s", why);
        whb_api_reply_error(req, 400, why);
        forget(u);
        return;
    }
    free(u->data);
    u->data = NULL;
    u->len = u->cap = 0;
    u->parsed = 1;
    stage_more(loop, req, u, may_read);
}
