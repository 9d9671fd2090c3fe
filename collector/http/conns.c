/* Implementation of conns.h. libevent 2.1 has no connection cap for evhttp, so admission hooks
 * the one per-connection callback evhttp offers (the bufferevent factory) and finishes once
 * evhttp has attached the socket: the same loop pass, before any byte of the request is read. */
#include "http/conns.h"

#include <errno.h>
#include <pthread.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "collector.h"
#include "error.h"
#include "http/conncap.h"
#include "http/loop.h"
#include "http/report_conn.h"
#include "log.h"

/* How often a listener paused by EMFILE/ENFILE tries again. */
#define ACCEPT_RETRY_MS 250

struct conn {
    struct whb_conns *owner;
    struct bufferevent *bev;
    struct evhttp_connection *evcon;
    struct event *deadline;
    struct event *resume; /* evhttp reads again, on the loop's next pass (whb_conns_resume) */
    struct whb_conncap_addr source;
    int fd;
    struct conn *next_pending;
    /* Bytes received, in all and when the last answer went out: none since then at the
     * deadline is a client keeping an idle connection (keep-alive), not a slow request. */
    struct evbuffer_cb_entry *rx_cb;
    size_t rx_total, rx_at_answer;
    int answered;
};

/* The caps are the process's, shared by every loop's admissions. */
struct shared_cap {
    pthread_mutex_t lock;
    struct whb_conncap *cap;
};

struct whb_conns {
    struct whb_loop *loop;
    struct shared_cap *shared;
    int owns_shared;
    struct event *admit_ev, *retry_ev;
    struct evconnlistener *listener;
    struct conn *pending; /* made by the factory, not attached yet */
    struct conn **by_fd;  /* admitted connections by socket */
    size_t fd_slots;
    struct timeval deadline;
};

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
    struct conn *cn = arg;
    (void)fd;
    (void)what;
    atomic_fetch_add(&cn->owner->loop->col->metrics.deadline_closed, 1);
    if (cn->answered && cn->rx_total == cn->rx_at_answer)
        whb_log_debug("closed an idle connection after %ld s (keep-alive)",
                      (long)cn->owner->deadline.tv_sec);
    else
        whb_log_limited(WHB_LOG_INFO, "closed a connection that sent no complete request in %ld s",
                        (long)cn->owner->deadline.tv_sec);
    evhttp_connection_free(cn->evcon); /* calls on_close, which frees cn */
}

/* A connection the lean path handed over: evhttp's reading starts one pass of the loop after
 * the lean path's edge-triggered event was deleted. In the same pass libevent's changelist
 * would merge the two into one EPOLL_CTL_MOD that keeps EPOLLET (the deleted write side's flag),
 * and a body already in the socket would then wait for bytes that never come (a 48 KiB upload
 * sent at once stalled until the deadline). */
static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    struct conn *cn = arg;
    (void)fd;
    (void)what;
    bufferevent_enable(cn->bev, EV_READ);
    if (evbuffer_get_length(bufferevent_get_input(cn->bev)))
        bufferevent_trigger(cn->bev, EV_READ,
                            BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

static void on_close(struct evhttp_connection *evcon, void *arg)
{
    struct conn *cn = arg;
    struct whb_conns *c = cn->owner;
    (void)evcon;
    if (cn->rx_cb)
        evbuffer_remove_cb_entry(bufferevent_get_input(cn->bev), cn->rx_cb);
    pthread_mutex_lock(&c->shared->lock);
    whb_conncap_release(c->shared->cap, &cn->source);
    atomic_store(&c->loop->col->metrics.connections_open, whb_conncap_open(c->shared->cap));
    pthread_mutex_unlock(&c->shared->lock);
    if ((size_t)cn->fd < c->fd_slots && c->by_fd[cn->fd] == cn)
        c->by_fd[cn->fd] = NULL;
    event_free(cn->deadline);
    event_free(cn->resume);
    free(cn);
}

static void on_rx(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
    struct conn *cn = arg;
    (void)buf;
    cn->rx_total += info->n_added;
}

/* Admits or closes one connection that evhttp has just attached to its socket. */
static void admit(struct whb_conns *c, struct conn *cn)
{
    struct whb_metrics *mx = &c->loop->col->metrics;
    bufferevent_data_cb readcb = NULL;
    void *arg = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char peer[INET6_ADDRSTRLEN] = "?";

    bufferevent_getcb(cn->bev, &readcb, NULL, NULL, &arg);
    cn->fd = (int)bufferevent_getfd(cn->bev);
    cn->evcon = arg;
    /* Freed by evhttp already (its set-up failed): only our reference is left. */
    int gone = !readcb || cn->fd < 0;
    bufferevent_decref(cn->bev);
    if (gone) {
        free(cn);
        return;
    }
    int rc = WHB_EINVAL;
    unsigned open_now = 0, from_source = 0;
    int keyed = getpeername(cn->fd, (struct sockaddr *)&ss, &sl) == 0 &&
                whb_conncap_key((struct sockaddr *)&ss, &cn->source) == 0;
    pthread_mutex_lock(&c->shared->lock);
    if (keyed)
        rc = (size_t)cn->fd < c->fd_slots ? whb_conncap_admit(c->shared->cap, &cn->source)
                                          : WHB_EBUSY;
    open_now = whb_conncap_open(c->shared->cap);
    if (rc == 0)
        atomic_store(&mx->connections_open, open_now);
    else if (rc == WHB_EDENIED)
        from_source = whb_conncap_from(c->shared->cap, &cn->source);
    pthread_mutex_unlock(&c->shared->lock);
    if (rc == 0) {
        c->by_fd[cn->fd] = cn;
        evhttp_connection_set_closecb(cn->evcon, on_close, cn);
        cn->rx_cb = evbuffer_add_cb(bufferevent_get_input(cn->bev), on_rx, cn);
        /* Agents' reports are read without evhttp (report_conn.c), which keeps its own
         * deadline; whatever else comes is handed back with whb_conns_resume. */
        if (!c->loop->report ||
            whb_report_conn_take(c->loop->report, cn->evcon, cn->bev, cn->fd) != 0)
            event_add(cn->deadline, &c->deadline);
        return;
    }
    if (rc != WHB_EINVAL)
        inet_ntop(AF_INET6, cn->source.b, peer, sizeof(peer));
    if (rc == WHB_EDENIED) {
        int v6 = ss.ss_family == AF_INET6 &&
                 !IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&ss)->sin6_addr);
        atomic_fetch_add(&mx->connections_refused[WHB_CONN_REFUSED_SOURCE], 1);
        whb_log_limited(WHB_LOG_WARN,
                        "refused a connection from %s%s: it has %u open "
                        "(max_connections_per_source)",
                        peer, v6 ? "/64" : "", from_source);
    } else {
        atomic_fetch_add(&mx->connections_refused[WHB_CONN_REFUSED_CAP], 1);
        whb_log_limited(WHB_LOG_WARN, "refused a connection from %s: %u open (max_connections)",
                        peer, open_now);
    }
    evhttp_connection_free(cn->evcon);
    event_free(cn->deadline);
    event_free(cn->resume);
    free(cn);
}

static void on_admit(evutil_socket_t fd, short what, void *arg)
{
    struct whb_conns *c = arg;
    (void)fd;
    (void)what;
    struct conn *list = c->pending;
    c->pending = NULL;
    while (list) {
        struct conn *cn = list;
        list = cn->next_pending;
        admit(c, cn);
    }
}

/* evhttp's bufferevent factory: runs inside its accept callback, before it sets the socket. */
static struct bufferevent *make_bev(struct event_base *base, void *arg)
{
    struct whb_conns *c = arg;
    struct bufferevent *bev;
    if (c->loop->col->ssl_ctx) {
        SSL *ssl = SSL_new(c->loop->col->ssl_ctx);
        if (!ssl)
            return NULL;
        /* Open, not accepting: report_conn.c does the handshake on the socket itself (an SSL in
         * accept state also handshakes on its first read, should evhttp read it first). */
        SSL_set_accept_state(ssl);
        bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_OPEN,
                                             BEV_OPT_CLOSE_ON_FREE);
        /* Agents and load balancers often close without close_notify; not an error. */
        if (bev)
            bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    } else {
        bev = bufferevent_socket_new(base, -1, 0);
    }
    struct conn *cn = bev ? calloc(1, sizeof(*cn)) : NULL;
    if (cn) {
        cn->deadline = evtimer_new(base, on_deadline, cn);
        cn->resume = evtimer_new(base, on_resume, cn);
    }
    if (!cn || !cn->deadline || !cn->resume) {
        /* Without bookkeeping the connection cannot be admitted: closed at once. */
        if (cn) {
            if (cn->deadline)
                event_free(cn->deadline);
            if (cn->resume)
                event_free(cn->resume);
            free(cn);
        }
        if (bev)
            bufferevent_free(bev);
        return NULL;
    }
    cn->owner = c;
    cn->bev = bev;
    bufferevent_incref(bev); /* ours until admit() looks at it */
    cn->next_pending = c->pending;
    c->pending = cn;
    event_active(c->admit_ev, EV_READ, 0);
    return bev;
}

/* The answer is out: the next request on this connection has its own deadline. */
static void on_answered(struct evhttp_request *req, void *arg)
{
    struct conn *cn = arg;
    (void)req;
    cn->answered = 1;
    cn->rx_at_answer = cn->rx_total;
    event_add(cn->deadline, &cn->owner->deadline);
}

void whb_conns_request(struct whb_conns *c, struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
    if (fd < 0 || (size_t)fd >= c->fd_slots || !c->by_fd[fd] || c->by_fd[fd]->evcon != evcon)
        return;
    event_del(c->by_fd[fd]->deadline);
    evhttp_request_set_on_complete_cb(req, on_answered, c->by_fd[fd]);
}

void whb_conns_resume(struct whb_conns *c, int fd)
{
    static const struct timeval now = {0, 0};
    if (fd >= 0 && (size_t)fd < c->fd_slots && c->by_fd[fd]) {
        event_add(c->by_fd[fd]->deadline, &c->deadline);
        event_add(c->by_fd[fd]->resume, &now);
    }
}

/* Out of file descriptors: accept() would fail at once again, so stop listening a moment. */
static void on_accept_error(struct evconnlistener *lev, void *ctx)
{
    int err = EVUTIL_SOCKET_ERROR();
    (void)ctx;
    evconnlistener_disable(lev);
    whb_log_limited(WHB_LOG_WARN, "accept: %s: new connections wait up to %d ms",
                    evutil_socket_error_to_string(err), ACCEPT_RETRY_MS);
}

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
    struct whb_conns *c = arg;
    (void)fd;
    (void)what;
    evconnlistener_enable(c->listener);
}

int whb_conns_start(struct whb_loop *loop, struct evhttp_bound_socket *bound,
                    struct whb_conns *first, struct whb_conns **out, char *why, size_t whylen)
{
    struct whb_conns *c = calloc(1, sizeof(*c));
    struct rlimit rl;
    if (!c)
        return WHB_ENOMEM;
    c->loop = loop;
    c->deadline.tv_sec = (time_t)loop->col->cfg.timeout_s;
    /* Every socket number the process can have gets a slot; none past a million. */
    c->fd_slots = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                      ? (size_t)rl.rlim_cur
                      : 65536;
    if (c->fd_slots > (1u << 20))
        c->fd_slots = 1u << 20;
    c->by_fd = calloc(c->fd_slots, sizeof(*c->by_fd));
    if (first) {
        c->shared = first->shared;
    } else if ((c->shared = calloc(1, sizeof(*c->shared)))) {
        c->owns_shared = 1;
        pthread_mutex_init(&c->shared->lock, NULL);
        c->shared->cap = whb_conncap_new(loop->col->cfg.max_connections,
                                         loop->col->cfg.max_connections_per_source);
    }
    c->admit_ev = event_new(loop->base, -1, 0, on_admit, c);
    struct timeval retry = {0, ACCEPT_RETRY_MS * 1000};
    c->retry_ev = event_new(loop->base, -1, EV_PERSIST, on_retry, c);
    c->listener = evhttp_bound_socket_get_listener(bound);
    if (!c->by_fd || !c->shared || !c->shared->cap || !c->admit_ev || !c->retry_ev ||
        !c->listener || event_add(c->retry_ev, &retry)) {
        snprintf(why, whylen, "cannot set up connection admission");
        whb_conns_free(c);
        return WHB_ENOMEM;
    }
    evconnlistener_set_error_cb(c->listener, on_accept_error);
    evhttp_set_bevcb(loop->http, make_bev, c);
    *out = c;
    return 0;
}

void whb_conns_free(struct whb_conns *c)
{
    if (!c)
        return;
    /* Connections made but never admitted (the loop stopped first). */
    while (c->pending) {
        struct conn *cn = c->pending;
        c->pending = cn->next_pending;
        bufferevent_decref(cn->bev);
        event_free(cn->deadline);
        event_free(cn->resume);
        free(cn);
    }
    if (c->admit_ev)
        event_free(c->admit_ev);
    if (c->retry_ev)
        event_free(c->retry_ev);
    if (c->owns_shared && c->shared) {
        whb_conncap_free(c->shared->cap);
        pthread_mutex_destroy(&c->shared->lock);
        free(c->shared);
    }
    free(c->by_fd);
    free(c);
}
