/* The agents' connections without evhttp: after admission (conns.c) a connection is read here
 * (TLS handshake and records with OpenSSL directly on the socket, one edge-triggered event),
 * POST /v1/report is answered from a fixed buffer, and a connection whose request is for
 * anything else is handed to evhttp with the bytes already read. Internal to http/. */
#ifndef WHB_REPORT_CONN_H
#define WHB_REPORT_CONN_H

#include <event2/event_struct.h>
#include <openssl/ssl.h>
#include <stdalign.h>
#include <stddef.h>

#include "ingest/answer.h"
#include "ingest/writer.h"
#include "http/report_http.h"
#include "wire_arena.h"

struct evhttp_connection;
struct bufferevent;
struct whb_metrics;
struct whb_report_conn;

/* What one loop's lean connections run on, and whom they call: a complete request is answered
 * or submitted by serve, its commit's result by committed (report_lean.c), and a connection
 * whose request is not a report goes back to admission's deadline by handed_back (conns.c).
 * Function pointers, so that this file calls nothing above it. */
struct whb_report_env {
    struct event_base *base;
    struct whb_ingest *ingest;
    struct whb_metrics *metrics;
    unsigned timeout_s;
    size_t max_body;
    void (*serve)(struct whb_report_conn *cn);
    void (*committed)(struct whb_report_conn *cn);
    void (*handed_back)(void *owner, int fd);
    void *owner; /* the handlers' own data (the loop) */
};

/* One event loop's lean connections and the port their reports come back committed on. */
struct whb_report_loop {
    struct whb_report_env env;
    struct whb_ingest_port *port;
    struct whb_report_conn *conns; /* open ones, to close when the loop stops */
    struct timeval timeout;
};

/* A reply is at most a status line, a few headers and a short text or an ack. */
#define WHB_REPORT_CONN_OUT 2048

/* A heartbeat decodes into about 2 KiB; spooled events spill into malloc'd chunks. */
#define WHB_REPORT_CONN_ARENA 8192

struct whb_report_conn {
    struct whb_report_loop *loop;
    struct whb_report_conn *prev, *next;
    /* evhttp's connection, never read while the socket is ours: it holds the socket and the
     * caps' slot (its close callback is conns.c's) and takes over for other requests. */
    struct evhttp_connection *evcon;
    struct bufferevent *bev;
    SSL *ssl; /* NULL for plain HTTP; owned by bev */
    int fd;
    struct event io, timer;
    struct timeval deadline; /* the current request's (or the idle connection's) */
    unsigned handshaking : 1, readable : 1, in_writer : 1, dead : 1, closing : 1, draining : 1,
        headers_seen : 1, keep_alive : 1, http10 : 1, served : 1, unused_extended : 1;
    struct whb_report_http http;
    struct whb_ingest_item item; /* the report in the writer: one at a time */
    struct whb_report_peer peer; /* read once, at the connection's start */
    /* item's report is decoded here (no malloc per piece), reset once it is answered. */
    struct whb_wire_arena arena;
    alignas(max_align_t) unsigned char arena_buf[WHB_REPORT_CONN_ARENA];
    size_t out_len, out_off;
    char out[WHB_REPORT_CONN_OUT];
    size_t len;  /* bytes in in[]: the current request starts at in[0] */
    size_t used; /* of those, taken by the parser */
    size_t cap;
    char in[]; /* headers cap + max_body */
};

/* Made by each loop after its evhttp; the port is freed by whb_ingest_stop. */
int whb_report_loop_new(const struct whb_report_env *env, struct whb_report_loop **out);

/* Closes every connection still open (after the writer stopped), before evhttp_free. */
void whb_report_loop_free(struct whb_report_loop *l);

/* Takes an admitted connection before evhttp has read a byte of it: 0 when taken (evhttp's
 * reading stays off until a hand-over), else evhttp keeps it. */
int whb_report_conn_take(struct whb_report_loop *l, struct evhttp_connection *evcon,
                         struct bufferevent *bev, int fd);

/* Queues a whole reply; with close set, the connection ends once it is out. */
void whb_report_conn_reply(struct whb_report_conn *cn, int code, const char *reason,
                           const char *extra, const char *ctype, const void *body, size_t len,
                           int close);

/* "address:port" of the peer, for the audit log. */
void whb_report_conn_peer(struct whb_report_conn *cn, char *buf, size_t len);

#endif
