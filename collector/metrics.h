/* Counters for GET /metrics (Prometheus text format). Written by the HTTP and writer threads,
 * so every field is atomic. */
#ifndef WHB_METRICS_H
#define WHB_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define WHB_REJECT_CAUSES(X)                                                                       \
    X(MALFORMED, "malformed")                                                                      \
    X(DENIED, "denied")                                                                            \
    X(OVERLOAD, "overload")                                                                        \
    X(METHOD, "method")                                                                            \
    X(STORE, "store")                                                                              \
    X(QUOTA, "quota")

enum whb_reject_cause {
#define WHB_REJ_ENUM_(n, s) WHB_REJECT_##n,
    WHB_REJECT_CAUSES(WHB_REJ_ENUM_)
#undef WHB_REJ_ENUM_
        WHB_REJECT_COUNT_
};

enum whb_conn_refusal { WHB_CONN_REFUSED_CAP, WHB_CONN_REFUSED_SOURCE, WHB_CONN_REFUSED_COUNT_ };

#define WHB_COMMIT_BUCKETS 8

struct whb_metrics {
    atomic_uint_fast64_t accepted;
    atomic_uint_fast64_t duplicates;
    atomic_uint_fast64_t rejected[WHB_REJECT_COUNT_];
    atomic_uint_fast64_t commits;
    atomic_uint_fast64_t commit_us_sum;
    atomic_uint_fast64_t commit_bucket[WHB_COMMIT_BUCKETS]; /* cumulative per le bound */
    atomic_uint_fast64_t batch_reports_sum;
    atomic_uint_fast64_t connections_open;
    atomic_uint_fast64_t connections_refused[WHB_CONN_REFUSED_COUNT_];
    atomic_uint_fast64_t deadline_closed;  /* no complete request within the timeout */
    atomic_int_fast64_t commit_failed_ms;  /* when the last group commit failed; 0: it worked */
    atomic_int_fast64_t commit_ok_mono_ms; /* when the last group commit worked (monotonic) */
};

void whb_metrics_commit(struct whb_metrics *m, uint64_t micros, size_t batch);

/* How recent a group commit must be to prove that a report can be stored now. */
#define WHB_STORE_PROVEN_MS 1000

/* Whether a commit that worked at most WHB_STORE_PROVEN_MS before mono_ms (monotonic) proves
 * that the store takes reports, with none failed since: /healthz then need not ask a busy
 * store (a saturated PostgreSQL server answered its ping in 15-17 ms under load). */
int whb_metrics_store_proven(const struct whb_metrics *m, int64_t mono_ms);

/* Writes the text exposition into buf; machine gauges are read from the store by the caller. */
size_t whb_metrics_render(const struct whb_metrics *m, uint64_t known, uint64_t silent,
                          unsigned pending, char *buf, size_t len);

#endif
