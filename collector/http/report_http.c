/* Implementation of report_http.h: http-parser's callbacks record spans into the caller's
 * buffer (no copy, no allocation); a reply is assembled with memcpy, not printf. */
#include "http/report_http.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

static struct whb_report_http *of(http_parser *p)
{
    return p->data;
}

/* A callback's piece extends the span it continues: the feeds are contiguous in memory. */
static void extend(struct whb_report_http_span *s, const char *at, size_t len)
{
    if (!s->p)
        s->p = at;
    s->n = (size_t)(at + len - s->p);
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    extend(&of(p)->req.path, at, len);
    return 0;
}

static int name_is(const struct whb_report_http_span *s, const char *name)
{
    return s->n == strlen(name) && !strncasecmp(s->p, name, s->n);
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    struct whb_report_http *h = of(p);
    if (h->last_value || !h->field.p) {
        h->field = (struct whb_report_http_span){0};
        h->last_value = 0;
    }
    extend(&h->field, at, len);
    return 0;
}

/* Where the value of the field just read goes: the first of each header we use counts. */
static struct whb_report_http_span *target(struct whb_report_http *h)
{
    struct whb_report_http_span *t = &h->ignored;
    if (name_is(&h->field, "Authorization"))
        t = &h->req.authorization;
    else if (name_is(&h->field, "X-Whb-Enrollment"))
        t = &h->req.enrollment;
    else if (name_is(&h->field, "Expect"))
        t = &h->expect;
    if (t != &h->ignored && t->p)
        t = &h->ignored;
    *t = (struct whb_report_http_span){0};
    return t;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    struct whb_report_http *h = of(p);
    if (!h->last_value) {
        h->value = target(h);
        h->last_value = 1;
    }
    extend(h->value, at, len);
    return 0;
}

static void trim(struct whb_report_http_span *s)
{
    while (s->n && (s->p[s->n - 1] == ' ' || s->p[s->n - 1] == '\t'))
        s->n--;
}

static int on_headers_complete(http_parser *p)
{
    struct whb_report_http *h = of(p);
    struct whb_report_http_req *r = &h->req;
    r->method = p->method;
    r->major = p->http_major;
    r->minor = p->http_minor;
    r->keep_alive = http_should_keep_alive(p);
    r->chunked = (p->flags & F_CHUNKED) != 0;
    r->upgrade = p->upgrade || p->method == HTTP_CONNECT;
    r->content_length = p->content_length == UINT64_MAX ? 0 : p->content_length;
    trim(&r->authorization);
    trim(&r->enrollment);
    trim(&h->expect);
    r->expect_continue = name_is(&h->expect, "100-continue") && r->major == 1 && r->minor >= 1;
    const char *q = r->path.p ? memchr(r->path.p, '?', r->path.n) : NULL;
    if (q)
        r->path.n = (size_t)(q - r->path.p);
    h->headers_end = 1;
    /* Paused here so that the feed knows where the headers end, whatever follows them. */
    http_parser_pause(p, 1);
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    extend(&of(p)->req.body, at, len);
    return 0;
}

/* Stops the parser at the end of the request: the next one waits for this one's answer. */
static int on_message_complete(http_parser *p)
{
    of(p)->done = 1;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void whb_report_http_begin(struct whb_report_http *h)
{
    if (h->p.data != h) {
        memset(h, 0, sizeof(*h));
        http_parser_init(&h->p, HTTP_REQUEST);
        h->p.data = h;
        return;
    }
    /* The parser keeps its state across a keep-alive connection's requests. */
    http_parser p = h->p;
    memset(h, 0, sizeof(*h));
    h->p = p;
    h->p.data = h;
    http_parser_pause(&h->p, 0);
}

enum whb_report_http_step whb_report_http_feed(struct whb_report_http *h, const char *data,
                                               size_t len, size_t *used)
{
    size_t n = len ? http_parser_execute(&h->p, &settings, data, len) : 0;
    if (h->headers_end && !h->req.head_len && HTTP_PARSER_ERRNO(&h->p) == HPE_PAUSED) {
        /* Stopped on the headers' last LF, which the parser reads again when it resumes. */
        h->req.head_len = h->fed + n + 1;
        http_parser_pause(&h->p, 0);
        n += http_parser_execute(&h->p, &settings, data + n, len - n);
    }
    enum http_errno err = HTTP_PARSER_ERRNO(&h->p);
    *used = n;
    if (err != HPE_OK && !(err == HPE_PAUSED && h->done))
        return WHB_REPORT_HTTP_BAD;
    /* The same bound whether the headers came in pieces or at once. */
    if (h->headers_end ? h->req.head_len > WHB_REPORT_HTTP_HEAD_MAX
                       : h->fed + n > WHB_REPORT_HTTP_HEAD_MAX) {
        h->too_large = 1;
        return WHB_REPORT_HTTP_BAD;
    }
    h->fed += n;
    if (h->done)
        return WHB_REPORT_HTTP_DONE;
    if (h->headers_end && !h->headers_told) {
        h->headers_told = 1;
        return WHB_REPORT_HTTP_HEADERS;
    }
    return WHB_REPORT_HTTP_MORE;
}

const char *whb_report_http_why(const struct whb_report_http *h)
{
    if (h->too_large)
        return "request headers too large";
    return http_errno_description(HTTP_PARSER_ERRNO(&h->p));
}

/* Appends s, or notes that it did not fit. */
static void put(char *out, size_t cap, size_t *at, const void *s, size_t n)
{
    if (*at + n <= cap)
        memcpy(out + *at, s, n);
    *at += n;
}

static void put_str(char *out, size_t cap, size_t *at, const char *s)
{
    put(out, cap, at, s, strlen(s));
}

static void put_uint(char *out, size_t cap, size_t *at, uint64_t v)
{
    char d[24];
    size_t i = sizeof(d);
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(out, cap, at, d + i, sizeof(d) - i);
}

size_t whb_report_http_reply(char *out, size_t cap, int code, const char *reason, const char *extra,
                             const char *ctype, const void *body, size_t body_len, int keep_alive,
                             int http10)
{
    size_t at = 0;
    put_str(out, cap, &at, "HTTP/1.1 ");
    put_uint(out, cap, &at, (uint64_t)(code < 0 ? 0 : code));
    put_str(out, cap, &at, " ");
    put_str(out, cap, &at, reason);
    put_str(out, cap, &at, "\r\n");
    if (ctype && body_len) {
        put_str(out, cap, &at, "Content-Type: ");
        put_str(out, cap, &at, ctype);
        put_str(out, cap, &at, "\r\n");
    }
    put_str(out, cap, &at, "Content-Length: ");
    put_uint(out, cap, &at, body_len);
    put_str(out, cap, &at, "\r\n");
    if (extra)
        put_str(out, cap, &at, extra);
    if (!keep_alive)
        put_str(out, cap, &at, "Connection: close\r\n");
    else if (http10)
        put_str(out, cap, &at, "Connection: keep-alive\r\n");
    put_str(out, cap, &at, "\r\n");
    if (body_len)
        put(out, cap, &at, body, body_len);
    return at <= cap ? at : 0;
}
