/* One event loop of the collector's front door: libevent's evhttp on the collector's port (with
 * SO_REUSEPORT when there are several loops), connection admission, the agents' lean report
 * connections, and its own store handle for reads. POST /v1/report is answered here (the lean
 * path, or evhttp's for a report that came after another request); every other request goes to
 * the route the loop was handed (the read API, the console, /healthz, /metrics). */
#ifndef WHB_HTTP_LOOP_H
#define WHB_HTTP_LOOP_H

#include <stddef.h>

struct event_base;
struct evhttp;
struct evhttp_request;
struct whb_collector;
struct whb_conns;
struct whb_ingest_port;
struct whb_report_loop;
struct whb_store;
struct whb_loop;

/* Answers a request that is not a report; path is the decoded URI's path. */
typedef void (*whb_loop_route_fn)(struct whb_loop *loop, struct evhttp_request *req,
                                  const char *path);

struct whb_loop {
    struct whb_collector *col; /* what every loop shares (collector.h) */
    unsigned index;            /* 0 runs on main's thread */
    struct event_base *base;
    struct evhttp *http;
    struct whb_store *reader;       /* this loop's handle for reads */
    struct whb_conns *conns;        /* admission (conns.h) */
    struct whb_report_loop *report; /* lean report connections (report_conn.h) */
    struct whb_ingest_port *port;   /* where evhttp's reports come back committed */
    whb_loop_route_fn route;
    struct evhttp *control; /* loop 0: the control socket's plain HTTP (whb on this host) */
};

/* Whether the collector's port is free: several loops bind it with SO_REUSEPORT, which would
 * also let a second collector of the same user share it, so a plain bind asks first. */
int whb_loop_port_free(const struct whb_collector *col);

/* Sets up loop (col, base, reader and route filled by the caller): evhttp with the
 * collector's limits, its listener, admission (sharing first's caps; NULL for the first loop),
 * the lean report path and the port its reports come back on. On failure writes a cause. */
int whb_loop_start(struct whb_loop *loop, int reuseport, struct whb_loop *first, char *why,
                   size_t whylen);

/* Loop 0 answers on the control socket too ([server] control_socket): plain HTTP on a Unix
 * socket whose file only the collector's user (or control_group) may open, so that whoever
 * connects was checked by the OS. A stale socket file is replaced; a live one is an error. */
int whb_loop_control_start(struct whb_loop *loop, char *why, size_t whylen);

/* After its thread stopped and the writer answered everything: closes every connection. */
void whb_loop_stop(struct whb_loop *loop);

#endif
