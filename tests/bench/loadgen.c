/* whb-loadgen: many simulated machines reporting over keep-alive connections, to measure the
 * collector (or any HTTP server, for comparison) under load. One libevent loop, one request in
 * flight per connection, a fixed duration; prints the rates it saw. --storm: every machine
 * comes back once with spooled events, a 503 puts it back after its Retry-After, and the run
 * ends when all are stored (a reconnect storm after an outage). */
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sample.h"

struct gen {
    struct event_base *base;
    SSL_CTX *ssl;
    const char *host, *path, *token;
    unsigned port, machines;
    uint32_t *seq; /* next seq per machine */
    unsigned next_machine;
    double stop_at, started;
    unsigned long sent, ok, other, failed;
    /* Storm mode: each machine once, with events; 503s wait in a ring for their retry. */
    int storm;
    unsigned events, seq_base;
    unsigned interval; /* the heartbeat interval the reports state; 0: the sample's */
    unsigned *retry_m;
    double *retry_at;
    unsigned long retry_head, retry_tail, busy;
    unsigned long done;
    unsigned first;   /* machine numbers start here */
    const char *ssid; /* wireless machines on this SSID, 40 to an access point; NULL: wired */
    /* Each answered request's latency (ms), for the percentiles printed at the end. */
    double *lat;
    unsigned long n_lat, cap_lat;
};

struct conn {
    struct gen *g;
    struct evhttp_connection *evcon;
    unsigned machine;
    double sent_at;
    struct event *wait; /* storm: waits for the next retry to be due */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void send_one(struct conn *c);

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static void send_machine(struct conn *c, unsigned m);

/* Storm: the next machine for c, a due retry first; else c waits for the oldest retry. */
static void storm_next(struct conn *c)
{
    struct gen *g = c->g;
    if (g->done == g->machines) {
        event_base_loopexit(g->base, NULL);
        return;
    }
    if (g->retry_head != g->retry_tail) {
        double at = g->retry_at[g->retry_head % g->machines];
        if (at <= now_s() || g->next_machine >= g->machines) {
            double wait = at - now_s();
            if (wait > 0) {
                struct timeval tv = {(time_t)wait, (suseconds_t)((wait - (time_t)wait) * 1e6)};
                evtimer_add(c->wait, &tv);
                return;
            }
            send_machine(c, g->retry_m[g->retry_head++ % g->machines]);
            return;
        }
    }
    if (g->next_machine < g->machines)
        send_machine(c, g->next_machine++);
}

static void on_wait(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    storm_next(arg);
}

static void on_done(struct evhttp_request *req, void *arg)
{
    struct conn *c = arg;
    struct gen *g = c->g;
    int code = req ? evhttp_request_get_response_code(req) : 0;
    /* The socket exists once connected; without NODELAY a request split into TLS records
     * waits for the server's delayed ACK. */
    evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(c->evcon));
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (code && g->n_lat < g->cap_lat)
        g->lat[g->n_lat++] = (now_s() - c->sent_at) * 1e3;
    if (code == 200 || code == 204)
        g->ok++;
    else if (g->storm && code == 503)
        g->busy++;
    else if (code)
        g->other++;
    else
        g->failed++;
    if (g->storm) {
        if (code == 503) { /* as an agent does: again after Retry-After (1 s) */
            g->retry_m[g->retry_tail % g->machines] = c->machine;
            g->retry_at[g->retry_tail++ % g->machines] = now_s() + 1.0;
        } else {
            g->done++;
        }
        storm_next(c);
        return;
    }
    if (now_s() < g->stop_at)
        send_one(c);
    else if (g->sent == g->ok + g->other + g->failed)
        event_base_loopexit(g->base, NULL);
}

static void send_one(struct conn *c)
{
    struct gen *g = c->g;
    if (g->storm) {
        storm_next(c);
        return;
    }
    send_machine(c, g->next_machine++ % g->machines);
}

static void send_machine(struct conn *c, unsigned m)
{
    struct gen *g = c->g;
    c->machine = m;
    c->sent_at = now_s();
    struct sample *s =
        sample_new(g->first + m, g->seq_base + ++g->seq[m], g->storm ? g->events : 0);
    if (s && g->interval)
        s->report.interval_s = g->interval;
    /* Stamped as an agent stamps it, by a clock that keeps time (the sample's seq x 1 s ran
     * ahead of it: every report then moved the machine's clock offset, a change to store). */
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    if (s)
        s->report.sent_at_ms = (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000;
    Whb__V1__Wireless wifi = WHB__V1__WIRELESS__INIT;
    char bssid[18];
    if (s && g->ssid) {
        unsigned ap = (g->first + m) / 40;
        snprintf(bssid, sizeof(bssid), "02:aa:00:%02x:%02x:%02x", ap >> 16 & 255, ap >> 8 & 255,
                 ap & 255);
        wifi.ssid = (char *)g->ssid;
        wifi.bssid = bssid;
        wifi.associated = 1;
        wifi.signal_dbm = -55;
        s->adapter.type = WHB__V1__ADAPTER_TYPE__ADAPTER_TYPE_WIRELESS;
        s->adapter.wireless = &wifi;
        s->adapter.lldp = NULL;
    }
    size_t len;
    uint8_t *buf = s ? sample_pack(s, &len) : NULL;
    struct evhttp_request *req = evhttp_request_new(on_done, c);
    char key[96];
    if (!buf || !req) {
        fprintf(stderr, "whb-loadgen: out of memory\n");
        exit(1);
    }
    /* A key derived from the machine number: stable across runs, distinct per machine. */
    snprintf(key, sizeof(key), "Bearer %064x", g->first + m + 1);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Host", g->host);
    evhttp_add_header(h, "Content-Type", "application/x-protobuf");
    evhttp_add_header(h, "Authorization", key);
    if (g->token)
        evhttp_add_header(h, "X-Whb-Enrollment", g->token);
    evbuffer_add(evhttp_request_get_output_buffer(req), buf, len);
    free(buf);
    sample_free(s);
    g->sent++;
    if (evhttp_make_request(c->evcon, req, EVHTTP_REQ_POST, g->path) != 0)
        g->failed++;
}

static struct evhttp_connection *connect_one(struct gen *g)
{
    struct bufferevent *bev = NULL;
    if (g->ssl) {
        SSL *ssl = SSL_new(g->ssl);
        bev = bufferevent_openssl_socket_new(g->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
                                             BEV_OPT_CLOSE_ON_FREE);
        bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    }
    struct evhttp_connection *evcon =
        evhttp_connection_base_bufferevent_new(g->base, NULL, bev, g->host, (ev_uint16_t)g->port);
    evhttp_connection_set_timeout(evcon, 30);
    return evcon;
}

static void usage(void)
{
    fputs("usage: whb-loadgen --url http[s]://HOST:PORT/PATH [--machines N] [--connections N]\n"
          "                   [--seconds N] [--ca FILE] [--token TOKEN] [--seq-base N]\n"
          "                   [--storm [--events N]] [--interval SECONDS] [--first N]\n"
          "                   [--wireless SSID]\n"
          "Prints: sent, ok, other (non-2xx), failed, seconds, ok/s and the answers' latency\n"
          "(p50, p99, max ms). --first: machine numbers from N. --wireless: machines on SSID, 40\n"
          "to an access point, rather than wired. --storm: each machine\n"
          "reports once with N spooled events (default 8); 503s are retried after 1 s; ends\n"
          "when all are stored (busy: how many 503s).\n",
          stderr);
}

int main(int argc, char **argv)
{
    struct gen g = {.machines = 100000, .path = "/v1/report"};
    unsigned conns = 64, seconds = 10;
    const char *url = NULL, *ca = NULL;
    static const struct option opts[] = {{"url", required_argument, NULL, 'u'},
                                         {"machines", required_argument, NULL, 'm'},
                                         {"connections", required_argument, NULL, 'c'},
                                         {"seconds", required_argument, NULL, 's'},
                                         {"ca", required_argument, NULL, 'a'},
                                         {"token", required_argument, NULL, 't'},
                                         {"seq-base", required_argument, NULL, 'b'},
                                         {"storm", no_argument, NULL, 'S'},
                                         {"events", required_argument, NULL, 'e'},
                                         {"interval", required_argument, NULL, 'i'},
                                         {"first", required_argument, NULL, 'f'},
                                         {"wireless", required_argument, NULL, 'w'},
                                         {0}};
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'u':
            url = optarg;
            break;
        case 'm':
            g.machines = (unsigned)atoi(optarg);
            break;
        case 'c':
            conns = (unsigned)atoi(optarg);
            break;
        case 's':
            seconds = (unsigned)atoi(optarg);
            break;
        case 'a':
            ca = optarg;
            break;
        case 't':
            g.token = optarg;
            break;
        case 'b':
            g.seq_base = (unsigned)atoi(optarg);
            break;
        case 'S':
            g.storm = 1;
            g.events = g.events ? g.events : 8;
            break;
        case 'e':
            g.events = (unsigned)atoi(optarg);
            break;
        case 'i':
            g.interval = (unsigned)atoi(optarg);
            break;
        case 'f':
            g.first = (unsigned)atoi(optarg);
            break;
        case 'w':
            g.ssid = optarg;
            break;
        default:
            usage();
            return 2;
        }
    }
    struct evhttp_uri *u = url ? evhttp_uri_parse(url) : NULL;
    if (!u || !evhttp_uri_get_host(u) || evhttp_uri_get_port(u) <= 0 || !g.machines || !conns) {
        usage();
        return 2;
    }
    g.host = evhttp_uri_get_host(u);
    g.port = (unsigned)evhttp_uri_get_port(u);
    if (evhttp_uri_get_path(u) && evhttp_uri_get_path(u)[0])
        g.path = evhttp_uri_get_path(u);
    if (strcmp(evhttp_uri_get_scheme(u), "https") == 0) {
        g.ssl = SSL_CTX_new(TLS_client_method());
        if (ca) {
            SSL_CTX_load_verify_locations(g.ssl, ca, NULL);
            SSL_CTX_set_verify(g.ssl, SSL_VERIFY_PEER, NULL);
        }
    }
    g.seq = calloc(g.machines, sizeof(*g.seq));
    g.cap_lat = 4000000;
    g.lat = malloc(g.cap_lat * sizeof(*g.lat));
    if (g.storm) {
        g.retry_m = calloc(g.machines, sizeof(*g.retry_m));
        g.retry_at = calloc(g.machines, sizeof(*g.retry_at));
        g.stop_at = 1e300;
    }
    g.base = event_base_new();
    struct conn *cs = calloc(conns, sizeof(*cs));
    g.started = now_s();
    if (!g.storm)
        g.stop_at = g.started + seconds;
    for (unsigned i = 0; i < conns; i++) {
        cs[i].g = &g;
        cs[i].wait = evtimer_new(g.base, on_wait, &cs[i]);
        cs[i].evcon = connect_one(&g);
        send_one(&cs[i]);
    }
    event_base_dispatch(g.base);
    double elapsed = now_s() - g.started;
    qsort(g.lat, g.n_lat, sizeof(*g.lat), cmp_double);
    double p50 = g.n_lat ? g.lat[g.n_lat / 2] : 0, p99 = g.n_lat ? g.lat[g.n_lat * 99 / 100] : 0;
    double max = g.n_lat ? g.lat[g.n_lat - 1] : 0;
    printf("sent=%lu ok=%lu other=%lu failed=%lu busy=%lu seconds=%.2f rate=%.0f p50_ms=%.2f "
           "p99_ms=%.2f max_ms=%.2f\n",
           g.sent, g.ok, g.other, g.failed, g.busy, elapsed, (double)g.ok / elapsed, p50, p99, max);
    free(g.lat);
    for (unsigned i = 0; i < conns; i++) {
        evhttp_connection_free(cs[i].evcon);
        event_free(cs[i].wait);
    }
    free(g.retry_m);
    free(g.retry_at);
    free(cs);
    free(g.seq);
    event_base_free(g.base);
    if (g.ssl)
        SSL_CTX_free(g.ssl);
    evhttp_uri_free(u);
    return g.failed || g.other ? 1 : 0;
}
