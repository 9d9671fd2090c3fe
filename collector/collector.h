/* What the collector's parts share: its configuration, TLS context, writer, metrics, console
 * sessions, summaries worker and event loops. server.c makes and frees it; the parts only read
 * it (and update the metrics): nothing in here calls up into another part. */
#ifndef WHB_COLLECTOR_H
#define WHB_COLLECTOR_H

#include <pthread.h>

#include "config.h"
#include "metrics.h"

#include <stdint.h>

/* A client's source address as the caps count it (http/conncap.h): IPv4 as IPv4-mapped IPv6,
 * IPv6 by its /64. */
struct whb_source {
    uint8_t b[16];
};

struct event;
struct whb_census_keeper;
struct whb_enroll_limit;
struct whb_keys;
struct whb_ingest;
struct whb_loop;
struct whb_sessions;
struct whb_uploads;
struct whb_store;
struct whb_summaries;
struct whb_switch_service;
struct whb_alive;
struct whb_switch_names;
struct whb_switch_watch;
struct whb_switch_writer;

struct whb_collector {
    struct whb_collector_config cfg;
    void *ssl_ctx;                    /* SSL_CTX *, NULL for plain HTTP */
    struct whb_store *writer;         /* owned by the writer thread (ingest/writer.h) */
    struct whb_ingest *ingest;        /* the queue every loop's reports go into */
    struct whb_metrics metrics;       /* updated by every loop and the writer */
    struct whb_summaries *summaries;  /* the fleet summaries worker; NULL: made in place */
    struct whb_census_keeper *census; /* the fleet census (store/census.h); NULL: none */
    /* The read API, the console and its sessions answer one caller at a time across loops:
     * reads are rare next to reports. sessions is made on first use, under the lock. */
    pthread_mutex_t api_lock;
    struct whb_sessions *sessions;
    /* Before a body is decoded (ingest/answer.h): the keys known to be bound, and new
     * machines per source address. Shared by the loops, each with its own lock. */
    struct whb_keys *keys;
    struct whb_enroll_limit *enroll_limit;
    struct whb_uploads *uploads; /* the console's WSUS list uploads in progress (api/upload.c) */
    char db_dir[WHB_CONFIG_PATH_MAX]; /* where the database grows: free space for /healthz */
    struct whb_alive *alive;          /* the run's alive marks (store/runs_alive.h) */
    /* The switches' own word (switch/): NULL when no switch is configured. */
    struct whb_switch_service *switches;
    struct whb_switch_writer *switch_writer; /* their events into the store */
    struct whb_switch_watch *switch_watch;   /* ports of machines going silent read, on loop 0 */
    struct whb_switch_names *switch_names;   /* names of switches known by address range */
    /* The event loops answering on the port: loops[0] runs on the caller's thread (main's),
     * the others on threads[i]. */
    struct whb_loop **loops;
    pthread_t *threads;
    unsigned n_loops, n_running;
};

#endif
