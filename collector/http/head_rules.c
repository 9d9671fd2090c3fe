/* Implementation of head_rules.h: one pass over the head's lines. The rules are strict where
 * RFC 9112 lets a server refuse (a lenient parser and a strict one disagreeing about where a
 * request ends is how requests are smuggled): every line ends in CRLF, no line folding, a field
 * name is a token directly followed by its colon, a value holds no control character but HTAB,
 * Content-Length is digits and given once, never beside Transfer-Encoding, which may only be
 * "chunked", and an HTTP/1.1 request names its Host exactly once. */
#include "http/head_rules.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum rule {
    R_CRLF,
    R_FOLD,
    R_NAME,
    R_VALUE,
    R_LENGTH,
    R_LENGTHS,
    R_BOTH,
    R_CODING,
    R_HOST,
};

static const char *const rule_text[] = {
    [R_CRLF] = "a line not ending in CRLF",
    [R_FOLD] = "obsolete line folding (RFC 9112 5.2)",
    [R_NAME] = "a field name that is not a token followed directly by its colon (RFC 9112 5.1)",
    [R_VALUE] = "a control character in a field value (RFC 9110 5.5)",
    [R_LENGTH] = "a Content-Length that is not a number (RFC 9112 6.3)",
    [R_LENGTHS] = "Content-Length given more than once (RFC 9112 6.3)",
    [R_BOTH] = "Transfer-Encoding beside Content-Length (RFC 9112 6.3)",
    [R_CODING] = "a transfer coding other than chunked",
    [R_HOST] = "Host missing or given more than once (RFC 9112 3.2)",
};

const struct whb_http_head_case whb_http_head_cases[] = {
    {"a line not ending in CRLF", "Content-Length: 2\nX-A: b\r\n", 0},
    {"obsolete line folding", "Content-Length: 2\r\nX-A: a\r\n b\r\n", 0},
    {"a field name that is not a token", "Content-Length : 2\r\n", 0},
    {"a field name that is not a token", "Content-Length\t: 2\r\n", 0},
    {"a field name that is not a token", "Content-Length: 2\r\nX A: b\r\n", 0},
    {"a field name that is not a token", "Content-Length: 2\r\nX\001Y: z\r\n", 0},
    {"a control character in a field value", "Content-Length: 2\r\nX-A: a\rb\r\n", 0},
    {"a Content-Length that is not a number", "Content-Length: +2\r\n", 0},
    {"a Content-Length that is not a number", "Content-Length: 2x\r\n", 0},
    {"Content-Length given more than once", "Content-Length: 2\r\nContent-Length: 2\r\n", 0},
    {"Content-Length given more than once", "Content-Length: 2\r\nContent-Length: 3\r\n", 0},
    {"Transfer-Encoding beside Content-Length",
     "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", 0},
    {"a transfer coding other than chunked", "Transfer-Encoding: gzip, chunked\r\n", 0},
    {"Host missing or given more than once", "Content-Length: 2\r\n", 1},
    {"Host missing or given more than once", "Content-Length: 2\r\nHost: b\r\n", 0},
};

const size_t whb_http_head_case_count =
    sizeof(whb_http_head_cases) / sizeof(whb_http_head_cases[0]);

/* RFC 9110 5.6.2: tchar. */
static int tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int name_is(const char *p, size_t n, const char *name)
{
    return n == strlen(name) && !strncasecmp(p, name, n);
}

static int refuse(enum rule r, char *why, size_t whylen)
{
    snprintf(why, whylen, "%s", rule_text[r]);
    return -1;
}

int whb_http_head_check(const char *head, size_t len, char *why, size_t whylen)
{
    return whb_http_head_check_part(head, len, 1, why, whylen);
}

int whb_http_head_check_part(const char *head, size_t len, int complete, char *why, size_t whylen)
{
    const char *p = head, *end = head + len;
    unsigned lengths = 0, codings = 0, hosts = 0;
    int http11 = 0, first = 1;
    while (p < end) {
        const char *lf = memchr(p, '\n', (size_t)(end - p));
        if (!lf && !complete) /* the line the parser stopped in */
            break;
        if (!lf || lf == p || lf[-1] != '\r')
            return refuse(R_CRLF, why, whylen);
        size_t n = (size_t)(lf - 1 - p); /* the line without its CRLF */
        const char *line = p;
        p = lf + 1;
        if (first) { /* the request line: only its version matters here */
            first = 0;
            http11 = n >= 8 && !memcmp(line + n - 8, "HTTP/1.1", 8);
            continue;
        }
        if (n == 0) /* the blank line that ends the head */
            break;
        if (line[0] == ' ' || line[0] == '\t')
            return refuse(R_FOLD, why, whylen);
        const char *colon = memchr(line, ':', n);
        if (!colon || colon == line)
            return refuse(R_NAME, why, whylen);
        for (const char *c = line; c < colon; c++)
            if (!tchar((unsigned char)*c))
                return refuse(R_NAME, why, whylen);
        const char *v = colon + 1, *vend = line + n;
        for (const char *c = v; c < vend; c++)
            if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
                return refuse(R_VALUE, why, whylen);
        while (v < vend && (*v == ' ' || *v == '\t'))
            v++;
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
            vend--;
        size_t nlen = (size_t)(colon - line), vlen = (size_t)(vend - v);
        if (name_is(line, nlen, "Content-Length")) {
            if (++lengths > 1)
                return refuse(R_LENGTHS, why, whylen);
            if (!vlen || vlen > 19 || strspn(v, "0123456789") < vlen)
                return refuse(R_LENGTH, why, whylen);
        } else if (name_is(line, nlen, "Transfer-Encoding")) {
            if (++codings > 1 || !name_is(v, vlen, "chunked"))
                return refuse(R_CODING, why, whylen);
        } else if (name_is(line, nlen, "Host")) {
            hosts++;
        }
    }
    if (lengths && codings)
        return refuse(R_BOTH, why, whylen);
    if (!complete)
        return 0;
    if (hosts > 1 || (http11 && hosts == 0))
        return refuse(R_HOST, why, whylen);
    return 0;
}
