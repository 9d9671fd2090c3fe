/* Implementation of report_evhttp.h: what ingest/answer.h decided, written through evhttp. */
#include "http/report_evhttp.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include "clock.h"
#include "collector.h"
#include "http/loop.h"
#include "http/reply.h"
#include "ingest/answer.h"

/* The connection's TLS session, NULL over plain HTTP. */
static SSL *ssl_of(struct evhttp_request *req)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    return bev ? bufferevent_openssl_get_ssl(bev) : NULL;
}

/* Writes a report's answer (answer.c decided it) and counts it. */
static void answer(struct whb_loop *loop, struct evhttp_request *req,
                   const struct whb_ingest_item *it, const struct whb_report_answer *a)
{
    char peer[80] = "";
    if (a->audit != WHB_AUDIT_NONE)
        whb_http_peer_name(req, peer, sizeof(peer));
    whb_report_note(loop->col, it, a, peer);
    if (a->header)
        evhttp_add_header(evhttp_request_get_output_headers(req), a->header, a->value);
    whb_http_reply_text(req, a->code, a->reason, a->text);
}

void whb_report_evhttp(struct whb_loop *loop, struct evhttp_request *req)
{
    struct whb_collector *col = loop->col;
    struct whb_report_answer a;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    if (whb_report_admit(col, evhttp_request_get_command(req) == EVHTTP_REQ_POST, len, &a)) {
        answer(loop, req, NULL, &a);
        return;
    }
    struct whb_ingest_item *it = calloc(1, sizeof(*it));
    if (!it) {
        whb_report_busy(&a);
        answer(loop, req, NULL, &a);
        return;
    }
    struct evkeyvalq *hdr = evhttp_request_get_input_headers(req);
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    struct whb_report_sender sender = {.ssl = ssl_of(req),
                                       .authorization = evhttp_find_header(hdr, "Authorization"),
                                       .enrollment = evhttp_find_header(hdr, "X-Whb-Enrollment"),
                                       .fd = bev ? (int)bufferevent_getfd(bev) : -1};
    const uint8_t *body = len ? evbuffer_pullup(in, (ev_ssize_t)len) : NULL;
    if (whb_report_sender(col, loop->reader, &sender, it, &a) ||
        whb_report_decode(body, len, NULL, it, &a)) {
        answer(loop, req, NULL, &a);
        free(it);
        return;
    }
    if (whb_report_identify(col, ssl_of(req), it, &a)) {
        answer(loop, req, NULL, &a);
        whb_ingest_item_free(it);
        return;
    }
    it->request = req;
    it->port = loop->port;
    whb_report_stamp(col, it);
    if (whb_ingest_submit(col->ingest, it)) {
        whb_report_busy(&a);
        answer(loop, req, NULL, &a);
        whb_ingest_item_free(it);
    }
}

/* The reply waits in the connection's output as two pieces (head, body). A TLS bufferevent
 * writes each piece as its own record, with its own encryption and send(): one piece makes it
 * one record. Plain HTTP sends them with one writev either way. */
static struct bufferevent *tls_bev(struct evhttp_request *req)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    return bev && bufferevent_openssl_get_ssl(bev) ? bev : NULL;
}

void whb_report_evhttp_committed(struct whb_ingest_item *it, void *arg)
{
    struct whb_loop *loop = arg;
    struct evhttp_request *req = it->request;
    struct whb_report_answer a;
    uint8_t buf[512]; /* an ack is a boot id (<= 64 bytes) and three numbers */
    size_t n;

    whb_report_committed(it, &a);
    if (a.code != 200) {
        answer(loop, req, it, &a);
    } else if ((n = whb_report_ack(loop->col, it, buf, sizeof(buf)))) {
        /* Straight into the reply's own buffer: no allocation per ack. */
        evbuffer_add(evhttp_request_get_output_buffer(req), buf, n);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                          "application/x-protobuf");
        /* Taken first: a request whose connection is gone is freed by the send. */
        struct bufferevent *bev = tls_bev(req);
        evhttp_send_reply(req, 200, "OK", NULL);
        if (bev)
            evbuffer_pullup(bufferevent_get_output(bev), -1);
        whb_report_note(loop->col, it, &a, NULL);
    } else {
        evhttp_send_error(req, 503, "Service Unavailable");
    }
    whb_ingest_item_free(it);
}
