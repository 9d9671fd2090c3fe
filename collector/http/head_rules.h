/* What a request's head (its request line and header lines) may not hold: one table, after
 * RFC 9112, checked on the raw bytes of every request that comes in on the collector's port
 * before anything acts on it. Both HTTP paths see only heads it passed: the lean report path
 * checks each request it reads (report_conn.c), and a request it hands to evhttp is checked
 * before the hand-over; evhttp then answers that one request and closes the connection
 * (loop.c), so it never parses a head of its own. (Issue 22: `Content-Length : 5`, with a space
 * before the colon, was taken by the report path and refused by evhttp.) Pure, fuzzed with the
 * report parser. */
#ifndef WHB_HTTP_HEAD_RULES_H
#define WHB_HTTP_HEAD_RULES_H

#include <stddef.h>

/* One example of each refusal, for tests: header lines (CRLF-terminated) that break a rule when
 * put after a request line and a Host line ("Host" NULL: the example drops the Host line). */
struct whb_http_head_case {
    const char *rule;    /* what is refused, the start of the 400's text */
    const char *headers; /* the lines that break it */
    int no_host;         /* 1: the request has no Host line */
};

extern const struct whb_http_head_case whb_http_head_cases[];
extern const size_t whb_http_head_case_count;

/* 0 when head (len bytes, from the request line to its final blank line) breaks no rule; else
 * -1 with the rule it breaks in why. */
int whb_http_head_check(const char *head, size_t len, char *why, size_t whylen);

/* The same over the part of a head a parser read before it gave up (complete 0): the lines
 * there are checked, the rules that need the whole head are not. */
int whb_http_head_check_part(const char *head, size_t len, int complete, char *why, size_t whylen);

#endif
