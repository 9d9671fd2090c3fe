/* What the collector's HTTP handlers share (internal to collector/). */
#ifndef WHB_SERVER_H
#define WHB_SERVER_H

#include <pthread.h>

#include "config.h"
#include "ingest.h"
#include "metrics.h"
#include "store.h"

struct event;
struct evhttp;
struct whb_sessions;
struct evhttp_request;
struct evkeyvalq;
struct whb_conns;
struct whb_report_loop;
struct whb_status;

/* One per event loop: loop 0's is the primary, made by whb_server_start; each further loop
 * (cfg.loops) has a copy with its own base, evhttp, listener, connections and reader handle,
 * and shares the primary's writer, metrics, sessions and status. */
struct whb_server {
    struct whb_collector_config cfg;
    struct whb_server *primary; /* loop 0's; itself there */
    struct event_base *base;
    struct evhttp *http;
    struct whb_ingest_port *port;  /* where this loop's reports come back committed */
    void *ssl_ctx;                 /* SSL_CTX *, NULL for plain HTTP */
    struct whb_sessions *sessions; /* console sessions (console.c), made on first use */
    struct whb_store *writer;      /* owned by the ingest thread */
    struct whb_store *reader;      /* used on the HTTP thread for queries */
    struct whb_ingest *ingest;
    struct whb_conns *conns;
    struct whb_report_loop *report; /* agents' reports without evhttp (report_conn.h) */
    struct whb_metrics metrics;
    struct event *alive_ev;           /* the run's alive mark (runs.h); NULL until the run began */
    struct whb_status *status;        /* GET /v1/status made off this thread (status.h) */
    char db_dir[WHB_CONFIG_PATH_MAX]; /* where the database grows: free space for /healthz */
    /* Primary only: the other loops, their threads, and the lock that makes the read API, the
     * console and their sessions one caller at a time across loops. */
    struct whb_server **loops;
    pthread_t *threads;
    unsigned n_loops, n_running;
    pthread_mutex_t api_lock;
};

/* True when the request comes from this host (127.0.0.0/8, ::1, or IPv4 loopback mapped into
 * IPv6 as ::ffff:127.0.0.1 on a [::] listener). */
int whb_http_peer_loopback(struct evhttp_request *req);

/* Whether the read API may answer req: loopback, or the admin token. Answers 401/403 when not. */
int whb_api_allowed(struct whb_server *srv, struct evhttp_request *req);

/* Answers with a short text body, e.g. "400 malformed report: seq missing". */
void whb_http_reply_text(struct evhttp_request *req, int code, const char *reason,
                         const char *text);

/* The read API (api.c): returns 1 when it handled the request. */
int whb_api_route(struct whb_server *srv, struct evhttp_request *req, const char *path);

/* The read API's additions for the console (api_pages.c): returns 1 when it handled path. */
int whb_api_pages_route(struct whb_server *srv, struct evhttp_request *req, const char *path,
                        struct evkeyvalq *q);

#endif
