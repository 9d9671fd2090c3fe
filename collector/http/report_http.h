/* The agents' report requests without evhttp: one request at a time parsed in place (Debian's
 * http-parser) from a connection's own buffer, and replies formatted into a fixed buffer. Pure
 * functions over bytes, so that they can be fuzzed. */
#ifndef WHB_REPORT_HTTP_H
#define WHB_REPORT_HTTP_H

#include <http_parser.h>
#include <stddef.h>
#include <stdint.h>

/* A request's line and headers may take this much; more: 431. */
#define WHB_REPORT_HTTP_HEAD_MAX (16 * 1024)

/* Where a feed stopped. */
enum whb_report_http_step {
    WHB_REPORT_HTTP_MORE,    /* all bytes taken, the request is not complete */
    WHB_REPORT_HTTP_HEADERS, /* the headers are complete: decide before the body */
    WHB_REPORT_HTTP_DONE,    /* the request is complete */
    WHB_REPORT_HTTP_BAD,     /* not HTTP, or headers beyond WHB_REPORT_HTTP_HEAD_MAX */
};

struct whb_report_http_span {
    const char *p; /* into the caller's buffer */
    size_t n;
};

/* What the collector needs of one request; spans point into the buffer that was fed. */
struct whb_report_http_req {
    unsigned method; /* enum http_method */
    unsigned short major, minor;
    int keep_alive;      /* the connection may carry another request after this one */
    int expect_continue; /* Expect: 100-continue */
    int chunked;         /* Transfer-Encoding: chunked */
    int upgrade;         /* Upgrade or CONNECT: not for this path */
    uint64_t content_length;
    struct whb_report_http_span path; /* the URL without its query */
    struct whb_report_http_span authorization, enrollment;
    struct whb_report_http_span body; /* Content-Length bodies only */
    size_t head_len;                  /* bytes of the request line and headers */
};

struct whb_report_http {
    http_parser p;
    struct whb_report_http_req req;
    size_t fed; /* bytes of this request taken so far */
    /* Internal: the header being read, where its value goes, what the callbacks saw. */
    struct whb_report_http_span field, expect, ignored, *value;
    int last_value, headers_end, headers_told, done, too_large;
};

/* Starts a connection's first request (h zeroed before) and, after WHB_REPORT_HTTP_DONE, the
 * next one on the same connection. */
void whb_report_http_begin(struct whb_report_http *h);

/* Feeds the next len bytes of the request, contiguous in memory with those fed before; *used
 * says how many were taken (the rest belong to the next request, or are fed again after
 * HEADERS). The spans stay valid while the caller's buffer holds those bytes. */
enum whb_report_http_step whb_report_http_feed(struct whb_report_http *h, const char *data,
                                               size_t len, size_t *used);

/* A short description of why the feed said BAD, for the 400 answer. */
const char *whb_report_http_why(const struct whb_report_http *h);

/* Formats a whole reply into out: status line, Content-Type (when body), Content-Length,
 * `extra` ("Name: value\r\n" lines or ""), Connection when keep_alive differs from the
 * request's version default, and the body. Returns its length, 0 when it does not fit. */
size_t whb_report_http_reply(char *out, size_t cap, int code, const char *reason, const char *extra,
                             const char *ctype, const void *body, size_t body_len, int keep_alive,
                             int http10);

#endif
