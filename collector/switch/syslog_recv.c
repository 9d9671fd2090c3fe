/* Syslog from the switches, on the syslog thread: UDP datagrams read in batches (recvmmsg),
 * TCP and TLS (RFC 5425, with the collector's certificate) streams framed by RFC 6587. Only
 * configured switches are heard; each has its rate; a message is parsed only after both
 * checks, and only a link message (link_msgs.h) goes further. A link down whose words leave
 * the port's admin state open has the port read by SNMP. */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "link_msgs.h"
#include "log.h"
#include "ratelimit.h"
#include "switch_int.h"
#include "syslog_frame.h"

#define UDP_BATCH 32
#define IDLE_S    900 /* a TCP sender silent this long is closed; switches reconnect */
#define RCVBUF    (1 << 20)

struct conn;

struct whb_syslog_recv {
    struct whb_switch_service *s;
    int udp_fd;
    struct event *udp_ev;
    char (*bufs)[WHB_SYSLOG_MAX];
    struct evconnlistener *tcp, *tls;
    SSL_CTX *ctx;
    struct whb_buckets parse; /* what a switch may have read: chatter included */
    struct whb_buckets rate;  /* what it may have kept: link messages */
    unsigned nconns;
    struct conn *conns;
};

struct conn {
    struct whb_syslog_recv *r;
    struct bufferevent *bev;
    struct sockaddr_storage from;
    const struct whb_switch_cred *cred;
    struct conn *prev, *next;
    struct whb_syslog_framer f;
};

static void handle(struct whb_syslog_recv *r, const struct sockaddr *from,
                   const struct whb_switch_cred *cred, const char *msg, size_t len)
{
    struct whb_switch_service *s = r->s;
    WHB_STAT(s, syslog_msgs, 1);
    int64_t now = whb_clock_wall_ms();
    /* Two budgets: one for reading (a switch's chatter is read and dropped, up to a bound on
     * the CPU it may take) and one for keeping (its link messages), so that access-list logs
     * never use up the budget of the line that says a port was shut. */
    if (!whb_buckets_take(&r->parse, from, now)) {
        WHB_STAT(s, syslog_rate, 1);
        return;
    }
    struct whb_syslog m;
    if (whb_syslog_parse(msg, len, &m) != 0) {
        WHB_STAT(s, syslog_bad, 1);
        return;
    }
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    if (!whb_link_msg_match(&m, &ev))
        return;
    WHB_STAT(s, syslog_link, 1);
    if (!whb_buckets_take(&r->rate, from, now)) {
        WHB_STAT(s, syslog_rate, 1);
        return;
    }
    ev.source = WHB_SWSRC_SYSLOG;
    ev.at_ms = now;
    whb_switch_name(s, cred, from, ev.sw, sizeof(ev.sw));
    whb_switch_emit(s, &ev);
    /* Read what the message left unsaid: a link down's admin state, a link up's speed (a
     * machine off or asleep with Wake-on-LAN comes back slower). */
    if (cred->poll && ((ev.kind == WHB_SW_LINK_DOWN && ev.admin == WHB_IF_UNKNOWN) ||
                       ev.kind == WHB_SW_LINK_UP)) {
        char addr[INET6_ADDRSTRLEN] = "";
        if (from->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)from)->sin_addr, addr, sizeof(addr));
        else
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)from)->sin6_addr, addr,
                      sizeof(addr));
        whb_switch_poll(s, ev.sw, addr, ev.port, ev.ifindex);
    }
}

/* --- UDP ------------------------------------------------------------------------------ */

static void on_udp(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct whb_syslog_recv *r = arg;
    struct mmsghdr msgs[UDP_BATCH];
    struct iovec iov[UDP_BATCH];
    struct sockaddr_storage from[UDP_BATCH];
    /* Bounded per wakeup, so that the thread's other listeners are served too. */
    for (int round = 0; round < 8; round++) {
        memset(msgs, 0, sizeof(msgs));
        for (int i = 0; i < UDP_BATCH; i++) {
            iov[i].iov_base = r->bufs[i];
            iov[i].iov_len = WHB_SYSLOG_MAX;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
        }
        int n = recvmmsg((int)fd, msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0)
            return;
        for (int i = 0; i < n; i++) {
            const struct sockaddr *sa = (const struct sockaddr *)&from[i];
            const struct whb_switch_cred *cred = whb_switch_source(r->s, &r->s->sl_cache, sa);
            if (!cred || !cred->syslog) {
                WHB_STAT(r->s, syslog_unknown, 1);
                continue;
            }
            if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
                WHB_STAT(r->s, syslog_cut, 1);
            handle(r, sa, cred, r->bufs[i], msgs[i].msg_len);
        }
        if (n < UDP_BATCH)
            return;
    }
}

/* "host:port" or "[v6]:port" into a socket address. */
static int parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[80];
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof(host))
        return WHB_EINVAL;
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    int port = atoi(colon + 1);
    memset(ss, 0, sizeof(*ss));
    char *h = host;
    if (h[0] == '[') {
        h++;
        h[strlen(h) - 1] = '\0';
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (!h[0] || inet_pton(AF_INET, h, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof(*v4);
    } else if (inet_pton(AF_INET6, h, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*v6);
    } else {
        return WHB_EINVAL;
    }
    return 0;
}

static unsigned bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return 0;
    return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                          : ((struct sockaddr_in *)&ss)->sin_port);
}

static int open_udp(struct whb_syslog_recv *r, char *why, size_t whylen)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (parse_addr(r->s->cfg.syslog_udp, &ss, &sl) != 0) {
        snprintf(why, whylen, "[switches] syslog_udp: not an address: %s", r->s->cfg.syslog_udp);
        return WHB_EINVAL;
    }
    r->udp_fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int big = RCVBUF;
    if (r->udp_fd < 0 || (setsockopt(r->udp_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)), 0) ||
        bind(r->udp_fd, (struct sockaddr *)&ss, sl) != 0) {
        snprintf(why, whylen, "cannot listen for syslog on udp %s: %s", r->s->cfg.syslog_udp,
                 strerror(errno));
        return WHB_ENET;
    }
    r->s->bound[WHB_SWL_UDP] = bound_port(r->udp_fd);
    r->bufs = malloc(UDP_BATCH * sizeof(*r->bufs));
    r->udp_ev = event_new(r->s->sl_base, r->udp_fd, EV_READ | EV_PERSIST, on_udp, r);
    if (!r->bufs || !r->udp_ev || event_add(r->udp_ev, NULL) != 0) {
        snprintf(why, whylen, "out of memory");
        return WHB_ENOMEM;
    }
    return 0;
}

/* --- TCP and TLS ----------------------------------------------------------------------- */

static void conn_free(struct conn *c)
{
    struct whb_syslog_recv *r = c->r;
    if (c->prev)
        c->prev->next = c->next;
    else
        r->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    r->nconns--;
    bufferevent_free(c->bev);
    ERR_clear_error(); /* nothing of this connection's left for the next (see tls.c) */
    free(c);
}

static void on_frame(void *arg, const char *msg, size_t len)
{
    struct conn *c = arg;
    handle(c->r, (struct sockaddr *)&c->from, c->cred, msg, len);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    unsigned long cut = c->f.cut;
    while (evbuffer_get_length(in) > 0) {
        struct evbuffer_iovec v;
        if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
            break;
        size_t n = v.iov_len;
        int rc = whb_syslog_framer_feed(&c->f, v.iov_base, n, on_frame, c);
        evbuffer_drain(in, n);
        if (rc != 0) {
            WHB_STAT(c->r->s, syslog_bad, 1);
            whb_log_limited(WHB_LOG_WARN, "switch %s: syslog stream lost its framing, closed",
                            c->cred->name[0] ? c->cred->name : c->cred->address);
            conn_free(c);
            return;
        }
    }
    if (c->f.cut > cut)
        WHB_STAT(c->r->s, syslog_cut, c->f.cut - cut);
}

static void on_conn_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
        conn_free(arg);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
                      void *arg)
{
    (void)l;
    struct whb_syslog_recv *r = arg;
    int tls = l == r->tls;
    const struct whb_switch_cred *cred = whb_switch_source(r->s, &r->s->sl_cache, sa);
    if (!cred || !cred->syslog || r->nconns >= r->s->cfg.max_tcp) {
        WHB_STAT(r->s, tcp_refused, 1);
        evutil_closesocket(fd);
        return;
    }
    struct conn *c = calloc(1, sizeof(*c));
    if (!c) {
        evutil_closesocket(fd);
        return;
    }
    c->r = r;
    c->cred = cred;
    memcpy(&c->from, sa, (size_t)salen < sizeof(c->from) ? (size_t)salen : sizeof(c->from));
    whb_syslog_framer_init(&c->f);
    if (tls) {
        SSL *ssl = SSL_new(r->ctx);
        c->bev = ssl ? bufferevent_openssl_socket_new(
                           r->s->sl_base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE)
                     : NULL;
        if (!c->bev && ssl)
            SSL_free(ssl);
    } else {
        c->bev = bufferevent_socket_new(r->s->sl_base, fd, BEV_OPT_CLOSE_ON_FREE);
    }
    if (!c->bev) {
        evutil_closesocket(fd);
        free(c);
        return;
    }
    c->next = r->conns;
    if (r->conns)
        r->conns->prev = c;
    r->conns = c;
    r->nconns++;
    struct timeval idle = {IDLE_S, 0};
    bufferevent_set_timeouts(c->bev, &idle, NULL);
    bufferevent_setwatermark(c->bev, EV_READ, 0, 256 * 1024);
    bufferevent_setcb(c->bev, on_read, NULL, on_conn_event, c);
    bufferevent_enable(c->bev, EV_READ);
}

static struct evconnlistener *listen_on(struct whb_syslog_recv *r, const char *spec,
                                        const char *what, char *why, size_t whylen, unsigned *bound)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (parse_addr(spec, &ss, &sl) != 0) {
        snprintf(why, whylen, "[switches] %s: not an address: %s", what, spec);
        return NULL;
    }
    struct evconnlistener *l =
        evconnlistener_new_bind(r->s->sl_base, on_accept, r,
                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
                                64, (struct sockaddr *)&ss, (int)sl);
    if (!l) {
        snprintf(why, whylen, "cannot listen for syslog on %s %s: %s", what, spec, strerror(errno));
        return NULL;
    }
    *bound = bound_port(evconnlistener_get_fd(l));
    return l;
}

static SSL_CTX *tls_ctx(const char *cert, const char *key, char *why, size_t whylen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        char err[160];
        ERR_error_string_n(ERR_get_error(), err, sizeof(err));
        snprintf(why, whylen, "syslog over TLS: certificate %s / key %s: %s", cert, key, err);
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

struct whb_syslog_recv *whb_syslog_recv_start(struct whb_switch_service *s, char *why,
                                              size_t whylen)
{
    struct whb_syslog_recv *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    r->s = s;
    r->udp_fd = -1;
    whb_buckets_init(&r->rate, s->cfg.rate, s->cfg.burst);
    unsigned read_rate = s->cfg.rate > 400 ? s->cfg.rate * 50 : 20000;
    whb_buckets_init(&r->parse, read_rate, read_rate);
    if (s->cfg.syslog_udp[0] && open_udp(r, why, whylen) != 0)
        goto fail;
    if (s->cfg.syslog_tcp[0] && !(r->tcp = listen_on(r, s->cfg.syslog_tcp, "syslog_tcp", why,
                                                     whylen, &s->bound[WHB_SWL_TCP])))
        goto fail;
    if (s->cfg.syslog_tls[0]) {
        if (!s->hooks.tls_cert[0] || !s->hooks.tls_key[0]) {
            snprintf(why, whylen, "[switches] syslog_tls needs the collector's certificate");
            goto fail;
        }
        if (!(r->ctx = tls_ctx(s->hooks.tls_cert, s->hooks.tls_key, why, whylen)))
            goto fail;
        if (!(r->tls = listen_on(r, s->cfg.syslog_tls, "syslog_tls", why, whylen,
                                 &s->bound[WHB_SWL_TLS])))
            goto fail;
    }
    return r;
fail:
    whb_syslog_recv_stop(r);
    return NULL;
}

void whb_syslog_recv_stop(struct whb_syslog_recv *r)
{
    if (!r)
        return;
    while (r->conns)
        conn_free(r->conns);
    if (r->tcp)
        evconnlistener_free(r->tcp);
    if (r->tls)
        evconnlistener_free(r->tls);
    if (r->udp_ev)
        event_free(r->udp_ev);
    if (r->udp_fd >= 0)
        close(r->udp_fd);
    if (r->ctx)
        SSL_CTX_free(r->ctx);
    free(r->bufs);
    free(r);
}
