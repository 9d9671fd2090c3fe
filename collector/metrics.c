/* Implementation of metrics.h. */
#include "compat.h"
#include "metrics.h"

#include <stdarg.h>
#include <stdio.h>

static const double bucket_le[WHB_COMMIT_BUCKETS] = {0.001, 0.0025, 0.005, 0.01,
                                                     0.025, 0.05,   0.1,   1.0};

void whb_metrics_commit(struct whb_metrics *m, uint64_t micros, size_t batch)
{
    atomic_fetch_add(&m->commits, 1);
    atomic_fetch_add(&m->commit_us_sum, micros);
    atomic_fetch_add(&m->batch_reports_sum, batch);
    for (int i = 0; i < WHB_COMMIT_BUCKETS; i++)
        if ((double)micros / 1e6 <= bucket_le[i])
            atomic_fetch_add(&m->commit_bucket[i], 1);
}

int whb_metrics_store_proven(const struct whb_metrics *m, int64_t mono_ms)
{
    int64_t ok = atomic_load(&m->commit_ok_mono_ms);
    return ok > 0 && !atomic_load(&m->commit_failed_ms) && mono_ms >= ok &&
           mono_ms - ok <= WHB_STORE_PROVEN_MS;
}

struct out {
    char *buf;
    size_t len, used;
};

static void put(struct out *o, const char *fmt, ...) WHB_PRINTF(2, 3);

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    if (o->used >= o->len)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->used += (size_t)n < o->len - o->used ? (size_t)n : o->len - o->used - 1;
}

size_t whb_metrics_render(const struct whb_metrics *m, uint64_t known, uint64_t silent,
                          unsigned pending, char *buf, size_t len)
{
    static const char *const causes[] = {
#define WHB_REJ_NAME_(n, s) s,
        WHB_REJECT_CAUSES(WHB_REJ_NAME_)
#undef WHB_REJ_NAME_
    };
    struct out o = {buf, len, 0};
    unsigned long long commits = atomic_load(&m->commits);

    put(&o,
        "# HELP whb_reports_accepted_total Reports stored and acknowledged.\n"
        "# TYPE whb_reports_accepted_total counter\n"
        "whb_reports_accepted_total %llu\n",
        (unsigned long long)atomic_load(&m->accepted));
    put(&o,
        "# HELP whb_reports_duplicate_total Accepted reports that were resends.\n"
        "# TYPE whb_reports_duplicate_total counter\n"
        "whb_reports_duplicate_total %llu\n",
        (unsigned long long)atomic_load(&m->duplicates));
    put(&o, "# HELP whb_reports_rejected_total Reports refused, by cause.\n"
            "# TYPE whb_reports_rejected_total counter\n");
    for (int i = 0; i < WHB_REJECT_COUNT_; i++)
        put(&o, "whb_reports_rejected_total{cause=\"%s\"} %llu\n", causes[i],
            (unsigned long long)atomic_load(&m->rejected[i]));
    put(&o, "# HELP whb_commit_seconds Time of one group commit.\n"
            "# TYPE whb_commit_seconds histogram\n");
    for (int i = 0; i < WHB_COMMIT_BUCKETS; i++)
        put(&o, "whb_commit_seconds_bucket{le=\"%g\"} %llu\n", bucket_le[i],
            (unsigned long long)atomic_load(&m->commit_bucket[i]));
    put(&o, "whb_commit_seconds_bucket{le=\"+Inf\"} %llu\n", commits);
    put(&o, "whb_commit_seconds_sum %.6f\nwhb_commit_seconds_count %llu\n",
        (double)atomic_load(&m->commit_us_sum) / 1e6, commits);
    put(&o,
        "# HELP whb_commit_batch_reports_sum Reports written by all group commits.\n"
        "# TYPE whb_commit_batch_reports_sum counter\n"
        "whb_commit_batch_reports_sum %llu\n",
        (unsigned long long)atomic_load(&m->batch_reports_sum));
    put(&o,
        "# HELP whb_ingest_pending Reports waiting for a commit.\n"
        "# TYPE whb_ingest_pending gauge\nwhb_ingest_pending %u\n",
        pending);
    put(&o,
        "# HELP whb_connections_open Connections admitted and open.\n"
        "# TYPE whb_connections_open gauge\nwhb_connections_open %llu\n",
        (unsigned long long)atomic_load(&m->connections_open));
    put(&o,
        "# HELP whb_connections_refused_total Connections closed at once, by cause.\n"
        "# TYPE whb_connections_refused_total counter\n"
        "whb_connections_refused_total{cause=\"max_connections\"} %llu\n"
        "whb_connections_refused_total{cause=\"per_source\"} %llu\n",
        (unsigned long long)atomic_load(&m->connections_refused[WHB_CONN_REFUSED_CAP]),
        (unsigned long long)atomic_load(&m->connections_refused[WHB_CONN_REFUSED_SOURCE]));
    put(&o,
        "# HELP whb_connections_deadline_total Connections closed for no complete request in"
        " time.\n"
        "# TYPE whb_connections_deadline_total counter\nwhb_connections_deadline_total %llu\n",
        (unsigned long long)atomic_load(&m->deadline_closed));
    put(&o,
        "# HELP whb_machines_known Machines that ever reported.\n"
        "# TYPE whb_machines_known gauge\nwhb_machines_known %llu\n",
        (unsigned long long)known);
    put(&o,
        "# HELP whb_machines_silent Machines past their due time.\n"
        "# TYPE whb_machines_silent gauge\nwhb_machines_silent %llu\n",
        (unsigned long long)silent);
    return o.used;
}
