/* Implementation of server.h: the one place that knows every part and wires them together. */
#include "server.h"

#include <event2/event.h>
#include <event2/http.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/route.h"
#include "clock.h"
#include "collector.h"
#include "console/console.h"
#include "error.h"
#include "http/loop.h"
#include "http/reply.h"
#include "http/tls.h"
#include "ingest/switch_names.h"
#include "ingest/switch_watch.h"
#include "ingest/switch_writer.h"
#include "ingest/enroll.h"
#include "ingest/keys.h"
#include "ingest/writer.h"
#include "log.h"
#include "store/census.h"
#include "store/runs.h"
#include "store/runs_alive.h"
#include "store/store.h"
#include "summaries/summaries.h"
#include "summaries/worker.h"
#include "switch/switch.h"

/* A request that long is worth a warning in the log (a `why` takes milliseconds). */
#define WHB_SLOW_REQUEST_MS 1000

/* Everything but a report: the read API, the console, /healthz and /metrics. Reads are rare
 * next to reports: one loop at a time, each on its own store handle. /healthz and /metrics
 * read only their loop's handle and the counters: never queued behind another loop's `why`
 * (a monitoring system would call the collector dead while it explains a fleet). */
static void route(struct whb_loop *loop, struct evhttp_request *req, const char *path)
{
    struct whb_collector *col = loop->col;
    if (whb_api_health(loop, req, path))
        return;
    /* Copied first: the reply may free the request and its path. */
    char what[160];
    snprintf(what, sizeof(what), "%s", path);
    int64_t t0 = whb_clock_mono_ns();
    pthread_mutex_lock(&col->api_lock);
    int64_t t1 = whb_clock_mono_ns();
    if (!whb_api_route(loop, req, path) && !whb_console_route(col, req, path))
        whb_http_reply_text(req, 404, "Not Found", "not found");
    pthread_mutex_unlock(&col->api_lock);
    /* A request holds its event loop while it reads the store: what else that loop has to
     * answer (reports, /healthz) waits as long. Said when it is long enough to matter. */
    long waited = (long)((t1 - t0) / 1000000), took = (long)((whb_clock_mono_ns() - t1) / 1000000);
    if (waited + took >= WHB_SLOW_REQUEST_MS)
        whb_log_limited(WHB_LOG_WARN,
                        "%s took %ld ms, and waited %ld ms for another request before: event "
                        "loop %u answered nothing else meanwhile",
                        what, took, waited, loop->index);
    else if (waited + took >= 10)
        whb_log_debug("%s took %ld ms (waited %ld ms before) on event loop %u", what, took, waited,
                      loop->index);
}

/* The run: its start is marked (loop 0's reader, before any request) and the alive marks
 * begin on a thread of their own (store/runs_alive.h). */
static int run_begin(struct whb_collector *col, char *why, size_t whylen)
{
    struct whb_loop *loop = col->loops[0];
    if (whb_runs_start(loop->reader, whb_clock_wall_ms()))
        whb_log_warnx("store: cannot record this run's start: downtimes will not be known");
    col->alive = whb_alive_start(&col->cfg, why, whylen);
    return col->alive ? 0 : WHB_EIO;
}

/* The stop is marked after the last alive mark. */
static void run_end(struct whb_collector *col)
{
    if (!col->alive)
        return;
    whb_alive_stop(col->alive);
    col->alive = NULL;
    whb_runs_stop(col->loops[0]->reader, whb_clock_wall_ms());
}

static void on_switch_event(void *arg, const struct whb_switch_event *ev,
                            const struct whb_switch_port *port, int changed)
{
    whb_switch_writer_put(arg, ev, port, changed);
}

/* The switches, when the configuration names any: their writer, the service (listeners and
 * poller on threads of their own), and the watch of machines going silent on loop 0. */
static int switches_start(struct whb_collector *col, char *why, size_t whylen)
{
    const struct whb_collector_config *cfg = &col->cfg;
    if (cfg->switches.n == 0)
        return 0;
    if (whb_switch_writer_start(cfg, &col->switch_writer, why, whylen) ||
        whb_switch_names_open(cfg, &col->switch_names, why, whylen))
        return WHB_EIO;
    struct whb_switch_hooks hooks = {
        .sink = on_switch_event,
        .sink_arg = col->switch_writer,
        .namer = whb_switch_names_lookup,
        .namer_arg = col->switch_names,
        .tls_cert = cfg->cert,
        .tls_key = cfg->key,
    };
    col->switches = whb_switch_start(&cfg->switches, &hooks, why, whylen);
    if (!col->switches)
        return WHB_EIO;
    col->switch_watch =
        whb_switch_watch_start(col->loops[0]->base, col->loops[0]->reader, col->switches);
    return col->switch_watch ? 0 : WHB_ENOMEM;
}

static void *loop_main(void *arg)
{
    struct whb_loop *loop = arg;
    event_base_loop(loop->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Loop i: loop 0 runs on base (main's thread), the others on bases of their own. */
static int make_loop(struct whb_collector *col, unsigned i, struct event_base *base, char *why,
                     size_t whylen)
{
    struct whb_loop *loop = calloc(1, sizeof(*loop));
    if (!loop)
        return WHB_ENOMEM;
    col->loops[i] = loop;
    loop->col = col;
    loop->index = i;
    loop->route = route;
    if (!base) {
        struct event_config *ecfg = event_config_new();
        if (ecfg)
            event_config_set_flag(ecfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
        base = ecfg ? event_base_new_with_config(ecfg) : NULL;
        event_config_free(ecfg);
        if (!base) {
            snprintf(why, whylen, "cannot create event loop %u", i);
            return WHB_ENOMEM;
        }
    }
    loop->base = base;
    if (whb_store_open_config(&col->cfg, 0, &loop->reader, why, whylen))
        return WHB_EIO;
    loop->reader->census = col->census;
    if (whb_loop_start(loop, col->n_loops > 1, i ? col->loops[0] : NULL, why, whylen))
        return WHB_EIO;
    if (!i && col->cfg.control_socket[0] && whb_loop_control_start(loop, why, whylen))
        return WHB_EIO;
    return 0;
}

/* The fleet census, made before the loops answer: a large fleet that is silent at start (the
 * collector was down) is counted from the first `why`. */
static int census_start(struct whb_collector *col)
{
    struct whb_store *own;
    char why[256];
    if (whb_store_open_config(&col->cfg, 0, &own, why, sizeof(why))) {
        whb_log_warnx("census: %s", why);
        return WHB_ESTORE;
    }
    return whb_census_keeper_start(own, WHB_CENSUS_MIN_MACHINES, 1, &col->census);
}

static int start_threads(struct whb_collector *col, char *why, size_t whylen)
{
    for (unsigned i = 1; i < col->n_loops; i++) {
        if (pthread_create(&col->threads[i], NULL, loop_main, col->loops[i])) {
            snprintf(why, whylen, "cannot start event loop %u", i);
            return WHB_ENOMEM;
        }
        col->n_running = i + 1;
    }
    return 0;
}

static unsigned loops_wanted(const struct whb_collector_config *cfg)
{
    long n = cfg->loops ? (long)cfg->loops : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (!cfg->loops && n > 8)
        n = 8;
    return (unsigned)n;
}

int whb_server_start(struct event_base *base, const struct whb_collector_config *cfg,
                     struct whb_collector **out, char *why, size_t whylen)
{
    struct whb_collector *col = calloc(1, sizeof(*col));
    if (!col)
        return WHB_ENOMEM;
    col->cfg = *cfg;
    col->n_loops = loops_wanted(cfg);
    pthread_mutex_init(&col->api_lock, NULL);
    col->loops = calloc(col->n_loops, sizeof(*col->loops));
    col->threads = calloc(col->n_loops, sizeof(*col->threads));
    if (!col->loops || !col->threads)
        goto fail;
    snprintf(col->db_dir, sizeof(col->db_dir), "%s", cfg->db_path);
    char *slash = strrchr(col->db_dir, '/');
    if (slash)
        slash[slash == col->db_dir ? 1 : 0] = '\0';
    else
        snprintf(col->db_dir, sizeof(col->db_dir), ".");
    if (cfg->db_postgresql) /* the database's disk is the DBA's: no free-space check here */
        col->db_dir[0] = '\0';
    if (whb_store_open_config(cfg, 1, &col->writer, why, whylen))
        goto fail;
    col->enroll_limit = whb_enroll_limit_new(cfg->enroll_per_minute);
    if (!(col->keys = whb_keys_new()) || (cfg->enroll_per_minute && !col->enroll_limit)) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    if (cfg->tls && !(col->ssl_ctx = whb_tls_server_ctx(cfg, why, whylen)))
        goto fail;
    if (census_start(col))
        whb_log_warnx("census: none; a large silent fleet is counted row by row");
    if (whb_summaries_start(col, whb_summary_make, &col->summaries)) {
        snprintf(why, whylen, "cannot start the summaries");
        goto fail;
    }
    if (whb_ingest_start(col->writer, cfg->max_pending, cfg->batch_max, &col->metrics,
                         &col->ingest)) {
        snprintf(why, whylen, "cannot start the writer thread");
        goto fail;
    }
    if (col->n_loops > 1 && !whb_loop_port_free(col)) {
        snprintf(why, whylen, "cannot listen on %s:%u", cfg->listen_host, cfg->port);
        goto fail;
    }
    for (unsigned i = 0; i < col->n_loops; i++)
        if (make_loop(col, i, i ? NULL : base, why, whylen))
            goto fail;
    if (start_threads(col, why, whylen))
        goto fail;
    if (run_begin(col, why, whylen))
        goto fail;
    if (switches_start(col, why, whylen))
        goto fail;
    *out = col;
    return 0;
fail:
    whb_server_free(col);
    return WHB_EIO;
}

void whb_server_free(struct whb_collector *col)
{
    if (!col)
        return;
    /* The other loops stop first: then the writer answers what it holds on this thread. */
    for (unsigned i = 1; i < col->n_running; i++) {
        event_base_loopexit(col->loops[i]->base, NULL);
        pthread_join(col->threads[i], NULL);
    }
    /* The switches stop speaking before their writer commits what it holds. */
    whb_switch_watch_stop(col->switch_watch);
    whb_switch_stop(col->switches);
    whb_switch_writer_stop(col->switch_writer);
    whb_switch_names_close(col->switch_names);
    /* The writer commits what it holds and answers it before the HTTP server goes away. */
    whb_ingest_stop(col->ingest);
    whb_summaries_stop(col->summaries);
    if (col->loops && col->loops[0] && col->loops[0]->reader)
        run_end(col);
    /* Loop 0 last: its admission owns the connection caps the others count against. */
    for (unsigned i = col->n_loops; col->loops && i-- > 0;) {
        struct whb_loop *loop = col->loops[i];
        if (!loop)
            continue;
        whb_loop_stop(loop);
        if (loop->reader)
            loop->reader->ops->close(loop->reader);
        if (i && loop->base) /* loop 0's base is the caller's */
            event_base_free(loop->base);
        free(loop);
    }
    free(col->loops);
    free(col->threads);
    if (col->writer)
        col->writer->ops->close(col->writer);
    whb_census_keeper_stop(col->census);
    whb_tls_ctx_free(col->ssl_ctx);
    whb_console_free(col);
    whb_keys_free(col->keys);
    whb_enroll_limit_free(col->enroll_limit);
    whb_api_uploads_free(col);
    pthread_mutex_destroy(&col->api_lock);
    free(col);
}
