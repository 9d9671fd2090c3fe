/* Implementation of http.h: routes, POST /v1/report, /healthz and /metrics. */
#include "http.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "clock.h"
#include "conns.h"
#include "console.h"
#include "error.h"
#include "log.h"
#include "report_answer.h"
#include "report_conn.h"
#include "runs.h"
#include "status.h"
#include "server.h"
#include "tls.h"

void whb_http_reply_text(struct evhttp_request *req, int code, const char *reason, const char *text)
{
    struct evbuffer *body = evbuffer_new();
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
    if (body)
        evbuffer_add_printf(body, "%s\n", text);
    evhttp_send_reply(req, code, reason, body);
    if (body)
        evbuffer_free(body);
}

int whb_http_peer_loopback(struct evhttp_request *req)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len))
        return 0;
    if (ss.ss_family == AF_INET)
        return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
    if (ss.ss_family != AF_INET6)
        return 0;
    const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

static void peer_name(struct evhttp_request *req, char *buf, size_t len)
{
    char *addr = NULL;
    ev_uint16_t port = 0;
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    if (conn)
        evhttp_connection_get_peer(conn, &addr, &port);
    snprintf(buf, len, "%s:%u", addr ? addr : "?", (unsigned)port);
}

/* The connection's TLS session, NULL over plain HTTP. */
static SSL *ssl_of(struct evhttp_request *req)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    return bev ? bufferevent_openssl_get_ssl(bev) : NULL;
}

/* Writes a report's answer (report_answer.c decided it) and counts it. */
static void answer(struct whb_server *srv, struct evhttp_request *req,
                   const struct whb_ingest_item *it, const struct whb_report_answer *a)
{
    char peer[80] = "";
    if (a->audit != WHB_AUDIT_NONE)
        peer_name(req, peer, sizeof(peer));
    whb_report_note(srv, it, a, peer);
    if (a->header)
        evhttp_add_header(evhttp_request_get_output_headers(req), a->header, a->value);
    whb_http_reply_text(req, a->code, a->reason, a->text);
}

static void on_report(struct whb_server *srv, struct evhttp_request *req)
{
    char why[256];
    struct whb_report_answer a;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    if (whb_report_admit(srv, evhttp_request_get_command(req) == EVHTTP_REQ_POST, len, &a)) {
        answer(srv, req, NULL, &a);
        return;
    }
    struct whb_ingest_item *it = calloc(1, sizeof(*it));
    if (!it) {
        whb_report_busy(&a);
        answer(srv, req, NULL, &a);
        return;
    }
    const uint8_t *body = len ? evbuffer_pullup(in, (ev_ssize_t)len) : NULL;
    if (whb_wire_report_unpack(body, len, &it->report, why, sizeof(why))) {
        whb_report_malformed(why, &a);
        answer(srv, req, NULL, &a);
        free(it);
        return;
    }
    struct evkeyvalq *hdr = evhttp_request_get_input_headers(req);
    if (whb_report_identify(srv, ssl_of(req), evhttp_find_header(hdr, "Authorization"),
                            evhttp_find_header(hdr, "X-Whb-Enrollment"), it, &a)) {
        answer(srv, req, NULL, &a);
        whb_ingest_item_free(it);
        return;
    }
    it->request = req;
    it->port = srv->port;
    it->in.report = it->report;
    it->in.now_ms = whb_clock_wall_ms();
    it->in.grace = srv->cfg.grace;
    if (whb_ingest_submit(srv->ingest, it)) {
        whb_report_busy(&a);
        answer(srv, req, NULL, &a);
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

/* Runs on the HTTP thread once the commit holding the item returned. */
static void on_committed(struct whb_ingest_item *it, void *arg)
{
    struct whb_server *srv = arg;
    struct evhttp_request *req = it->request;
    struct whb_report_answer a;
    uint8_t buf[512]; /* an ack is a boot id (<= 64 bytes) and three numbers */
    size_t n;

    whb_report_committed(it, &a);
    if (a.code != 200) {
        answer(srv, req, it, &a);
    } else if ((n = whb_report_ack(srv, it, buf, sizeof(buf)))) {
        /* Straight into the reply's own buffer: no allocation per ack. */
        evbuffer_add(evhttp_request_get_output_buffer(req), buf, n);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                          "application/x-protobuf");
        /* Taken first: a request whose connection is gone is freed by the send. */
        struct bufferevent *bev = tls_bev(req);
        evhttp_send_reply(req, 200, "OK", NULL);
        if (bev)
            evbuffer_pullup(bufferevent_get_output(bev), -1);
        whb_report_note(srv, it, &a, NULL);
    } else {
        evhttp_send_error(req, 503, "Service Unavailable");
    }
    whb_ingest_item_free(it);
}

static void on_metrics(struct whb_server *srv, struct evhttp_request *req)
{
    uint64_t known = 0, silent = 0;
    char buf[4096];
    srv->reader->ops->count_machines(srv->reader, whb_clock_wall_ms(), &known, &silent);
    size_t n = whb_metrics_render(&srv->primary->metrics, known, silent,
                                  whb_ingest_pending(srv->ingest), buf, sizeof(buf));
    struct evbuffer *body = evbuffer_new();
    if (!body) {
        evhttp_send_error(req, 503, "Service Unavailable");
        return;
    }
    evbuffer_add(body, buf, n);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; version=0.0.4");
    evhttp_send_reply(req, 200, "OK", body);
    evbuffer_free(body);
}

/* Healthy when a report can be stored now: the store answers, the last group commit worked,
 * and the database's file system has room left. */
#define HEALTH_MIN_FREE (16ull * 1024 * 1024)

static void on_healthz(struct whb_server *srv, struct evhttp_request *req)
{
    char text[WHB_CONFIG_PATH_MAX + 128], at[32];
    struct statvfs fs;
    int64_t failed = atomic_load(&srv->primary->metrics.commit_failed_ms);
    if (srv->reader->ops->ping(srv->reader)) {
        whb_http_reply_text(req, 503, "Service Unavailable", "store unavailable: cannot read");
        return;
    }
    if (failed) {
        whb_clock_format_iso(failed, at, sizeof(at));
        snprintf(text, sizeof(text),
                 "store failing: the last commit failed at %s; reports get 503 until one works",
                 at);
        whb_http_reply_text(req, 503, "Service Unavailable", text);
        return;
    }
    if (statvfs(srv->db_dir, &fs) == 0 &&
        (unsigned long long)fs.f_bavail * fs.f_frsize < HEALTH_MIN_FREE) {
        snprintf(text, sizeof(text), "disk almost full: %llu bytes free in %s",
                 (unsigned long long)fs.f_bavail * fs.f_frsize, srv->db_dir);
        whb_http_reply_text(req, 503, "Service Unavailable", text);
        return;
    }
    whb_http_reply_text(req, 200, "OK", "ok");
}

static void route(struct whb_server *srv, struct evhttp_request *req, const char *path)
{
    if (!strcmp(path, "/healthz") || !strcmp(path, "/metrics")) {
        if (!srv->cfg.metrics_public && !whb_api_allowed(srv, req))
            return;
        if (path[1] == 'h')
            on_healthz(srv, req);
        else
            on_metrics(srv, req);
    } else if (!whb_api_route(srv, req, path) && !whb_console_route(srv, req, path))
        whb_http_reply_text(req, 404, "Not Found", "not found");
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct whb_server *srv = arg;
    struct whb_server *pri = srv->primary;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

    whb_conns_request(srv->conns, req);
    if (!path) {
        whb_http_reply_text(req, 400, "Bad Request", "bad request line");
        return;
    }
    if (!strcmp(path, "/v1/report")) {
        on_report(srv, req);
        return;
    }
    /* Reads are rare next to reports: one loop at a time, each on its own store handle, and
     * the console's sessions (made on first use) are the primary's for every loop. */
    pthread_mutex_lock(&pri->api_lock);
    srv->sessions = pri->sessions;
    route(srv, req, path);
    pri->sessions = srv->sessions;
    pthread_mutex_unlock(&pri->api_lock);
}

/* A listening socket for one loop; with several loops each has its own on the same port
 * (SO_REUSEPORT) and the kernel spreads connections over them. */
static struct evhttp_bound_socket *bind_loop(struct whb_server *srv, int reuseport)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_ADDRCONFIG};
    struct addrinfo *ai = NULL;
    char port[8];
    int fd = -1, one = 1;
    snprintf(port, sizeof(port), "%u", srv->cfg.port);
    if (getaddrinfo(srv->cfg.listen_host, port, &hints, &ai) || !ai)
        return NULL;
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, SOMAXCONN))
        goto fail;
    /* Accepted sockets inherit this on Linux. Without it a reply split into TLS records
     * (headers, body) waits on the peer's delayed ACK: 40 ms per request. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    freeaddrinfo(ai);
    struct evconnlistener *lev =
        evconnlistener_new(srv->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE, 0, fd);
    if (!lev) {
        close(fd);
        return NULL;
    }
    struct evhttp_bound_socket *bound = evhttp_bind_listener(srv->http, lev);
    if (!bound)
        evconnlistener_free(lev);
    return bound;
fail:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return NULL;
}

/* Several loops share the port through SO_REUSEPORT, which would also let a second collector
 * of the same user bind it: a plain bind first says whether someone listens there already. */
static int port_free(const struct whb_server *srv)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_ADDRCONFIG};
    struct addrinfo *ai = NULL;
    char port[8];
    int one = 1, ok = 0;
    snprintf(port, sizeof(port), "%u", srv->cfg.port);
    if (getaddrinfo(srv->cfg.listen_host, port, &hints, &ai) || !ai)
        return 0;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        ok = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        close(fd);
    }
    freeaddrinfo(ai);
    return ok;
}

/* The HTTP side of one loop: evhttp with the server's limits, its listener, admission, and
 * the port its committed reports come back on. */
static int start_loop(struct whb_server *srv, int reuseport, char *why, size_t whylen)
{
    srv->http = evhttp_new(srv->base);
    if (!srv->http) {
        snprintf(why, whylen, "cannot create the HTTP server");
        return WHB_ENOMEM;
    }
    evhttp_set_max_body_size(srv->http, (ev_ssize_t)srv->cfg.max_body);
    /* Read an oversized body to its end before answering 413 and closing, so that the client
     * sees the 413 rather than a connection reset. */
    evhttp_set_flags(srv->http, EVHTTP_SERVER_LINGERING_CLOSE);
    evhttp_set_max_headers_size(srv->http, 16 * 1024);
    evhttp_set_timeout(srv->http, (int)srv->cfg.timeout_s);
    evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(srv->http, on_request, srv);
    struct evhttp_bound_socket *bound = bind_loop(srv, reuseport);
    if (!bound) {
        snprintf(why, whylen, "cannot listen on %s:%u", srv->cfg.listen_host, srv->cfg.port);
        return WHB_EIO;
    }
    if (whb_report_loop_new(srv, &srv->report)) {
        snprintf(why, whylen, "cannot set up the event loop's report connections");
        return WHB_ENOMEM;
    }
    if (whb_conns_start(srv, bound, srv == srv->primary ? NULL : srv->primary->conns, &srv->conns,
                        why, whylen))
        return WHB_ENOMEM;
    if (!(srv->port = whb_ingest_port_new(srv->ingest, srv->base, on_committed, srv))) {
        snprintf(why, whylen, "cannot set up the event loop's replies");
        return WHB_ENOMEM;
    }
    return 0;
}

static void *loop_main(void *arg)
{
    struct whb_server *srv = arg;
    event_base_loop(srv->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Loops beyond the first: their own base and reader, the primary's everything else. */
static int start_more_loops(struct whb_server *pri, char *why, size_t whylen)
{
    pri->loops = calloc(pri->n_loops, sizeof(*pri->loops));
    pri->threads = calloc(pri->n_loops, sizeof(*pri->threads));
    if (!pri->loops || !pri->threads)
        return WHB_ENOMEM;
    for (unsigned i = 1; i < pri->n_loops; i++) {
        struct whb_server *v = calloc(1, sizeof(*v));
        if (!v)
            return WHB_ENOMEM;
        pri->loops[i] = v;
        v->cfg = pri->cfg;
        v->primary = pri;
        v->ssl_ctx = pri->ssl_ctx;
        v->ingest = pri->ingest;
        v->status = pri->status;
        memcpy(v->db_dir, pri->db_dir, sizeof(v->db_dir));
        struct event_config *ecfg = event_config_new();
        if (ecfg)
            event_config_set_flag(ecfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
        v->base = ecfg ? event_base_new_with_config(ecfg) : NULL;
        event_config_free(ecfg);
        if (!v->base) {
            snprintf(why, whylen, "cannot create event loop %u", i);
            return WHB_ENOMEM;
        }
        if (whb_store_open_config(&pri->cfg, 0, &v->reader, why, whylen) ||
            start_loop(v, 1, why, whylen))
            return WHB_EIO;
    }
    for (unsigned i = 1; i < pri->n_loops; i++) {
        if (pthread_create(&pri->threads[i], NULL, loop_main, pri->loops[i])) {
            snprintf(why, whylen, "cannot start event loop %u", i);
            return WHB_ENOMEM;
        }
        pri->n_running = i + 1;
    }
    return 0;
}

static unsigned loops_wanted(const struct whb_collector_config *cfg)
{
    long n = cfg->loops ? (long)cfg->loops : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (!cfg->loops && n > 8)
        n = 8;
    return (unsigned)n;
}

int whb_server_start(struct event_base *base, const struct whb_collector_config *cfg,
                     struct whb_server **out, char *why, size_t whylen)
{
    struct whb_server *srv = calloc(1, sizeof(*srv));
    if (!srv)
        return WHB_ENOMEM;
    srv->cfg = *cfg;
    srv->primary = srv;
    srv->base = base;
    srv->n_loops = loops_wanted(cfg);
    pthread_mutex_init(&srv->api_lock, NULL);
    snprintf(srv->db_dir, sizeof(srv->db_dir), "%s", cfg->db_path);
    char *slash = strrchr(srv->db_dir, '/');
    if (slash)
        slash[slash == srv->db_dir ? 1 : 0] = '\0';
    else
        snprintf(srv->db_dir, sizeof(srv->db_dir), ".");
    if (cfg->db_postgresql) /* the database's disk is the DBA's: no free-space check here */
        srv->db_dir[0] = '\0';
    if (whb_store_open_config(cfg, 1, &srv->writer, why, whylen) ||
        whb_store_open_config(cfg, 0, &srv->reader, why, whylen))
        goto fail;
    if (cfg->tls && !(srv->ssl_ctx = whb_tls_server_ctx(cfg, why, whylen)))
        goto fail;
    /* Without it /v1/status is made on this thread, as before: slower, not wrong. */
    if (whb_status_start(srv, whb_store_target(cfg), &srv->status))
        whb_log_warnx("status: no worker thread; the fleet summary is made on the HTTP thread");
    if (whb_ingest_start(srv->writer, cfg->max_pending, cfg->batch_max, &srv->metrics,
                         &srv->ingest)) {
        snprintf(why, whylen, "cannot start the writer thread");
        goto fail;
    }
    if (srv->n_loops > 1 && !port_free(srv)) {
        snprintf(why, whylen, "cannot listen on %s:%u", cfg->listen_host, cfg->port);
        goto fail;
    }
    if (start_loop(srv, srv->n_loops > 1, why, whylen))
        goto fail;
    if (srv->n_loops > 1 && start_more_loops(srv, why, whylen))
        goto fail;
    if (whb_runs_begin(srv)) {
        snprintf(why, whylen, "cannot arm the run's alive timer");
        goto fail;
    }
    *out = srv;
    return 0;
fail:
    whb_server_free(srv);
    return WHB_EIO;
}

/* One loop's HTTP side, after its thread stopped. */
static void free_loop(struct whb_server *v)
{
    whb_report_loop_free(v->report); /* their sockets are evhttp's connections */
    if (v->http)
        evhttp_free(v->http); /* closes every connection: before the bookkeeping goes */
    whb_conns_free(v->conns);
}

void whb_server_free(struct whb_server *srv)
{
    if (!srv)
        return;
    /* The other loops stop first: then the writer answers what it holds on this thread. */
    for (unsigned i = 1; i < srv->n_running; i++) {
        event_base_loopexit(srv->loops[i]->base, NULL);
        pthread_join(srv->threads[i], NULL);
    }
    /* The writer commits what it holds and answers it before the HTTP server goes away. */
    whb_ingest_stop(srv->ingest);
    whb_status_stop(srv->status);
    if (srv->reader)
        whb_runs_end(srv);
    for (unsigned i = 1; srv->loops && i < srv->n_loops; i++) {
        struct whb_server *v = srv->loops[i];
        if (!v)
            continue;
        free_loop(v);
        if (v->reader)
            v->reader->ops->close(v->reader);
        if (v->base)
            event_base_free(v->base);
        free(v);
    }
    free_loop(srv);
    free(srv->loops);
    free(srv->threads);
    if (srv->writer)
        srv->writer->ops->close(srv->writer);
    if (srv->reader)
        srv->reader->ops->close(srv->reader);
    whb_tls_ctx_free(srv->ssl_ctx);
    whb_console_free(srv);
    pthread_mutex_destroy(&srv->api_lock);
    free(srv);
}
