/* Implementation of report_lean.h: the same checks, texts, audit lines and metrics as
 * report_evhttp.c (ingest/answer.h decides them), from the request's spans instead of evhttp's. */
#include "http/report_lean.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "collector.h"
#include "http/loop.h"
#include "http/report_conn.h"
#include "ingest/answer.h"

#define TEXT "text/plain; charset=utf-8"

static struct whb_collector *collector_of(struct whb_report_conn *cn)
{
    const struct whb_loop *loop = cn->loop->env.owner;
    return loop->col;
}

/* Writes a report's answer (answer.c decided it) and counts it. */
static void answer(struct whb_report_conn *cn, const struct whb_ingest_item *it,
                   const struct whb_report_answer *a)
{
    char body[sizeof(a->text) + 1], extra[96] = "", peer[80] = "";
    if (a->audit != WHB_AUDIT_NONE)
        whb_report_conn_peer(cn, peer, sizeof(peer));
    whb_report_note(collector_of(cn), it, a, peer);
    if (a->header)
        snprintf(extra, sizeof(extra), "%s: %s\r\n", a->header, a->value);
    size_t n = strlen(a->text);
    memcpy(body, a->text, n);
    body[n++] = '\n';
    whb_report_conn_reply(cn, a->code, a->reason, extra, TEXT, body, n, 0);
}

/* A header's value as a C string: the byte after it (CR, LF or blank) was parsed already. */
static const char *cstr(struct whb_report_http_span *s)
{
    if (!s->p)
        return NULL;
    ((char *)s->p)[s->n] = '\0';
    return s->p;
}

void whb_report_serve(struct whb_report_conn *cn)
{
    struct whb_collector *col = collector_of(cn);
    struct whb_loop *loop = cn->loop->env.owner;
    struct whb_report_http_req *req = &cn->http.req;
    struct whb_ingest_item *it = &cn->item;
    struct whb_report_answer a;

    if (whb_report_admit(col, req->method == HTTP_POST, req->body.n, &a)) {
        answer(cn, NULL, &a);
        return;
    }
    memset(it, 0, sizeof(*it));
    struct whb_report_sender sender = {.ssl = cn->ssl,
                                       .authorization = cstr(&req->authorization),
                                       .enrollment = cstr(&req->enrollment),
                                       .fd = cn->fd,
                                       .peer = &cn->peer};
    if (whb_report_sender(col, loop->reader, &sender, it, &a) ||
        whb_report_decode((const uint8_t *)req->body.p, req->body.n, &cn->arena, it, &a)) {
        answer(cn, NULL, &a);
        return;
    }
    if (whb_report_identify(col, cn->ssl, it, &a)) {
        answer(cn, NULL, &a);
        goto drop;
    }
    it->request = cn;
    it->port = cn->loop->port;
    whb_report_stamp(col, it);
    cn->in_writer = 1;
    if (whb_ingest_submit(col->ingest, it)) {
        cn->in_writer = 0;
        whb_report_busy(&a);
        answer(cn, NULL, &a);
        goto drop;
    }
    return;
drop:
    it->report = NULL;
    whb_wire_arena_reset(&cn->arena);
}

/* Runs on the loop's thread once the commit holding the report returned; a connection whose
 * peer went meanwhile (dead) is only counted, its reply goes nowhere. */
void whb_report_serve_committed(struct whb_report_conn *cn)
{
    struct whb_ingest_item *it = &cn->item;
    struct whb_report_answer a;
    uint8_t buf[512]; /* an ack is a boot id (<= 64 bytes) and three numbers */
    size_t n;

    cn->in_writer = 0;
    whb_report_committed(it, &a);
    if (a.code != 200) {
        answer(cn, it, &a);
    } else if ((n = whb_report_ack(collector_of(cn), it, buf, sizeof(buf)))) {
        whb_report_conn_reply(cn, 200, "OK", NULL, "application/x-protobuf", buf, n, 0);
        whb_report_note(collector_of(cn), it, &a, NULL);
    } else {
        whb_report_conn_reply(cn, 503, "Service Unavailable", NULL, NULL, NULL, 0, 0);
    }
    it->report = NULL;
    whb_wire_arena_reset(&cn->arena);
}
