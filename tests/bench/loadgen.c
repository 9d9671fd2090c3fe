/* whb-loadgen: many simulated machines reporting over keep-alive connections, to measure the
 * collector (or any HTTP server, for comparison) under load. One libevent loop, one request in
 * flight per connection, a fixed duration; prints the rates it saw. */
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
};

struct conn {
    struct gen *g;
    struct evhttp_connection *evcon;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void send_one(struct conn *c);

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
    if (code == 200 || code == 204)
        g->ok++;
    else if (code)
        g->other++;
    else
        g->failed++;
    if (now_s() < g->stop_at)
        send_one(c);
    else if (g->sent == g->ok + g->other + g->failed)
        event_base_loopexit(g->base, NULL);
}

static void send_one(struct conn *c)
{
    struct gen *g = c->g;
    unsigned m = g->next_machine++ % g->machines;
    struct sample *s = sample_new(m, ++g->seq[m], 0);
    size_t len;
    uint8_t *buf = s ? sample_pack(s, &len) : NULL;
    struct evhttp_request *req = evhttp_request_new(on_done, c);
    char key[96];
    if (!buf || !req) {
        fprintf(stderr, "whb-loadgen: out of memory\n");
        exit(1);
    }
    /* A key derived from the machine number: stable across runs, distinct per machine. */
    snprintf(key, sizeof(key), "Bearer %064x", m + 1);
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
          "                   [--seconds N] [--ca FILE] [--token TOKEN]\n"
          "Prints: sent, ok, other (non-2xx), failed, seconds and ok/s.\n",
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
    g.base = event_base_new();
    struct conn *cs = calloc(conns, sizeof(*cs));
    g.started = now_s();
    g.stop_at = g.started + seconds;
    for (unsigned i = 0; i < conns; i++) {
        cs[i].g = &g;
        cs[i].evcon = connect_one(&g);
        send_one(&cs[i]);
    }
    event_base_dispatch(g.base);
    double elapsed = now_s() - g.started;
    printf("sent=%lu ok=%lu other=%lu failed=%lu seconds=%.2f rate=%.0f\n", g.sent, g.ok, g.other,
           g.failed, elapsed, (double)g.ok / elapsed);
    for (unsigned i = 0; i < conns; i++)
        evhttp_connection_free(cs[i].evcon);
    free(cs);
    free(g.seq);
    event_base_free(g.base);
    if (g.ssl)
        SSL_CTX_free(g.ssl);
    evhttp_uri_free(u);
    return g.failed || g.other ? 1 : 0;
}
