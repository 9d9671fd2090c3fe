/* The switch service (switch.h): its two threads, the shared port table, and the queue that
 * brings poll requests from the collector's threads to the net-snmp thread. */
#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "log.h"
#include "switch_int.h"

int whb_switch_emit(struct whb_switch_service *s, struct whb_switch_event *ev)
{
    if (ev->at_ms == 0)
        ev->at_ms = whb_clock_wall_ms();
    struct whb_switch_port port;
    int have_port = 0;
    pthread_mutex_lock(&s->lock);
    int rc = whb_switch_ports_take(s->table, ev, &port, &have_port);
    pthread_mutex_unlock(&s->lock);
    if (rc == WHB_EBUSY) {
        WHB_STAT(s, table_full, 1);
        whb_log_limited(WHB_LOG_WARN, "switch %s: port table full (max_ports), event dropped",
                        ev->sw);
        return rc;
    }
    if (rc >= 0 && s->hooks.sink)
        s->hooks.sink(s->hooks.sink_arg, ev, have_port ? &port : NULL, rc > 0);
    return rc;
}

static void to_key(const struct sockaddr *from, uint8_t a[16])
{
    memset(a, 0, 16);
    if (from->sa_family == AF_INET) {
        a[10] = a[11] = 0xff;
        memcpy(a + 12, &((const struct sockaddr_in *)from)->sin_addr, 4);
    } else if (from->sa_family == AF_INET6) {
        memcpy(a, &((const struct sockaddr_in6 *)from)->sin6_addr, 16);
    }
}

const struct whb_switch_cred *whb_switch_source(struct whb_switch_service *s,
                                                struct whb_source_cache *cache,
                                                const struct sockaddr *from)
{
    uint8_t a[16];
    to_key(from, a);
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ a[i]) * 16777619u;
    unsigned slot = h % WHB_SOURCE_CACHE;
    if (cache->e[slot].used && memcmp(cache->e[slot].addr, a, 16) == 0)
        return cache->e[slot].cred;
    const struct whb_switch_cred *cred = whb_switch_config_match(&s->cfg, from);
    memcpy(cache->e[slot].addr, a, 16);
    cache->e[slot].cred = cred;
    cache->e[slot].used = 1;
    return cred;
}

void whb_switch_name(struct whb_switch_service *s, const struct whb_switch_cred *cred,
                     const struct sockaddr *from, char *out, size_t outlen)
{
    if (cred && cred->name[0]) {
        snprintf(out, outlen, "%s", cred->name);
        return;
    }
    if (s->hooks.namer && s->hooks.namer(s->hooks.namer_arg, from, out, outlen) == 0 && out[0])
        return;
    char ip[INET6_ADDRSTRLEN] = "?";
    if (from->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)from)->sin_addr, ip, sizeof(ip));
    else if (from->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)from)->sin6_addr, ip, sizeof(ip));
    snprintf(out, outlen, "%s", ip);
}

int64_t whb_switch_polled_ms(struct whb_switch_service *s, const char *sw, const char *port,
                             int32_t ifindex)
{
    pthread_mutex_lock(&s->lock);
    const struct whb_switch_port *p = whb_switch_ports_get(s->table, sw, port, ifindex);
    int64_t at = p && p->last_source == WHB_SWSRC_POLL ? p->heard_ms : 0;
    pthread_mutex_unlock(&s->lock);
    return at;
}

/* The thread's name says which of the two it is (benchmarks split CPU by thread). */
static void *run_syslog(void *arg)
{
    pthread_setname_np(pthread_self(), "whb-syslog");
    event_base_loop(arg, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

static void *run_snmp(void *arg)
{
    pthread_setname_np(pthread_self(), "whb-snmp");
    event_base_loop(arg, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Made active from the stopping thread, run on the base's own: a loopbreak sent before the
 * loop began would be forgotten when it begins. */
static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(arg);
}

/* Poll requests, on the net-snmp thread. */
static void on_queue(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct whb_switch_service *s = arg;
    for (;;) {
        struct poll_req req;
        pthread_mutex_lock(&s->qlock);
        if (s->qn == 0) {
            pthread_mutex_unlock(&s->qlock);
            return;
        }
        req = s->q[s->qhead];
        s->qhead = (s->qhead + 1) % WHB_POLL_QUEUE;
        s->qn--;
        pthread_mutex_unlock(&s->qlock);
        whb_poller_request(s->poller, &req);
    }
}

int whb_switch_poll(struct whb_switch_service *s, const char *sw, const char *address,
                    const char *port, int32_t ifindex)
{
    if (!s || !s->poller)
        return WHB_ENOTFOUND;
    const struct whb_switch_cred *cred = whb_switch_config_find(&s->cfg, sw);
    if (!cred && address) {
        struct sockaddr_storage ss;
        memset(&ss, 0, sizeof(ss));
        struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
        if (inet_pton(AF_INET, address, &v4->sin_addr) == 1)
            v4->sin_family = AF_INET;
        else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1)
            v6->sin6_family = AF_INET6;
        if (ss.ss_family)
            cred = whb_switch_config_match(&s->cfg, (struct sockaddr *)&ss);
    }
    if (!cred || !cred->poll)
        return WHB_ENOTFOUND;
    struct poll_req req;
    memset(&req, 0, sizeof(req));
    snprintf(req.sw, sizeof(req.sw), "%s", sw);
    snprintf(req.address, sizeof(req.address), "%s", cred->name[0] ? cred->address : address);
    if (port)
        snprintf(req.port, sizeof(req.port), "%s", port);
    req.ifindex = ifindex;
    pthread_mutex_lock(&s->qlock);
    if (s->qn == WHB_POLL_QUEUE) {
        pthread_mutex_unlock(&s->qlock);
        WHB_STAT(s, poll_dropped, 1);
        return WHB_EBUSY;
    }
    s->q[(s->qhead + s->qn) % WHB_POLL_QUEUE] = req;
    s->qn++;
    pthread_mutex_unlock(&s->qlock);
    event_active(s->qev, EV_READ, 0);
    return 0;
}

int whb_switch_port_copy(struct whb_switch_service *s, const char *sw, const char *port,
                         int32_t ifindex, struct whb_switch_port *out)
{
    pthread_mutex_lock(&s->lock);
    const struct whb_switch_port *p = whb_switch_ports_get(s->table, sw, port, ifindex);
    if (p)
        *out = *p;
    pthread_mutex_unlock(&s->lock);
    return p ? 0 : WHB_ENOTFOUND;
}

struct copy_ctx {
    struct whb_switch_port *out;
    unsigned max, n;
};

static void copy_one(void *arg, const struct whb_switch_port *p)
{
    struct copy_ctx *c = arg;
    if (c->n < c->max)
        c->out[c->n] = *p;
    c->n++;
}

unsigned whb_switch_ports_copy(struct whb_switch_service *s, const char *sw,
                               struct whb_switch_port *out, unsigned max)
{
    struct copy_ctx c = {out, max, 0};
    pthread_mutex_lock(&s->lock);
    whb_switch_ports_each(s->table, sw, copy_one, &c);
    pthread_mutex_unlock(&s->lock);
    return c.n;
}

void whb_switch_get_stats(struct whb_switch_service *s, struct whb_switch_stats *out)
{
    uint64_t *dst = (uint64_t *)out;
    const uint64_t *src = (const uint64_t *)&s->stats;
    for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
        dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

unsigned whb_switch_bound_port(struct whb_switch_service *s, enum whb_switch_listener l)
{
    return (unsigned)l < 4 ? s->bound[l] : 0;
}

static int copy_config(struct whb_switch_config *dst, const struct whb_switch_config *src)
{
    *dst = *src;
    dst->creds = NULL;
    if (src->n) {
        dst->creds = malloc(src->n * sizeof(*dst->creds));
        if (!dst->creds)
            return WHB_ENOMEM;
        memcpy(dst->creds, src->creds, src->n * sizeof(*dst->creds));
    }
    return 0;
}

static int wants_snmp(const struct whb_switch_config *c)
{
    if (c->snmp_traps[0])
        return 1;
    for (unsigned i = 0; i < c->n; i++)
        if (c->creds[i].poll)
            return 1;
    return 0;
}

struct whb_switch_service *whb_switch_start(const struct whb_switch_config *cfg,
                                            const struct whb_switch_hooks *hooks, char *why,
                                            size_t whylen)
{
    struct whb_switch_service *s = calloc(1, sizeof(*s));
    if (!s || copy_config(&s->cfg, cfg) != 0) {
        free(s);
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    if (hooks)
        s->hooks = *hooks;
    snprintf(s->tls_cert, sizeof(s->tls_cert), "%s",
             hooks && hooks->tls_cert ? hooks->tls_cert : "");
    snprintf(s->tls_key, sizeof(s->tls_key), "%s", hooks && hooks->tls_key ? hooks->tls_key : "");
    s->hooks.tls_cert = s->tls_cert;
    s->hooks.tls_key = s->tls_key;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->qlock, NULL);
    /* Configured switches, plus as many again found through ranges. */
    s->table = whb_switch_ports_new(2 * (cfg->n + 16), cfg->max_ports);
    s->sl_base = event_base_new();
    s->sn_base = event_base_new();
    if (s->sl_base && s->sn_base) {
        s->sl_stop = event_new(s->sl_base, -1, 0, on_stop, s->sl_base);
        s->sn_stop = event_new(s->sn_base, -1, 0, on_stop, s->sn_base);
    }
    if (!s->table || !s->sl_stop || !s->sn_stop) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    if (cfg->syslog_udp[0] || cfg->syslog_tcp[0] || cfg->syslog_tls[0]) {
        if (!(s->syslog = whb_syslog_recv_start(s, why, whylen)))
            goto fail;
    }
    if (wants_snmp(&s->cfg)) {
        if (whb_snmp_lib_init(&s->cfg, why, whylen) != 0)
            goto fail;
        if (cfg->snmp_traps[0] && !(s->traps = whb_trap_recv_start(s, why, whylen)))
            goto fail;
        s->poller = whb_poller_new(s);
        s->qev = event_new(s->sn_base, -1, 0, on_queue, s);
        if (!s->poller || !s->qev) {
            snprintf(why, whylen, "out of memory");
            goto fail;
        }
    }
    /* Every configured switch's interface table read once: names, numbers and states of its
     * ports before anything happens to them. */
    for (unsigned i = 0; s->poller && i < s->cfg.n; i++)
        if (s->cfg.creds[i].name[0] && s->cfg.creds[i].poll)
            whb_switch_poll(s, s->cfg.creds[i].name, NULL, NULL, 0);
    if (pthread_create(&s->sl_thread, NULL, run_syslog, s->sl_base) != 0)
        goto fail;
    s->sl_started = 1;
    if (pthread_create(&s->sn_thread, NULL, run_snmp, s->sn_base) != 0)
        goto fail;
    s->sn_started = 1;
    return s;
fail:
    if (!why[0])
        snprintf(why, whylen, "cannot start the switch service");
    whb_switch_stop(s);
    return NULL;
}

void whb_switch_stop(struct whb_switch_service *s)
{
    if (!s)
        return;
    if (s->sl_started) {
        event_active(s->sl_stop, EV_READ, 0);
        pthread_join(s->sl_thread, NULL);
    }
    if (s->sn_started) {
        event_active(s->sn_stop, EV_READ, 0);
        pthread_join(s->sn_thread, NULL);
    }
    if (s->sl_stop)
        event_free(s->sl_stop);
    if (s->sn_stop)
        event_free(s->sn_stop);
    whb_syslog_recv_stop(s->syslog);
    whb_trap_recv_stop(s->traps);
    whb_poller_free(s->poller);
    if (s->qev)
        event_free(s->qev);
    if (s->sl_base)
        event_base_free(s->sl_base);
    if (s->sn_base)
        event_base_free(s->sn_base);
    whb_switch_ports_free(s->table);
    whb_switch_config_free(&s->cfg);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->qlock);
    free(s);
}
