/* GET /healthz (whether a report can be stored now) and GET /metrics (Prometheus text). Any
 * caller when metrics_public is on; otherwise a read or admin token (console/access.h). */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "api/api.h"
#include "api/route.h"
#include "clock.h"
#include "collector.h"
#include "ingest/switch_writer.h"
#include "switch/switch.h"
#include "http/loop.h"
#include "http/reply.h"
#include "console/access.h"
#include "ingest/writer.h"
#include "log.h"
#include "store/store.h"

/* Healthy when a report can be stored now: the store answers (a commit within the last second
 * says so, else a ping), the last group commit worked, and the database's file system has room
 * left. */
#define HEALTH_MIN_FREE (16ull * 1024 * 1024)

/* The switches' side (collector/switch/): what they sent, what was kept and dropped. */
static void switch_metrics(struct whb_collector *col, struct evbuffer *body)
{
    struct whb_switch_stats st;
    uint64_t stored = 0, dropped = 0;
    whb_switch_get_stats(col->switches, &st);
    whb_switch_writer_counts(col->switch_writer, &stored, &dropped);
    static const char *const help =
        "# HELP whb_switch_messages_total Messages from switches, by what became of them.\n"
        "# TYPE whb_switch_messages_total counter\n";
    evbuffer_add(body, help, strlen(help));
    const struct {
        const char *what;
        uint64_t n;
    } rows[] = {
        {"syslog", st.syslog_msgs},
        {"syslog_link", st.syslog_link},
        {"syslog_unknown", st.syslog_unknown},
        {"syslog_rate", st.syslog_rate},
        {"syslog_cut", st.syslog_cut},
        {"syslog_bad", st.syslog_bad},
        {"tcp_refused", st.tcp_refused},
        {"trap", st.traps},
        {"trap_denied", st.traps_denied},
        {"trap_rate", st.traps_rate},
        {"inform_answered", st.informs_answered},
        {"poll", st.polls},
        {"poll_timeout", st.poll_timeouts},
        {"poll_error", st.poll_errors},
        {"poll_dropped", st.poll_dropped},
        {"table_full", st.table_full},
        {"stored", stored},
        {"store_dropped", dropped},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        evbuffer_add_printf(body, "whb_switch_messages_total{what=\"%s\"} %llu\n", rows[i].what,
                            (unsigned long long)rows[i].n);
}

static void on_metrics(struct whb_loop *loop, struct evhttp_request *req)
{
    uint64_t known = 0, silent = 0;
    char buf[4096];
    loop->reader->ops->count_machines(loop->reader, whb_clock_wall_ms(), &known, &silent);
    size_t n = whb_metrics_render(&loop->col->metrics, known, silent,
                                  whb_ingest_pending(loop->col->ingest), buf, sizeof(buf));
    struct evbuffer *body = evbuffer_new();
    if (!body) {
        evhttp_send_error(req, 503, "Service Unavailable");
        return;
    }
    evbuffer_add(body, buf, n);
    if (loop->col->switches)
        switch_metrics(loop->col, body);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; version=0.0.4");
    evhttp_send_reply(req, 200, "OK", body);
    evbuffer_free(body);
}

static void on_healthz(struct whb_loop *loop, struct evhttp_request *req)
{
    const struct whb_collector *col = loop->col;
    char text[WHB_CONFIG_PATH_MAX + 128], at[32];
    struct statvfs fs;
    int64_t failed = atomic_load(&col->metrics.commit_failed_ms);
    /* Reports committed within the last second prove the store; only an idle one is asked. */
    int proven = whb_metrics_store_proven(&col->metrics, whb_clock_mono_ns() / 1000000);
    if (!proven && loop->reader->ops->ping(loop->reader)) {
        whb_http_reply_text(req, 503, "Service Unavailable", "store unavailable: cannot read");
        return;
    }
    if (failed) {
        whb_clock_format_iso(failed, at, sizeof(at));
        snprintf(text, sizeof(text),
                 "store failing: the last commit failed at %s; reports get 503 until one works",
                 at);
        whb_http_reply_text(req, 503, "Service Unavailable", text);
        return;
    }
    if (col->db_dir[0] && statvfs(col->db_dir, &fs) == 0 &&
        (unsigned long long)fs.f_bavail * fs.f_frsize < HEALTH_MIN_FREE) {
        snprintf(text, sizeof(text), "disk almost full: %llu bytes free in %s",
                 (unsigned long long)fs.f_bavail * fs.f_frsize, col->db_dir);
        whb_http_reply_text(req, 503, "Service Unavailable", text);
        return;
    }
    whb_http_reply_text(req, 200, "OK", "ok");
}

int whb_api_health(struct whb_loop *loop, struct evhttp_request *req, const char *path)
{
    if (strcmp(path, "/healthz") && strcmp(path, "/metrics"))
        return 0;
    struct whb_caller caller;
    if (!loop->col->cfg.metrics_public &&
        !whb_access_allowed(loop->col, req, WHB_PERM_READ, 0, &caller))
        return 1;
    if (path[1] == 'h')
        on_healthz(loop, req);
    else
        on_metrics(loop, req);
    return 1;
}
