/* The read API's machine lists (GET /v1/silent, /v1/network/switch, /v1/network/wifi), streamed:
 * a chunked response made a chunk of rows at a time from a keyset cursor in the store, the next
 * chunk only once the last one has been written, so that the collector's memory stays bounded
 * whatever the list's length and the HTTP thread answers reports between chunks. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "clock.h"
#include "error.h"
#include "explain/correlate.h"
#include "log.h"
#include "collector.h"
#include "explain/json.h"
#include "http/loop.h"

/* Rows per chunk: explaining costs up to a millisecond a machine on the HTTP thread. */
#define CHUNK_ROWS         1000
#define CHUNK_ROWS_EXPLAIN 50
#define LIST_EXPLAIN_MAX   5000 /* machines explained per list; the rest come without reason */
#define WATCH_MS           1000 /* how often a stream looks whether its client left */
#define LIST_KEY_MAX       300

/* One row's JSON text, written by hand: jansson's objects cost more than the store's walk. */
struct row_text {
    char buf[8192];
    size_t n;
    int overflow;
};

struct list_stream {
    struct whb_loop *loop;
    struct evhttp_request *req;
    struct whb_store_filter f;
    char a[LIST_KEY_MAX], b[LIST_KEY_MAX];
    struct whb_machine_view last; /* the cursor: the last machine sent */
    int have_last, explain, failed, started;
    unsigned left, explained, in_chunk;
    uint64_t count;
    int64_t now;
    struct evbuffer *buf;
    struct event *watch;
    int64_t iso_sec; /* the last time formatted */
    char iso[32];
    struct row_text row;
};

static int to_buffer(const char *text, size_t n, void *arg)
{
    return evbuffer_add(arg, text, n);
}

static void put(struct row_text *t, const char *s, size_t n)
{
    if (t->n + n >= sizeof(t->buf)) {
        t->overflow = 1;
        return;
    }
    memcpy(t->buf + t->n, s, n);
    t->n += n;
}

/* A JSON string; text is valid UTF-8 (the collector refuses anything else), so only quotes,
 * backslashes and controls need escapes; non-ASCII is written as \uXXXX as jansson would
 * (JSON_ENSURE_ASCII), through jansson itself. */
static void put_str(struct row_text *t, const char *s)
{
    const char *p;
    for (p = s; *p && (unsigned char)*p < 0x80; p++)
        ;
    if (*p) { /* rare: let jansson escape it */
        json_t *j = json_string(s);
        char *e = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
        if (e)
            put(t, e, strlen(e));
        else
            put(t, "\"\"", 2);
        free(e);
        json_decref(j);
        return;
    }
    put(t, "\"", 1);
    for (p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(t, e, 2);
        } else if (c < 0x20) {
            char e[8];
            snprintf(e, sizeof(e), "\\u%04x", c);
            put(t, e, 6);
        } else
            put(t, p, 1);
    }
    put(t, "\"", 1);
}

static void put_key_str(struct row_text *t, const char *key, const char *v)
{
    put(t, key, strlen(key));
    put_str(t, v);
}

/* Rows share report times: the last one formatted is kept. */
static void put_iso(struct row_text *t, struct list_stream *ls, int64_t ms)
{
    if (ms <= 0) {
        put(t, "null", 4);
        return;
    }
    if (ms / 1000 != ls->iso_sec || !ls->iso[0]) {
        ls->iso_sec = ms / 1000;
        whb_clock_format_iso(ms, ls->iso, sizeof(ls->iso));
    }
    put_str(t, ls->iso);
}

static void row_text(struct list_stream *ls, const struct whb_machine_view *m, struct row_text *t)
{
    int silent = ls->now > m->due_ms;
    struct whb_explanation x;
    t->n = 0;
    t->overflow = 0;
    put_key_str(t, "{\"machine\":", m->fqdn);
    put_key_str(t, ",\"machine_id\":", m->machine_id);
    put_key_str(t, ",\"status\":", silent ? "not_reporting" : "reporting");
    put(t, ",\"last_report\":", 15);
    put_iso(t, ls, m->last_seen_ms);
    put(t, ",\"silent_since\":", 16);
    put_iso(t, ls, silent ? m->last_seen_ms : 0);
    put_key_str(t, ",\"attachment\":{\"adapter\":", m->primary_if);
    put_key_str(t, ",\"switch\":", m->sw_name);
    put_key_str(t, ",\"switch_chassis\":", m->sw_chassis);
    put_key_str(t, ",\"port\":", m->sw_port);
    put_key_str(t, ",\"ssid\":", m->ssid);
    put_key_str(t, ",\"bssid\":", m->bssid);
    put_key_str(t, ",\"subnet\":", m->subnet);
    put(t, m->wireless ? ",\"wireless\":true}" : ",\"wireless\":false}", m->wireless ? 17 : 18);
    if (ls->explain && ls->explained < LIST_EXPLAIN_MAX &&
        whb_explain_view(ls->loop->reader, m, ls->now, &x) == 0) {
        const struct whb_reason_info *info = whb_reason_info(x.reason);
        put_key_str(t, ",\"reason\":", info->id);
        put_key_str(t, ",\"term\":", info->term);
        put_key_str(t, ",\"confidence\":", whb_confidence_name(x.confidence));
        put_key_str(t, ",\"summary\":", x.summary);
        ls->explained++;
    }
    put(t, "}", 1);
}

static int add_row(const struct whb_machine_view *m, void *arg)
{
    struct list_stream *ls = arg;
    row_text(ls, m, &ls->row);
    if (ls->row.overflow || (ls->count && evbuffer_add(ls->buf, ",\n", 2)) ||
        evbuffer_add(ls->buf, ls->row.buf, ls->row.n)) {
        ls->failed = 1;
        return 1;
    }
    ls->last = *m;
    ls->have_last = 1;
    ls->count++;
    ls->left--;
    ls->in_chunk++;
    return 0;
}

static void stream_free(struct list_stream *ls)
{
    if (ls->watch)
        event_free(ls->watch);
    if (ls->buf)
        evbuffer_free(ls->buf);
    free(ls);
}

static void on_written(struct evhttp_connection *evcon, void *arg);

/* Makes and sends the next chunk; the last one closes the document and the response. */
static void next_chunk(struct list_stream *ls)
{
    unsigned want =
        ls->explain && ls->explained < LIST_EXPLAIN_MAX ? CHUNK_ROWS_EXPLAIN : CHUNK_ROWS;
    if (want > ls->left)
        want = ls->left;
    ls->f.limit = want;
    ls->f.after = ls->have_last ? &ls->last : NULL;
    ls->in_chunk = 0;
    int rc =
        want ? ls->loop->reader->ops->each_machine(ls->loop->reader, &ls->f, ls->now, add_row, ls)
             : 0;
    if (!ls->started) {
        if (rc || ls->failed) { /* nothing sent yet: a plain error */
            whb_api_reply_json(
                ls->req, 503, json_pack("{s:s}", "error", rc ? whb_strerror(rc) : "out of memory"));
            stream_free(ls);
            return;
        }
        evhttp_add_header(evhttp_request_get_output_headers(ls->req), "Content-Type",
                          "application/json");
        evhttp_send_reply_start(ls->req, 200, "OK");
        ls->started = 1;
    }
    if (!rc && !ls->failed && ls->in_chunk == want && ls->left) {
        evhttp_send_reply_chunk_with_cb(ls->req, ls->buf, on_written, ls);
        return;
    }
    /* The end, or a failure half way: the status line is gone, so the document says it. */
    evbuffer_add_printf(ls->buf, "\n],\n\"count\": %llu", (unsigned long long)ls->count);
    if (rc || ls->failed)
        evbuffer_add_printf(ls->buf, ",\n\"error\": \"%s\"",
                            rc ? "store unavailable" : "out of memory");
    evbuffer_add(ls->buf, "}\n", 2);
    evhttp_send_reply_chunk(ls->req, ls->buf);
    evhttp_send_reply_end(ls->req);
    stream_free(ls);
}

static void on_written(struct evhttp_connection *evcon, void *arg)
{
    (void)evcon;
    next_chunk(arg);
}

/* A client that left mid-list: libevent detaches the request from its connection and calls
 * nothing of ours (the close callback is conns.c's), so each stream looks for itself. */
static void on_watch(evutil_socket_t fd, short what, void *arg)
{
    struct list_stream *ls = arg;
    (void)fd;
    (void)what;
    if (evhttp_request_get_connection(ls->req))
        return;
    whb_log_limited(WHB_LOG_INFO, "read API: a client left a list after %llu machines",
                    (unsigned long long)ls->count);
    evhttp_send_reply_end(ls->req); /* frees a request without a connection */
    stream_free(ls);
}

void whb_api_list_stream(struct whb_loop *loop, struct evhttp_request *req,
                         enum whb_store_filter_kind kind, const char *a, const char *b,
                         unsigned limit, int explain)
{
    struct timeval every = {WATCH_MS / 1000, (WATCH_MS % 1000) * 1000};
    struct list_stream *ls = calloc(1, sizeof(*ls));
    if (!ls || strlen(a) >= LIST_KEY_MAX || strlen(b) >= LIST_KEY_MAX) {
        free(ls);
        whb_api_reply_json(req, ls ? 400 : 503,
                           json_pack("{s:s}", "error", ls ? "name too long" : "out of memory"));
        return;
    }
    ls->loop = loop;
    ls->req = req;
    ls->now = whb_clock_wall_ms();
    ls->explain = explain;
    ls->left = limit ? limit : UINT_MAX;
    memcpy(ls->a, a, strlen(a) + 1);
    memcpy(ls->b, b, strlen(b) + 1);
    ls->f = (struct whb_store_filter){.kind = kind, .a = ls->a, .b = ls->b};
    ls->buf = evbuffer_new();
    ls->watch = event_new(loop->base, -1, EV_PERSIST, on_watch, ls);
    json_t *at = whb_json_iso(ls->now);
    if (!ls->buf || !ls->watch || !at || event_add(ls->watch, &every)) {
        json_decref(at);
        stream_free(ls);
        whb_api_reply_json(req, 503, json_pack("{s:s}", "error", "out of memory"));
        return;
    }
    evbuffer_add_printf(ls->buf, "{\n\"generated_at\": ");
    json_dump_callback(at, to_buffer, ls->buf, JSON_ENCODE_ANY);
    json_decref(at);
    evbuffer_add_printf(ls->buf, ",\n\"machines\": [\n");
    next_chunk(ls);
}
