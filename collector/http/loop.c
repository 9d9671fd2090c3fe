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
#include <errno.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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
    /* One request per connection here: its head passed the lean path's check (head_rules.h)
     * before the hand-over; evhttp never parses a head that did not. */
    evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
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

/* The control socket: everything but reports, answered as any other request; access.c sees
 * the Unix socket and asks the kernel who is at the other end. */
static void on_control_request(struct evhttp_request *req, void *arg)
{
    struct whb_loop *loop = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    if (!path || !strcmp(path, "/v1/report")) {
        whb_http_reply_text(req, path ? 404 : 400, path ? "Not Found" : "Bad Request",
                            path ? "reports go to the collector's port" : "bad request line");
        return;
    }
    loop->route(loop, req, path);
}

/* Binds path for this user only (0600), or 0660 for group; a socket file left by a collector
 * that died is replaced, one that answers is another collector's. */
static int bind_control(const char *path, const char *group, char *why, size_t whylen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    gid_t gid = (gid_t)-1;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(why, whylen, "control_socket %s: path too long", path);
        return -1;
    }
    if (group[0]) {
        struct group *gr = getgrnam(group);
        if (!gr) {
            snprintf(why, whylen, "control_group: no group %s", group);
            return -1;
        }
        gid = gr->gr_gid;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(why, whylen, "control_socket: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (!lstat(path, &st)) {
        if (!S_ISSOCK(st.st_mode) || !connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
            snprintf(why, whylen, "control_socket %s: %s", path,
                     S_ISSOCK(st.st_mode) ? "another collector answers on it"
                                          : "exists and is not a socket");
            close(fd);
            return -1;
        }
        unlink(path);
    }
    /* Created 0600 from the start: no moment in which others could connect. */
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (rc || (gid != (gid_t)-1 && (chown(path, (uid_t)-1, gid) || chmod(path, 0660))) ||
        listen(fd, 64) || evutil_make_socket_nonblocking(fd)) {
        snprintf(why, whylen, "control_socket %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int whb_loop_control_start(struct whb_loop *loop, char *why, size_t whylen)
{
    const struct whb_collector_config *cfg = &loop->col->cfg;
    int fd = bind_control(cfg->control_socket, cfg->control_group, why, whylen);
    if (fd < 0)
        return WHB_EIO;
    loop->control = evhttp_new(loop->base);
    if (!loop->control || evhttp_accept_socket(loop->control, fd)) {
        close(fd);
        unlink(cfg->control_socket);
        snprintf(why, whylen, "control_socket %s: cannot serve it", cfg->control_socket);
        return WHB_ENOMEM;
    }
    evhttp_set_max_body_size(loop->control, (ev_ssize_t)cfg->max_body);
    evhttp_set_max_headers_size(loop->control, 16 * 1024);
    evhttp_set_timeout(loop->control, (int)cfg->timeout_s);
    evhttp_set_allowed_methods(loop->control, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(loop->control, on_control_request, loop);
    return 0;
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
    if (loop->control) {
        evhttp_free(loop->control);
        loop->control = NULL;
        unlink(loop->col->cfg.control_socket);
    }
    whb_report_loop_free(loop->report); /* their sockets are evhttp's connections */
    loop->report = NULL;
    if (loop->http)
        evhttp_free(loop->http); /* closes every connection: before the bookkeeping goes */
    loop->http = NULL;
    whb_conns_free(loop->conns);
    loop->conns = NULL;
}
