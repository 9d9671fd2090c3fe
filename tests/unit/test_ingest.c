/* The writer (collector/ingest/writer.c) on a real SQLite file and real libevent loops: the
 * bounded queue, group commit of at most batch_max reports, a batch written in machine-id order
 * with each machine's reports in their order, every report answered once on its port's loop
 * (also at stop), and a failed transaction answering its whole batch with the failure.
 * The store's operations are the SQLite backend's own, called through a table that notes what
 * each transaction held before passing the call on (nothing is changed). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "ingest/writer.h"
#include "sample.h"
#include "store/store.h"
#include "testdb.h"
#include "tmpdir.h"

#define T0 1764000000000LL

/* What the writer asked of the store, per transaction. */
#define SPY_MAX 256
static struct {
    pthread_mutex_t lock;
    const struct whb_store_ops *real;
    unsigned begins, commits;
    unsigned puts_in[SPY_MAX]; /* reports put in the i-th transaction */
    char id[SPY_MAX][16];      /* every put, in order: machine id and seq */
    uint64_t seq[SPY_MAX];
    unsigned nput;
} spy = {.lock = PTHREAD_MUTEX_INITIALIZER};
static struct whb_store_ops spy_ops;

static int spy_begin(struct whb_store *st)
{
    pthread_mutex_lock(&spy.lock);
    spy.begins++;
    pthread_mutex_unlock(&spy.lock);
    return spy.real->begin(st);
}

static int spy_put(struct whb_store *st, const struct whb_store_report *in,
                   struct whb_store_result *out)
{
    pthread_mutex_lock(&spy.lock);
    if (spy.begins && spy.begins <= SPY_MAX)
        spy.puts_in[spy.begins - 1]++;
    if (spy.nput < SPY_MAX) {
        snprintf(spy.id[spy.nput], sizeof(spy.id[0]), "%s", in->report->machine->machine_id);
        spy.seq[spy.nput++] = in->report->seq;
    }
    pthread_mutex_unlock(&spy.lock);
    return spy.real->put_report(st, in, out);
}

static int spy_commit(struct whb_store *st)
{
    int rc = spy.real->commit(st);
    pthread_mutex_lock(&spy.lock);
    spy.commits += rc == 0;
    pthread_mutex_unlock(&spy.lock);
    return rc;
}

static unsigned spy_begins(void)
{
    pthread_mutex_lock(&spy.lock);
    unsigned n = spy.begins;
    pthread_mutex_unlock(&spy.lock);
    return n;
}

/* Waits (at most 10 s) until the writer has begun n transactions: it holds its batch then. */
static int wait_begins(unsigned n)
{
    for (int ms = 0; ms < 10000; ms++) {
        if (spy_begins() >= n)
            return 1;
        usleep(1000);
    }
    return 0;
}

struct fixture {
    char dir[256], path[300];
    struct whb_store *store;
    struct whb_metrics metrics;
    struct whb_ingest *ing;
    struct event_base *base;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char why[256] = "";
    if (!f || test_tmpdir(f->dir, sizeof(f->dir)))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/c.db", f->dir);
    if (whb_store_sqlite.open(f->path, &f->store, why, sizeof(why))) {
        fprintf(stderr, "open: %s\n", why);
        return -1;
    }
    pthread_mutex_lock(&spy.lock);
    memset(spy.puts_in, 0, sizeof(spy.puts_in));
    spy.begins = spy.commits = spy.nput = 0;
    spy.real = f->store->ops;
    spy_ops = *f->store->ops;
    spy_ops.begin = spy_begin;
    spy_ops.put_report = spy_put;
    spy_ops.commit = spy_commit;
    f->store->ops = &spy_ops;
    pthread_mutex_unlock(&spy.lock);
    f->base = event_base_new();
    *state = f;
    return f->base ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    whb_ingest_stop(f->ing);
    event_base_free(f->base);
    f->store->ops->close(f->store);
    test_rmtree(f->dir);
    free(f);
    return 0;
}

/* One event loop and its port; answered counts the items it was handed. */
struct loop {
    struct event_base *base;
    struct whb_ingest_port *port;
    pthread_t thread;
    atomic_uint answered;
};

/* A report as the HTTP layer hands it to the writer (decoded from the wire), and what its
 * answer was. */
struct tracked {
    struct whb_ingest_item it; /* first: the done callback gets this back */
    unsigned answers;
    pthread_t answered_on;
    struct loop *answered_by;
};

static void on_done(struct whb_ingest_item *item, void *arg)
{
    struct loop *l = arg;
    struct tracked *t = (struct tracked *)item;
    t->answers++;
    t->answered_on = pthread_self();
    t->answered_by = l;
    atomic_fetch_add(&l->answered, 1);
}

static void open_port(struct fixture *f, struct loop *l, struct event_base *base)
{
    memset(l, 0, sizeof(*l));
    l->base = base;
    l->port = whb_ingest_port_new(f->ing, base, on_done, l);
    assert_non_null(l->port);
}

/* Report seq of machine m with nev events, its first one enrolling with key 0xaa. */
static struct tracked *track(struct loop *l, unsigned m, uint64_t seq, unsigned nev)
{
    struct tracked *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    assert_non_null(t->it.report = sample_report(m, seq, nev));
    t->it.port = l->port;
    t->it.in = (struct whb_store_report){.report = t->it.report,
                                         .mode = WHB_IDENTITY_KEY,
                                         .enrolling = 1,
                                         .now_ms = T0 + (int64_t)seq * 1000,
                                         .grace = 3};
    memset(t->it.in.key_hash, 0xaa, WHB_IDENTITY_HASH_LEN);
    return t;
}

static void untrack(struct tracked *t)
{
    whb_wire_report_free(t->it.report);
    free(t);
}

/* Runs the loop on this thread until it has answered want items (at most 10 s). */
static int pump(struct loop *l, unsigned want)
{
    for (int ms = 0; ms < 10000; ms++) {
        event_base_loop(l->base, EVLOOP_NONBLOCK);
        if (atomic_load(&l->answered) >= want)
            return 1;
        usleep(1000);
    }
    return 0;
}

static long long db_count(struct fixture *f, const char *sql)
{
    return testdb_count(f->path, sql);
}

/* max_pending counts reports queued and in the writer's hands: one more is refused, and
 * whb_ingest_full says so before any decoding. */
static void a_full_queue_refuses_until_a_commit_frees_it(void **state)
{
    struct fixture *f = *state;
    struct loop l;
    struct tracked *t[4];
    assert_int_equal(whb_ingest_start(f->store, 3, 16, &f->metrics, &f->ing), 0);
    open_port(f, &l, f->base);
    void *lock = testdb_lock(f->path); /* the writer waits at its transaction's start */
    assert_non_null(lock);
    assert_false(whb_ingest_full(f->ing));
    for (unsigned i = 0; i < 3; i++) {
        t[i] = track(&l, 1 + i, 1, 1);
        assert_int_equal(whb_ingest_submit(f->ing, &t[i]->it), 0);
        if (i == 0) /* the writer holds it: one in flight, two queued */
            assert_true(wait_begins(1));
    }
    assert_int_equal(whb_ingest_pending(f->ing), 3);
    assert_true(whb_ingest_full(f->ing));
    t[3] = track(&l, 4, 1, 1);
    assert_int_equal(whb_ingest_submit(f->ing, &t[3]->it), WHB_EBUSY);
    testdb_unlock(lock);

    assert_true(pump(&l, 3));
    assert_int_equal(whb_ingest_pending(f->ing), 0);
    assert_false(whb_ingest_full(f->ing));
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(t[i]->it.result.status, 0);
    assert_int_equal(db_count(f, "SELECT count(*) FROM machines"), 3);
    /* Room again: the refused report goes in now. */
    assert_int_equal(whb_ingest_submit(f->ing, &t[3]->it), 0);
    assert_true(pump(&l, 4));
    assert_int_equal(t[3]->it.result.status, 0);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(t[i]->answers, 1);
        untrack(t[i]);
    }
}

/* Reports that queued while a transaction ran are written together, at most batch_max at a
 * time: the one the writer held, then 4, 4 and 2 (it takes what is queued, waiting a moment
 * for more only when the queue holds less than a batch). */
static void queued_reports_commit_in_batches_of_at_most_batch_max(void **state)
{
    enum { MORE = 10 };
    struct fixture *f = *state;
    struct loop l;
    struct tracked *t[MORE + 1];
    assert_int_equal(whb_ingest_start(f->store, 1024, 4, &f->metrics, &f->ing), 0);
    open_port(f, &l, f->base);
    void *lock = testdb_lock(f->path);
    assert_non_null(lock);
    t[0] = track(&l, 100, 1, 1);
    assert_int_equal(whb_ingest_submit(f->ing, &t[0]->it), 0);
    assert_true(wait_begins(1));
    for (unsigned i = 1; i <= MORE; i++) {
        t[i] = track(&l, 100 + i, 1, 1);
        assert_int_equal(whb_ingest_submit(f->ing, &t[i]->it), 0);
    }
    testdb_unlock(lock);
    assert_true(pump(&l, MORE + 1));

    pthread_mutex_lock(&spy.lock);
    assert_int_equal(spy.begins, 4);
    assert_int_equal(spy.commits, 4);
    assert_int_equal(spy.puts_in[0], 1);
    assert_int_equal(spy.puts_in[1], 4);
    assert_int_equal(spy.puts_in[2], 4);
    assert_int_equal(spy.puts_in[3], 2);
    pthread_mutex_unlock(&spy.lock);
    assert_int_equal(atomic_load(&f->metrics.commits), 4);
    assert_int_equal(atomic_load(&f->metrics.batch_reports_sum), MORE + 1);
    assert_int_equal(db_count(f, "SELECT count(*) FROM events"), MORE + 1);
    for (unsigned i = 0; i <= MORE; i++) {
        assert_int_equal(t[i]->it.result.status, 0);
        assert_int_equal(t[i]->answers, 1);
        untrack(t[i]);
    }
}

/* One batch is written in machine-id order (two collectors sharing a database lock rows in one
 * order), and a machine's reports keep the order they came in. */
static void a_batch_is_written_in_machine_order_keeping_each_machines_order(void **state)
{
    static const struct {
        unsigned m;
        uint64_t seq;
    } in[] = {{5, 2}, {3, 2}, {5, 3}, {10, 2}, {3, 3}, {5, 4}};
    static const char *const want_id[] = {"m-10", "m-3", "m-3", "m-5", "m-5", "m-5"};
    static const uint64_t want_seq[] = {2, 2, 3, 2, 3, 4};
    enum { N = sizeof(in) / sizeof(in[0]) };
    struct fixture *f = *state;
    struct loop l;
    struct tracked *first[3], *t[N];
    assert_int_equal(whb_ingest_start(f->store, 1024, 64, &f->metrics, &f->ing), 0);
    open_port(f, &l, f->base);
    /* Each machine enrolls with its first report. */
    const unsigned machines[3] = {3, 5, 10};
    for (unsigned i = 0; i < 3; i++) {
        first[i] = track(&l, machines[i], 1, 1);
        assert_int_equal(whb_ingest_submit(f->ing, &first[i]->it), 0);
    }
    assert_true(pump(&l, 3));
    void *lock = testdb_lock(f->path);
    assert_non_null(lock);
    struct tracked *plug = track(&l, 1, 1, 1);
    unsigned before = spy_begins();
    assert_int_equal(whb_ingest_submit(f->ing, &plug->it), 0);
    assert_true(wait_begins(before + 1));
    pthread_mutex_lock(&spy.lock);
    unsigned put0 = spy.nput; /* the plug's put comes next, then the batch's */
    pthread_mutex_unlock(&spy.lock);
    for (unsigned i = 0; i < N; i++) {
        t[i] = track(&l, in[i].m, in[i].seq, 1);
        assert_int_equal(whb_ingest_submit(f->ing, &t[i]->it), 0);
    }
    testdb_unlock(lock);
    assert_true(pump(&l, 4 + N));

    pthread_mutex_lock(&spy.lock);
    assert_int_equal(spy.puts_in[before + 1], N); /* one batch after the plug's */
    assert_int_equal(spy.nput, put0 + 1 + N);
    for (unsigned i = 0; i < N; i++) {
        assert_string_equal(spy.id[put0 + 1 + i], want_id[i]);
        assert_int_equal(spy.seq[put0 + 1 + i], want_seq[i]);
    }
    pthread_mutex_unlock(&spy.lock);
    for (unsigned i = 0; i < N; i++) {
        assert_int_equal(t[i]->it.result.status, 0);
        assert_false(t[i]->it.result.duplicate);
        assert_int_equal(t[i]->it.result.acked_seq, in[i].seq);
        untrack(t[i]);
    }
    assert_int_equal(db_count(f, "SELECT last_seq FROM machines WHERE machine_id='m-5'"), 4);
    assert_int_equal(db_count(f, "SELECT count(*) FROM events"), 4 + N);
    for (unsigned i = 0; i < 3; i++)
        untrack(first[i]);
    untrack(plug);
}

static void *run_loop(void *arg)
{
    struct loop *l = arg;
    event_base_loop(l->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Two event loops on threads of their own, each with its port: every report is answered once,
 * by the loop that took it, on that loop's thread. */
static void every_report_is_answered_once_on_its_ports_loop(void **state)
{
    enum { N = 60 };
    struct fixture *f = *state;
    struct loop l[2];
    struct tracked *t[N];
    assert_int_equal(whb_ingest_start(f->store, 1024, 8, &f->metrics, &f->ing), 0);
    for (int k = 0; k < 2; k++) {
        struct event_base *base = event_base_new();
        assert_non_null(base);
        open_port(f, &l[k], base);
        assert_int_equal(pthread_create(&l[k].thread, NULL, run_loop, &l[k]), 0);
    }
    for (unsigned i = 0; i < N; i++) {
        t[i] = track(&l[i % 2], 200 + i / 2, 1 + i % 2, 1); /* each machine on both loops */
        assert_int_equal(whb_ingest_submit(f->ing, &t[i]->it), 0);
    }
    for (int ms = 0; ms < 10000; ms++) {
        if (atomic_load(&l[0].answered) + atomic_load(&l[1].answered) >= N)
            break;
        usleep(1000);
    }
    for (int k = 0; k < 2; k++) {
        event_base_loopbreak(l[k].base);
        pthread_join(l[k].thread, NULL);
    }
    assert_int_equal(atomic_load(&l[0].answered), N / 2);
    assert_int_equal(atomic_load(&l[1].answered), N / 2);
    for (unsigned i = 0; i < N; i++) {
        struct loop *mine = &l[i % 2];
        assert_int_equal(t[i]->answers, 1);
        assert_ptr_equal(t[i]->answered_by, mine);
        assert_true(pthread_equal(t[i]->answered_on, mine->thread));
        assert_int_equal(t[i]->it.result.status, 0);
    }
    /* Stopping answers nothing twice. */
    whb_ingest_stop(f->ing);
    f->ing = NULL;
    for (unsigned i = 0; i < N; i++) {
        assert_int_equal(t[i]->answers, 1);
        untrack(t[i]);
    }
    for (int k = 0; k < 2; k++)
        event_base_free(l[k].base);
    assert_int_equal(db_count(f, "SELECT count(*) FROM events"), N);
}

struct unlocker {
    struct whb_ingest *ing;
    void *lock;
};

/* Lets the writer go once whb_ingest_stop has begun (a stopping writer refuses submits). */
static void *unlock_when_stopping(void *arg)
{
    struct unlocker *u = arg;
    for (int ms = 0; ms < 10000 && !whb_ingest_full(u->ing); ms++)
        usleep(1000);
    testdb_unlock(u->lock);
    return NULL;
}

/* At stop, reports still queued are committed and every report is answered, on the stopping
 * thread (the loops have stopped): none is lost, none answered twice. */
static void stop_commits_and_answers_what_is_queued(void **state)
{
    enum { N = 20 };
    struct fixture *f = *state;
    struct loop l;
    struct tracked *t[N];
    assert_int_equal(whb_ingest_start(f->store, 1024, 1024, &f->metrics, &f->ing), 0);
    open_port(f, &l, f->base);
    struct unlocker u = {f->ing, testdb_lock(f->path)};
    assert_non_null(u.lock);
    t[0] = track(&l, 300, 1, 1);
    assert_int_equal(whb_ingest_submit(f->ing, &t[0]->it), 0);
    assert_true(wait_begins(1));
    for (unsigned i = 1; i < N; i++) {
        t[i] = track(&l, 300 + i, 1, 1);
        assert_int_equal(whb_ingest_submit(f->ing, &t[i]->it), 0);
    }
    assert_int_equal(whb_ingest_pending(f->ing), N);
    pthread_t unlocker;
    assert_int_equal(pthread_create(&unlocker, NULL, unlock_when_stopping, &u), 0);
    whb_ingest_stop(f->ing); /* the loop never ran */
    f->ing = NULL;
    pthread_join(unlocker, NULL);
    assert_int_equal(atomic_load(&l.answered), N);
    for (unsigned i = 0; i < N; i++) {
        assert_int_equal(t[i]->answers, 1);
        assert_true(pthread_equal(t[i]->answered_on, pthread_self()));
        assert_int_equal(t[i]->it.result.status, 0);
        untrack(t[i]);
    }
    assert_int_equal(spy.puts_in[1], N - 1); /* the queued ones, in one batch */
    assert_int_equal(db_count(f, "SELECT count(*) FROM machines"), N);
}

/* A storage error in one report fails its whole transaction: every report in it is answered
 * with the failure (503), none of it is stored, and /healthz's commit_failed_ms says when, until
 * a commit works again. The error is real: the events table is gone when the batch is written. */
static void a_failed_batch_answers_every_report_with_the_failure(void **state)
{
    struct fixture *f = *state;
    struct loop l;
    assert_int_equal(whb_ingest_start(f->store, 1024, 64, &f->metrics, &f->ing), 0);
    open_port(f, &l, f->base);
    void *lock = testdb_lock(f->path);
    assert_non_null(lock);
    struct tracked *plug = track(&l, 1, 1, 1);
    assert_int_equal(whb_ingest_submit(f->ing, &plug->it), 0);
    assert_true(wait_begins(1));
    /* m-2 (no events) is written first and would be stored on its own; m-3's events fail. */
    struct tracked *b = track(&l, 3, 1, 2), *a = track(&l, 2, 1, 0);
    assert_int_equal(whb_ingest_submit(f->ing, &b->it), 0);
    assert_int_equal(whb_ingest_submit(f->ing, &a->it), 0);
    assert_int_equal(
        sqlite3_exec(lock, "ALTER TABLE events RENAME TO events_away", NULL, NULL, NULL),
        SQLITE_OK);
    int64_t t0 = whb_clock_wall_ms();
    testdb_unlock(lock);
    assert_true(pump(&l, 3));
    int64_t t1 = whb_clock_wall_ms();

    assert_int_equal(plug->it.result.status, WHB_ESTORE);
    assert_int_equal(a->it.result.status, WHB_ESTORE);
    assert_int_equal(b->it.result.status, WHB_ESTORE);
    pthread_mutex_lock(&spy.lock);
    assert_int_equal(spy.puts_in[1], 2); /* a and b were one batch */
    assert_string_equal(spy.id[1], "m-2");
    assert_int_equal(spy.commits, 0);
    pthread_mutex_unlock(&spy.lock);
    int64_t failed = atomic_load(&f->metrics.commit_failed_ms);
    assert_true(failed >= t0 && failed <= t1);
    assert_int_equal(atomic_load(&f->metrics.commits), 0);
    /* No commit proves the store: /healthz asks it. */
    assert_false(whb_metrics_store_proven(&f->metrics, whb_clock_mono_ns() / 1000000));
    assert_int_equal(db_count(f, "SELECT count(*) FROM machines"), 0); /* m-2 rolled back */

    /* The table back: the next commit works and clears the failure. */
    assert_int_equal(testdb_exec(f->path, "ALTER TABLE events_away RENAME TO events"), 0);
    struct tracked *again = track(&l, 2, 1, 0);
    assert_int_equal(whb_ingest_submit(f->ing, &again->it), 0);
    assert_true(pump(&l, 4));
    assert_int_equal(again->it.result.status, 0);
    assert_int_equal(atomic_load(&f->metrics.commit_failed_ms), 0);
    assert_int_equal(atomic_load(&f->metrics.commits), 1);
    /* The commit proves the store for a second (/healthz answers without asking it), no more. */
    int64_t now = whb_clock_mono_ns() / 1000000;
    assert_true(whb_metrics_store_proven(&f->metrics, now));
    assert_false(whb_metrics_store_proven(&f->metrics, now + WHB_STORE_PROVEN_MS + 1));
    /* A failure after it: the failure wins until a commit works again. */
    atomic_store(&f->metrics.commit_failed_ms, whb_clock_wall_ms());
    assert_false(whb_metrics_store_proven(&f->metrics, now));
    atomic_store(&f->metrics.commit_failed_ms, 0);
    assert_int_equal(db_count(f, "SELECT count(*) FROM machines"), 1);
    untrack(plug);
    untrack(a);
    untrack(b);
    untrack(again);
}

int main(void)
{
    evthread_use_pthreads(); /* the writer wakes the loops from its thread */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_full_queue_refuses_until_a_commit_frees_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(queued_reports_commit_in_batches_of_at_most_batch_max,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_batch_is_written_in_machine_order_keeping_each_machines_order, setup, teardown),
        cmocka_unit_test_setup_teardown(every_report_is_answered_once_on_its_ports_loop, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(stop_commits_and_answers_what_is_queued, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_batch_answers_every_report_with_the_failure, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
