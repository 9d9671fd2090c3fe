/* Implementation of loop.h: evhttp's set-up, the listening socket and the first routing step. */
#include "http/loop.h"

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector.h"
#include "error.h"
#include "http/conns.h"
#include "http/reply.h"
#include "http/report_conn.h"
#include "http/report_evhttp.h"
#include "http/report_lean.h"
#include "ingest/writer.h"

static void on_request(struct evhttp_request *req, void *arg)
{
    struct whb_loop *loop = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;

    whb_conns_request(loop->conns, req);
    if (!path) {
        whb_http_reply_text(req, 400, "Bad Request", "bad request line");
        return;
    }
    if (!strcmp(path, "/v1/report")) {
        whb_report_evhttp(loop, req);
        return;
    }
    loop->route(loop, req, path);
}

static int resolve(const struct whb_collector_config *cfg, struct addrinfo **ai)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_ADDRCONFIG};
    char port[8];
    snprintf(port, sizeof(port), "%u", cfg->port);
    *ai = NULL;
    return getaddrinfo(cfg->listen_host, port, &hints, ai) || !*ai ? -1 : 0;
}

/* A listening socket for one loop; with several loops each has its own on the same port
 * (SO_REUSEPORT) and the kernel spreads connections over them. */
static struct evhttp_bound_socket *bind_loop(struct whb_loop *loop, int reuseport)
{
    struct addrinfo *ai = NULL;
    int fd = -1, one = 1;
    if (resolve(&loop->col->cfg, &ai))
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
        evconnlistener_new(loop->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE, 0, fd);
    if (!lev) {
        close(fd);
        return NULL;
    }
    struct evhttp_bound_socket *bound = evhttp_bind_listener(loop->http, lev);
    if (!bound)
        evconnlistener_free(lev);
    return bound;
fail:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return NULL;
}

int whb_loop_port_free(const struct whb_collector *col)
{
    struct addrinfo *ai = NULL;
    int one = 1, ok = 0;
    if (resolve(&col->cfg, &ai))
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

/* A connection the lean path gave back to evhttp: admission's request deadline runs again. */
static void handed_back(void *owner, int fd)
{
    struct whb_loop *loop = owner;
    whb_conns_resume(loop->conns, fd);
}

int whb_loop_start(struct whb_loop *loop, int reuseport, struct whb_loop *first, char *why,
                   size_t whylen)
{
    const struct whb_collector_config *cfg = &loop->col->cfg;
    loop->http = evhttp_new(loop->base);
    if (!loop->http) {
        snprintf(why, whylen, "cannot create the HTTP server");
        return WHB_ENOMEM;
    }
    evhttp_set_max_body_size(loop->http, (ev_ssize_t)cfg->max_body);
    /* Read an oversized body to its end before answering 413 and closing, so that the client
     * sees the 413 rather than a connection reset. */
    evhttp_set_flags(loop->http, EVHTTP_SERVER_LINGERING_CLOSE);
    evhttp_set_max_headers_size(loop->http, 16 * 1024);
    evhttp_set_timeout(loop->http, (int)cfg->timeout_s);
    evhttp_set_allowed_methods(loop->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(loop->http, on_request, loop);
    struct evhttp_bound_socket *bound = bind_loop(loop, reuseport);
    if (!bound) {
        snprintf(why, whylen, "cannot listen on %s:%u", cfg->listen_host, cfg->port);
        return WHB_EIO;
    }
    struct whb_report_env env = {.base = loop->base,
                                 .ingest = loop->col->ingest,
                                 .metrics = &loop->col->metrics,
                                 .timeout_s = cfg->timeout_s,
                                 .max_body = cfg->max_body,
                                 .serve = whb_report_serve,
                                 .committed = whb_report_serve_committed,
                                 .handed_back = handed_back,
                                 .owner = loop};
    if (whb_report_loop_new(&env, &loop->report)) {
        snprintf(why, whylen, "cannot set up the event loop's report connections");
        return WHB_ENOMEM;
    }
    if (whb_conns_start(loop, bound, first ? first->conns : NULL, &loop->conns, why, whylen))
        return WHB_ENOMEM;
    loop->port =
        whb_ingest_port_new(loop->col->ingest, loop->base, whb_report_evhttp_committed, loop);
    if (!loop->port) {
        snprintf(why, whylen, "cannot set up the event loop's replies");
        return WHB_ENOMEM;
    }
    return 0;
}

void whb_loop_stop(struct whb_loop *loop)
{
    whb_report_loop_free(loop->report); /* their sockets are evhttp's connections */
    loop->report = NULL;
    if (loop->http)
        evhttp_free(loop->http); /* closes every connection: before the bookkeeping goes */
    loop->http = NULL;
    whb_conns_free(loop->conns);
    loop->conns = NULL;
}
