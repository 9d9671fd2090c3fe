/* Implementation of ingest.h with one pthread writer and a libevent wake-up per loop for
 * replies. */
#include "ingest/writer.h"

#include <event2/event.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "error.h"
#include "log.h"

struct item_list {
    struct whb_ingest_item *head, *tail;
    unsigned count;
};

/* One per event loop: its finished items and the event that wakes it for them. */
struct whb_ingest_port {
    struct whb_ingest *ing;
    struct whb_ingest_port *next;
    whb_ingest_done_fn done;
    void *done_arg;
    struct item_list finished; /* committed, waiting for the loop to reply (under ing->lock) */
    struct event *ev;
};

struct whb_ingest {
    struct whb_store *store;
    struct whb_metrics *metrics;
    unsigned max_pending, batch_max;

    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct item_list queued; /* waiting for the writer */
    unsigned in_flight;      /* taken by the writer, not finished yet */
    unsigned last_batch;     /* reports in the writer's previous commit */
    int gathering;           /* the writer waits a moment for more: no wake-up per report */
    int stopping;
    pthread_t writer;
    struct whb_ingest_port *ports;
};

static void list_append(struct item_list *l, struct whb_ingest_item *it)
{
    it->next = NULL;
    if (l->tail)
        l->tail->next = it;
    else
        l->head = it;
    l->tail = it;
    l->count++;
}

/* Takes at most n items off the front of l. */
static struct item_list list_take(struct item_list *l, unsigned n)
{
    struct item_list out = {0};
    while (l->head && out.count < n) {
        struct whb_ingest_item *it = l->head;
        l->head = it->next;
        if (!l->head)
            l->tail = NULL;
        l->count--;
        list_append(&out, it);
    }
    return out;
}

static uint64_t now_us(void)
{
    return (uint64_t)whb_clock_mono_ns() / 1000u;
}

static void fail_batch(struct whb_ingest *ing, struct item_list *batch, int status)
{
    /* /healthz says so until a commit works again. */
    atomic_store(&ing->metrics->commit_failed_ms, whb_clock_wall_ms());
    for (struct whb_ingest_item *it = batch->head; it; it = it->next)
        it->result.status = status;
}

static int machine_cmp(const struct whb_ingest_item *a, const struct whb_ingest_item *b)
{
    return strcmp(a->report->machine->machine_id, b->report->machine->machine_id);
}

/* Stable merge sort of a list by machine id: a machine's reports keep their order. */
static struct whb_ingest_item *sort_items(struct whb_ingest_item *head, unsigned n)
{
    if (n < 2)
        return head;
    struct whb_ingest_item *mid = head;
    for (unsigned i = 1; i < n / 2; i++)
        mid = mid->next;
    struct whb_ingest_item *right = mid->next;
    mid->next = NULL;
    struct whb_ingest_item *a = sort_items(head, n / 2), *b = sort_items(right, n - n / 2);
    struct whb_ingest_item *out = NULL, **tail = &out;
    while (a && b) {
        struct whb_ingest_item **take = machine_cmp(b, a) < 0 ? &b : &a;
        *tail = *take;
        tail = &(*take)->next;
        *take = (*take)->next;
    }
    *tail = a ? a : b;
    return out;
}

/* Rows are written (and, on PostgreSQL, locked) in machine-id order: two collectors sharing a
 * database, both holding reports of the same machines (agents failing over), then wait for
 * each other in one order and never deadlock. */
static void order_batch(struct item_list *batch)
{
    batch->head = sort_items(batch->head, batch->count);
    batch->tail = batch->head;
    while (batch->tail && batch->tail->next)
        batch->tail = batch->tail->next;
}

/* The batch's reports, for a store that reads their machines' rows at once (PostgreSQL: one
 * round trip rather than one per report). */
static int prepare(struct whb_store *st, const struct item_list *batch)
{
    if (!st->ops->prepare_batch || !batch->count)
        return 0;
    const whb_report **reports = malloc(batch->count * sizeof(*reports));
    if (!reports)
        return WHB_ENOMEM;
    size_t n = 0;
    for (struct whb_ingest_item *it = batch->head; it; it = it->next)
        reports[n++] = it->report;
    int rc = st->ops->prepare_batch(st, reports, n);
    free(reports);
    return rc;
}

/* One transaction for the whole batch; a storage error fails every report in it. */
static void write_batch(struct whb_ingest *ing, struct item_list *batch)
{
    struct whb_store *st = ing->store;
    uint64_t t0 = now_us();

    order_batch(batch);

    if (st->ops->begin(st) || prepare(st, batch)) {
        st->ops->rollback(st);
        fail_batch(ing, batch, WHB_ESTORE);
        return;
    }
    for (struct whb_ingest_item *it = batch->head; it; it = it->next) {
        int rc = st->ops->put_report(st, &it->in, &it->result);
        /* A refused report changed nothing: the others in the batch go on. */
        if (rc && rc != WHB_EDENIED && rc != WHB_EPROTO) {
            st->ops->rollback(st);
            fail_batch(ing, batch, WHB_ESTORE);
            return;
        }
    }
    if (st->ops->commit(st)) {
        st->ops->rollback(st);
        fail_batch(ing, batch, WHB_ESTORE);
        return;
    }
    whb_metrics_commit(ing->metrics, now_us() - t0, batch->count);
    atomic_store(&ing->metrics->commit_failed_ms, 0);
    atomic_store(&ing->metrics->commit_ok_mono_ms, whb_clock_mono_ns() / 1000000);
}

/* Under load (the previous commit held several reports) the writer waits up to this long for
 * more before it commits: a commit's fixed cost (fsync, the WAL header, a wake-up of every
 * loop) then spreads over more reports. A lone report is committed at once. */
#define GATHER_US 1000

static void gather(struct whb_ingest *ing)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += GATHER_US * 1000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    ing->gathering = 1;
    while (!ing->stopping && ing->queued.count < ing->batch_max)
        if (pthread_cond_timedwait(&ing->wake, &ing->lock, &until) == ETIMEDOUT)
            break;
    ing->gathering = 0;
}

static void *writer_main(void *arg)
{
    struct whb_ingest *ing = arg;
    pthread_setname_np(pthread_self(), "whb-writer"); /* benchmarks split CPU by thread */
    pthread_mutex_lock(&ing->lock);
    for (;;) {
        while (!ing->queued.head && !ing->stopping)
            pthread_cond_wait(&ing->wake, &ing->lock);
        if (!ing->queued.head && ing->stopping)
            break;
        if (ing->last_batch > 1 && !ing->stopping && ing->queued.count < ing->batch_max)
            gather(ing);
        struct item_list batch = list_take(&ing->queued, ing->batch_max);
        ing->in_flight = batch.count;
        ing->last_batch = batch.count;
        pthread_mutex_unlock(&ing->lock);

        write_batch(ing, &batch);

        pthread_mutex_lock(&ing->lock);
        ing->in_flight = 0;
        while (batch.head) {
            struct whb_ingest_item *it = batch.head;
            batch.head = it->next;
            if (!it->port->finished.head)
                event_active(it->port->ev, EV_READ, 0);
            list_append(&it->port->finished, it);
        }
    }
    pthread_mutex_unlock(&ing->lock);
    return NULL;
}

static void on_finished(evutil_socket_t fd, short what, void *arg)
{
    struct whb_ingest_port *port = arg;
    (void)fd;
    (void)what;
    pthread_mutex_lock(&port->ing->lock);
    struct item_list done = port->finished;
    port->finished = (struct item_list){0};
    pthread_mutex_unlock(&port->ing->lock);

    while (done.head) {
        struct whb_ingest_item *it = done.head;
        done.head = it->next;
        port->done(it, port->done_arg);
    }
}

int whb_ingest_start(struct whb_store *store, unsigned max_pending, unsigned batch_max,
                     struct whb_metrics *metrics, struct whb_ingest **out)
{
    struct whb_ingest *ing = calloc(1, sizeof(*ing));
    if (!ing)
        return WHB_ENOMEM;
    ing->store = store;
    ing->metrics = metrics;
    ing->max_pending = max_pending;
    ing->batch_max = batch_max;
    pthread_mutex_init(&ing->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ing->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&ing->writer, NULL, writer_main, ing) != 0) {
        pthread_mutex_destroy(&ing->lock);
        pthread_cond_destroy(&ing->wake);
        free(ing);
        return WHB_ENOMEM;
    }
    *out = ing;
    return 0;
}

struct whb_ingest_port *whb_ingest_port_new(struct whb_ingest *ing, struct event_base *base,
                                            whb_ingest_done_fn done, void *done_arg)
{
    struct whb_ingest_port *port = calloc(1, sizeof(*port));
    if (!port)
        return NULL;
    port->ing = ing;
    port->done = done;
    port->done_arg = done_arg;
    if (!(port->ev = event_new(base, -1, 0, on_finished, port))) {
        free(port);
        return NULL;
    }
    pthread_mutex_lock(&ing->lock);
    port->next = ing->ports;
    ing->ports = port;
    pthread_mutex_unlock(&ing->lock);
    return port;
}

int whb_ingest_submit(struct whb_ingest *ing, struct whb_ingest_item *item)
{
    pthread_mutex_lock(&ing->lock);
    if (ing->stopping || ing->queued.count + ing->in_flight >= ing->max_pending) {
        pthread_mutex_unlock(&ing->lock);
        return WHB_EBUSY;
    }
    list_append(&ing->queued, item);
    if (!ing->gathering || ing->queued.count >= ing->batch_max)
        pthread_cond_signal(&ing->wake);
    pthread_mutex_unlock(&ing->lock);
    return 0;
}

unsigned whb_ingest_pending(struct whb_ingest *ing)
{
    pthread_mutex_lock(&ing->lock);
    unsigned n = ing->queued.count + ing->in_flight;
    pthread_mutex_unlock(&ing->lock);
    return n;
}

int whb_ingest_full(struct whb_ingest *ing)
{
    pthread_mutex_lock(&ing->lock);
    int full = ing->stopping || ing->queued.count + ing->in_flight >= ing->max_pending;
    pthread_mutex_unlock(&ing->lock);
    return full;
}

void whb_ingest_stop(struct whb_ingest *ing)
{
    if (!ing)
        return;
    pthread_mutex_lock(&ing->lock);
    ing->stopping = 1;
    pthread_cond_signal(&ing->wake);
    pthread_mutex_unlock(&ing->lock);
    pthread_join(ing->writer, NULL);
    while (ing->ports) {
        struct whb_ingest_port *port = ing->ports;
        ing->ports = port->next;
        on_finished(-1, 0, port);
        event_free(port->ev);
        free(port);
    }
    pthread_mutex_destroy(&ing->lock);
    pthread_cond_destroy(&ing->wake);
    free(ing);
}

void whb_ingest_item_free(struct whb_ingest_item *item)
{
    if (!item)
        return;
    whb_wire_report_free(item->report);
    free(item);
}
