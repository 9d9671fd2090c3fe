/* What the collector's HTTP handlers share (internal to collector/). */
#ifndef WHB_SERVER_H
#define WHB_SERVER_H

#include "config.h"
#include "ingest.h"
#include "metrics.h"
#include "store.h"

struct event;
struct evhttp;
struct evhttp_request;

struct whb_server {
    struct whb_collector_config cfg;
    struct event_base *base;
    struct evhttp *http;
    void *ssl_ctx;            /* SSL_CTX *, NULL for plain HTTP */
    struct whb_store *writer; /* owned by the ingest thread */
    struct whb_store *reader; /* used on the HTTP thread for queries */
    struct whb_ingest *ingest;
    struct whb_metrics metrics;
    struct event *alive_ev; /* the run's alive mark (runs.h); NULL until the run began */
};

/* Answers with a short text body, e.g. "400 malformed report: seq missing". */
void whb_http_reply_text(struct evhttp_request *req, int code, const char *reason,
                         const char *text);

/* The read API (api.c): returns 1 when it handled the request. */
int whb_api_route(struct whb_server *srv, struct evhttp_request *req, const char *path);

#endif
