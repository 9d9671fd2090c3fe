/* Implementation of report_conn.h: one edge-triggered event per connection (registered once),
 * reads into the connection's own buffer, one write per reply, a deadline kept as a time and
 * checked by a timer that fires at most once per timeout. */
#include "http/report_conn.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "http/head_rules.h"
#include "log.h"
#include "metrics.h"

static void drive(struct whb_report_conn *cn);

static void unlink_conn(struct whb_report_conn *cn)
{
    if (cn->prev)
        cn->prev->next = cn->next;
    else if (cn->loop->conns == cn)
        cn->loop->conns = cn->next;
    if (cn->next)
        cn->next->prev = cn->prev;
    cn->prev = cn->next = NULL;
}

/* Closes the socket (evhttp's connection owns it and the caps' slot). A report still in the
 * writer keeps the object until its commit returns. */
static void release(struct whb_report_conn *cn)
{
    int tls = cn->ssl != NULL;
    event_del(&cn->io);
    event_del(&cn->timer);
    unlink_conn(cn);
    if (cn->evcon)
        evhttp_connection_free(cn->evcon);
    cn->evcon = NULL;
    cn->bev = NULL;
    cn->ssl = NULL;
    cn->fd = -1;
    cn->dead = 1;
    if (!cn->in_writer)
        free(cn);
    /* A failed SSL call leaves errors on this thread's queue; libevent's OpenSSL bufferevent
     * does not clear it before its own calls and would take them for its connection's own
     * (SSL_get_error says SSL_ERROR_SSL): a request handed to evhttp went unanswered. */
    if (tls)
        ERR_clear_error();
}

void whb_report_conn_peer(struct whb_report_conn *cn, char *buf, size_t len)
{
    char *addr = NULL;
    ev_uint16_t port = 0;
    if (cn->evcon)
        evhttp_connection_get_peer(cn->evcon, &addr, &port);
    snprintf(buf, len, "%s:%u", addr ? addr : "?", (unsigned)port);
}

static void set_deadline(struct whb_report_conn *cn)
{
    struct timeval now;
    event_base_gettimeofday_cached(cn->loop->env.base, &now);
    timeradd(&now, &cn->loop->timeout, &cn->deadline);
}

/* The timer does not follow every request: it fires at most once per timeout and compares. */
static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct whb_report_conn *cn = arg;
    struct timeval now, left;
    (void)fd;
    (void)what;
    event_base_gettimeofday_cached(cn->loop->env.base, &now);
    if (cn->in_writer) { /* waiting for the writer, not for the peer */
        event_add(&cn->timer, &cn->loop->timeout);
        return;
    }
    if (timercmp(&now, &cn->deadline, <)) {
        timersub(&cn->deadline, &now, &left);
        event_add(&cn->timer, &left);
        return;
    }
    /* A browser opens connections ahead of its requests (preconnect) and keeps an unused one
     * for 10 s after its handshake (Chromium's unused idle socket timeout); closed by us first,
     * the request it then sends on it fails with no answer (ERR_EMPTY_RESPONSE: it retries only
     * on connections it had used). A connection that has sent nothing since its handshake gets
     * a second timeout, once; the connection caps still bound how many may wait. */
    int unused = !cn->handshaking && !cn->served && cn->len == 0;
    if (unused && !cn->unused_extended && !cn->draining) {
        cn->unused_extended = 1;
        timeradd(&now, &cn->loop->timeout, &cn->deadline);
        event_add(&cn->timer, &cn->loop->timeout);
        return;
    }
    if (!cn->draining) {
        atomic_fetch_add(&cn->loop->env.metrics->deadline_closed, 1);
        /* An agent keeping its connection between reports is no slow client: not logged. */
        if (cn->served && cn->len == 0)
            whb_log_debug("closed an idle connection after %ld s (keep-alive)",
                          (long)cn->loop->timeout.tv_sec);
        else if (unused)
            whb_log_debug("closed a connection that sent nothing in %ld s (a browser's "
                          "preconnect, or a client that never asked)",
                          2 * (long)cn->loop->timeout.tv_sec);
        else
            whb_log_limited(WHB_LOG_INFO,
                            "closed a connection that sent no complete request in %ld s",
                            (long)cn->loop->timeout.tv_sec);
    }
    release(cn);
}

/* 1 while output is still pending (or the connection went), 0 once everything is out. */
static int flush(struct whb_report_conn *cn)
{
    while (cn->out_off < cn->out_len) {
        size_t n = cn->out_len - cn->out_off;
        ssize_t w;
        if (cn->ssl) {
            ERR_clear_error();
            int r = SSL_write(cn->ssl, cn->out + cn->out_off, (int)n);
            if (r <= 0) {
                int e = SSL_get_error(cn->ssl, r);
                if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
                    return 1;
                release(cn);
                return 1;
            }
            w = r;
        } else {
            w = send(cn->fd, cn->out + cn->out_off, n, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return 1;
            if (w < 0) {
                release(cn);
                return 1;
            }
        }
        cn->out_off += (size_t)w;
    }
    cn->out_off = cn->out_len = 0;
    return 0;
}

void whb_report_conn_reply(struct whb_report_conn *cn, int code, const char *reason,
                           const char *extra, const char *ctype, const void *body, size_t len,
                           int close)
{
    if (cn->dead)
        return;
    if (close || !cn->keep_alive)
        cn->closing = 1;
    size_t n = whb_report_http_reply(cn->out + cn->out_len, sizeof(cn->out) - cn->out_len, code,
                                     reason, extra, ctype, body, len, !cn->closing, cn->http10);
    if (!n) { /* cannot happen with our texts; never send half a reply */
        cn->closing = 1;
        return;
    }
    cn->out_len += n;
    if (cn->http.req.method == HTTP_HEAD) /* its Content-Length, not its body */
        cn->out_len -= len;
}

/* The next request on a kept-alive connection starts at in[0], with its own deadline. */
static void next_request(struct whb_report_conn *cn)
{
    if (cn->used < cn->len)
        memmove(cn->in, cn->in + cn->used, cn->len - cn->used);
    cn->len -= cn->used;
    cn->used = 0;
    cn->headers_seen = 0;
    cn->served = 1;
    whb_report_http_begin(&cn->http);
    set_deadline(cn);
}

/* Bytes read, 0 when the socket has none now, -1 at its end or on an error. */
static ssize_t read_some(struct whb_report_conn *cn, char *buf, size_t room)
{
    if (cn->ssl) {
        ERR_clear_error();
        int r = SSL_read(cn->ssl, buf, (int)room);
        if (r > 0)
            return r;
        int e = SSL_get_error(cn->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            cn->readable = 0;
            return 0;
        }
        return -1;
    }
    for (;;) {
        ssize_t r = recv(cn->fd, buf, room, 0);
        if (r > 0) {
            /* A short read emptied the socket: the next byte brings a new edge. */
            if ((size_t)r < room)
                cn->readable = 0;
            return r;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            cn->readable = 0;
            return 0;
        }
        return -1;
    }
}

/* Gives the connection to evhttp: everything read so far (this request onwards) goes into its
 * input, and handed_back (conns.c) resumes its reading and the request deadline. */
static void hand_over(struct whb_report_conn *cn)
{
    struct evbuffer *input = bufferevent_get_input(cn->bev);
    struct whb_report_loop *l = cn->loop;
    char more[4096];
    int fd = cn->fd;
    event_del(&cn->io);
    event_del(&cn->timer);
    evbuffer_add(input, cn->in, cn->len);
    /* What OpenSSL holds beyond our buffer (read ahead, or decrypted) would wait there unseen
     * by the bufferevent, which reads without read-ahead (tls.c). */
    while (cn->ssl && SSL_has_pending(cn->ssl)) {
        int r = SSL_read(cn->ssl, more, sizeof(more));
        if (r <= 0)
            break;
        evbuffer_add(input, more, (size_t)r);
    }
    if (cn->ssl)
        SSL_set_read_ahead(cn->ssl, 0);
    ERR_clear_error(); /* see release() */
    /* evhttp's reading resumes on the loop's next pass (conns.c: not in the pass that deletes
     * this connection's edge-triggered event). */
    unlink_conn(cn);
    free(cn);
    l->env.handed_back(l->env.owner, fd);
}

/* What parsing leaves the connection to do. */
enum { PARSE_MORE, PARSE_BUSY, PARSE_GONE };

/* An answer that ends the connection. */
static void text_reply(struct whb_report_conn *cn, int code, const char *reason, const char *text)
{
    whb_report_conn_reply(cn, code, reason, NULL, "text/plain; charset=utf-8", text, strlen(text),
                          1);
}

/* The request's headers are in: decide before its body (PARSE_* below). */
static int on_headers(struct whb_report_conn *cn)
{
    struct whb_report_http_req *req = &cn->http.req;
    static const char path[] = "/v1/report";
    char why[160], text[200];
    cn->headers_seen = 1;
    cn->keep_alive = req->keep_alive;
    cn->http10 = req->major == 1 && req->minor == 0;
    /* Every request's head, a report's or one for evhttp, meets the one table of refusals
     * (head_rules.h) here, before anything acts on it. */
    if (whb_http_head_check(cn->in, req->head_len, why, sizeof(why))) {
        snprintf(text, sizeof(text), "bad request: %s\n", why);
        text_reply(cn, 400, "Bad Request", text);
        return PARSE_BUSY;
    }
    /* POST is a report, GET and HEAD get on_report's 405 (HEAD's without the body, which
     * evhttp sent); the methods evhttp refuses by itself stay evhttp's, answered as before. */
    if (req->upgrade ||
        (req->method != HTTP_POST && req->method != HTTP_GET && req->method != HTTP_HEAD) ||
        req->path.n != sizeof(path) - 1 || memcmp(req->path.p, path, req->path.n)) {
        hand_over(cn);
        return PARSE_GONE;
    }
    /* Neither is counted as a rejected report, as when evhttp answered them. */
    if (req->chunked) {
        text_reply(cn, 411, "Length Required", "a report needs a Content-Length\n");
        return PARSE_BUSY;
    }
    if (req->content_length > cn->loop->env.max_body) {
        text_reply(cn, 413, "Payload Too Large", "report too large\n");
        return PARSE_BUSY;
    }
    /* libcurl waits up to a second for this before a body over 1 KiB; not needed once the
     * body has begun to arrive. */
    if (req->expect_continue && !req->body.n && req->content_length) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        memcpy(cn->out + cn->out_len, cont, sizeof(cont) - 1);
        cn->out_len += sizeof(cont) - 1;
    }
    return PARSE_MORE;
}

/* A connection that ends: its reply goes out, then no more is read from it (drained to its
 * end, so that the peer sees the reply rather than a reset). */
static void drain(struct whb_report_conn *cn)
{
    if (!cn->draining) {
        cn->draining = 1;
        if (cn->ssl) {
            SSL_shutdown(cn->ssl);
            ERR_clear_error(); /* see release() */
        }
        shutdown(cn->fd, SHUT_WR);
    }
    for (;;) {
        ssize_t r = recv(cn->fd, cn->in, cn->cap, 0);
        if (r > 0)
            continue;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        release(cn);
        return;
    }
}

/* Parses what is buffered: MORE wants bytes, BUSY has a reply queued or a report in the
 * writer, GONE means the connection is evhttp's now. */
static int parse(struct whb_report_conn *cn)
{
    while (cn->used < cn->len) {
        size_t took = 0;
        enum whb_report_http_step step =
            whb_report_http_feed(&cn->http, cn->in + cn->used, cn->len - cn->used, &took);
        cn->used += took;
        if (step == WHB_REPORT_HTTP_BAD) {
            int big = cn->http.too_large;
            char text[200], why[160];
            /* In the table's words (head_rules.h) when a rule of it says why: the same answer
             * whichever parser met the head first. */
            if (big || !whb_http_head_check_part(cn->in, cn->len, 0, why, sizeof(why)))
                snprintf(why, sizeof(why), "%s", whb_report_http_why(&cn->http));
            snprintf(text, sizeof(text), "bad request: %s\n", why);
            text_reply(cn, big ? 431 : 400, big ? "Request Header Fields Too Large" : "Bad Request",
                       text);
            return PARSE_BUSY;
        }
        if (step != WHB_REPORT_HTTP_MORE && !cn->headers_seen) {
            int r = on_headers(cn);
            if (r != PARSE_MORE)
                return r;
        }
        if (step == WHB_REPORT_HTTP_DONE) {
            cn->loop->env.serve(cn);
            return PARSE_BUSY;
        }
    }
    return PARSE_MORE;
}

static void drive(struct whb_report_conn *cn)
{
    if (cn->handshaking) {
        ERR_clear_error();
        int r = SSL_do_handshake(cn->ssl);
        if (r != 1) {
            int e = SSL_get_error(cn->ssl, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                release(cn);
            return;
        }
        cn->handshaking = 0;
        /* The handshake's last read may have taken the first request too (read-ahead keeps
         * the records it did not need), and in a pass woken for writing only: epoll reports a
         * socket's state when it is asked, so the bytes' arrival may never show as an edge for
         * reading. Unless we try, the request waits unseen until the deadline. */
        cn->readable = 1;
    }
    for (;;) {
        if (cn->out_len && flush(cn))
            return;
        if (cn->closing) {
            drain(cn);
            return;
        }
        if (cn->in_writer)
            return;
        if (cn->headers_seen && cn->http.done) { /* answered: the next request */
            next_request(cn);
            continue;
        }
        int p = parse(cn);
        if (p == PARSE_GONE)
            return;
        if (p == PARSE_BUSY || cn->out_len) /* an answer, a 100 Continue, or the writer */
            continue;
        if (!cn->readable)
            return;
        if (cn->len == cn->cap) { /* cannot happen: headers and body are capped below it */
            text_reply(cn, 413, "Payload Too Large", "request too large\n");
            continue;
        }
        ssize_t r = read_some(cn, cn->in + cn->len, cn->cap - cn->len);
        if (r < 0) {
            release(cn);
            return;
        }
        cn->len += (size_t)r;
    }
}

static void on_io(evutil_socket_t fd, short what, void *arg)
{
    struct whb_report_conn *cn = arg;
    (void)fd;
    if (what & EV_READ)
        cn->readable = 1;
    drive(cn);
}

static void on_committed(struct whb_ingest_item *it, void *arg)
{
    struct whb_report_conn *cn = it->request;
    (void)arg;
    cn->loop->env.committed(cn);
    if (cn->dead) {
        free(cn);
        return;
    }
    /* Sent now; what else is buffered is read on the loop's next pass (not here: at shutdown
     * the writer answers after the loops stopped). */
    if (flush(cn))
        return;
    if (cn->closing || cn->used < cn->len || cn->readable) {
        event_active(&cn->io, 0, 0);
        return;
    }
    next_request(cn);
}

int whb_report_conn_take(struct whb_report_loop *l, struct evhttp_connection *evcon,
                         struct bufferevent *bev, int fd)
{
    size_t cap = WHB_REPORT_HTTP_HEAD_MAX + l->env.max_body;
    struct whb_report_conn *cn = malloc(sizeof(*cn) + cap);
    if (!cn)
        return WHB_ENOMEM;
    memset(cn, 0, sizeof(*cn));
    cn->loop = l;
    cn->evcon = evcon;
    cn->bev = bev;
    cn->fd = fd;
    cn->cap = cap;
    whb_report_peer_of(fd, &cn->peer);
    whb_wire_arena_init(&cn->arena, cn->arena_buf, sizeof(cn->arena_buf));
    cn->ssl = bufferevent_openssl_get_ssl(bev);
    cn->handshaking = cn->ssl != NULL;
    /* A record in one read() rather than its header and then its body. */
    if (cn->ssl)
        SSL_set_read_ahead(cn->ssl, 1);
    whb_report_http_begin(&cn->http);
    if (event_assign(&cn->io, l->env.base, fd, EV_READ | EV_WRITE | EV_ET | EV_PERSIST, on_io,
                     cn) ||
        evtimer_assign(&cn->timer, l->env.base, on_timer, cn)) {
        free(cn);
        return WHB_ENOMEM;
    }
    bufferevent_disable(bev, EV_READ | EV_WRITE);
    if (event_add(&cn->io, NULL)) {
        bufferevent_enable(bev, EV_READ);
        free(cn);
        return WHB_EIO;
    }
    set_deadline(cn);
    event_add(&cn->timer, &l->timeout);
    cn->next = l->conns;
    if (l->conns)
        l->conns->prev = cn;
    l->conns = cn;
    return 0;
}

int whb_report_loop_new(const struct whb_report_env *env, struct whb_report_loop **out)
{
    struct whb_report_loop *l = calloc(1, sizeof(*l));
    if (!l)
        return WHB_ENOMEM;
    l->env = *env;
    l->timeout.tv_sec = (time_t)env->timeout_s;
    if (!(l->port = whb_ingest_port_new(env->ingest, env->base, on_committed, l))) {
        free(l);
        return WHB_ENOMEM;
    }
    *out = l;
    return 0;
}

void whb_report_loop_free(struct whb_report_loop *l)
{
    if (!l)
        return;
    while (l->conns)
        release(l->conns);
    free(l);
}
