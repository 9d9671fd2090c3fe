/* libFuzzer target for the report path's request parsing (collector/report_http.c): bytes as
 * a connection receives them, fed the way report_conn.c feeds them (in pieces, request after
 * request, the buffer compacted between them). Every span must lie inside the bytes fed, a
 * complete request's body must be its Content-Length, and pieces must not change the result:
 * the same bytes fed at once give the same requests. Replies must fit or say they do not. The
 * table of header refusals (head_rules.c) runs over every head the parser completes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/head_rules.h"
#include "http/report_http.h"

#define MAX_REQS 16

/* What one complete request looked like, as offsets from its first byte. */
struct seen {
    unsigned method;
    size_t path_off, path_n, body_off, body_n, head_len, total;
    int keep_alive;
};

static void inside(const struct whb_report_http_span *s, const char *base, size_t len)
{
    if (s->p && (s->p < base || s->p + s->n > base + len))
        abort();
}

/* Feeds data in pieces of at most `piece` bytes (0: all at once); returns requests seen. */
static int run(const char *data, size_t size, size_t piece, struct seen *out)
{
    char *buf = malloc(size ? size : 1);
    struct whb_report_http h;
    size_t len = 0, used = 0, start = 0;
    int n = 0;
    memset(&h, 0, sizeof(h));
    whb_report_http_begin(&h);
    while (n < MAX_REQS) {
        if (used == len) { /* arrives: the next piece */
            size_t take = piece && size - (start + len) > piece ? piece : size - (start + len);
            if (!take)
                break;
            memcpy(buf + len, data + start + len, take);
            len += take;
        }
        size_t took = 0;
        enum whb_report_http_step step = whb_report_http_feed(&h, buf + used, len - used, &took);
        if (took > len - used)
            abort();
        used += took;
        if (step == WHB_REPORT_HTTP_BAD) {
            if (!whb_report_http_why(&h))
                abort();
            break;
        }
        if (step != WHB_REPORT_HTTP_DONE)
            continue;
        struct whb_report_http_req *r = &h.req;
        /* The table of refusals (head_rules.c) reads the same head: it must say why when it
         * refuses, and never read past it (ASan). */
        char why[160] = "";
        if (r->head_len <= used && whb_http_head_check(buf, r->head_len, why, sizeof(why)) &&
            !why[0])
            abort();
        if (whb_http_head_check_part(buf, used, 0, why, sizeof(why)) && !why[0])
            abort();
        inside(&r->path, buf, used);
        inside(&r->authorization, buf, used);
        inside(&r->enrollment, buf, used);
        inside(&r->body, buf, used);
        if (!r->chunked && r->body.n != r->content_length)
            abort();
        if (r->head_len > used || (!r->chunked && r->head_len + r->body.n != used))
            abort();
        struct seen *o = &out[n++];
        memset(o, 0, sizeof(*o)); /* compared with memcmp: no stray padding */
        o->method = r->method;
        o->path_off = r->path.p ? (size_t)(r->path.p - buf) : 0;
        o->path_n = r->path.n;
        o->body_off = r->body.p ? (size_t)(r->body.p - buf) : 0;
        o->body_n = r->body.n;
        o->head_len = r->head_len;
        o->total = used;
        o->keep_alive = r->keep_alive;
        if (!r->keep_alive || r->upgrade)
            break;
        /* As the connection does: the next request moves to the front. */
        memmove(buf, buf + used, len - used);
        start += used;
        len -= used;
        used = 0;
        whb_report_http_begin(&h);
    }
    free(buf);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen a[MAX_REQS], b[MAX_REQS];
    if (size < 1)
        return 0;
    size_t piece = 1 + data[0] % 64;
    const char *bytes = (const char *)data + 1;
    int na = run(bytes, size - 1, 0, a);
    int nb = run(bytes, size - 1, piece, b);
    /* Pieces may stop earlier only where the whole feed would have stopped too. */
    if (na != nb || memcmp(a, b, sizeof(a[0]) * (size_t)na)) {
        fprintf(stderr, "at once %d requests, in pieces of %zu: %d\n", na, piece, nb);
        for (int i = 0; i < na || i < nb; i++)
            fprintf(stderr, "  %d: head %zu/%zu body %zu+%zu/%zu+%zu total %zu/%zu\n", i,
                    i < na ? a[i].head_len : 0, i < nb ? b[i].head_len : 0,
                    i < na ? a[i].body_off : 0, i < na ? a[i].body_n : 0,
                    i < nb ? b[i].body_off : 0, i < nb ? b[i].body_n : 0, i < na ? a[i].total : 0,
                    i < nb ? b[i].total : 0);
        abort();
    }

    char out[256];
    int code = 100 + data[0] % 500;
    const char *reason = size > 2 ? bytes + 1 : "";
    char r[64];
    size_t rn = size - 2 < sizeof(r) - 1 ? size - 2 : sizeof(r) - 1;
    memcpy(r, reason, size > 2 ? rn : 0);
    r[size > 2 ? rn : 0] = '\0';
    size_t n = whb_report_http_reply(out, sizeof(out), code, r, "X-A: b\r\n", "text/plain", bytes,
                                     size - 1, data[0] & 1, data[0] & 2);
    if (n > sizeof(out) || (n && memcmp(out, "HTTP/1.1 ", 9)))
        abort();
    return 0;
}
