/* Internal to store/ (the PostgreSQL backend): the handle its files share, parameters and result
 * helpers. One connection per handle (the writer and the HTTP thread each open their own);
 * every statement is prepared once per connection. */
#ifndef WHB_STORE_PG_H
#define WHB_STORE_PG_H

#include <stddef.h>
#include <stdint.h>

#include "store/census.h"
#include "store/logic.h"
#include "store/store.h"

#include <libpq-fe.h>

enum { WHB_PG_STMTS = 168, WHB_PG_MAX_PARAMS = 96, WHB_PG_PIPE_MAX = 256 };

/* A machine's row as a batch read it (pg.c): the reports of the batch take it from here. */
struct pg_batch_row {
    char machine_id[WHB_WIRE_MAX_ID + 1];
    int used; /* a report took it: a second one of the machine reads the row again */
    struct whb_store_row row;
    /* A new machine (row.found 0): the name its first report gives, and the machine that name
     * clashes with, as the batch read them at once (pg.c's batch_clashes; owner "" if none). */
    char fqdn[WHB_WIRE_MAX_FQDN + 1];
    char owner[WHB_WIRE_MAX_ID + 1], owner_fqdn[WHB_WIRE_MAX_FQDN + 1];
    int owner_released;
};

/* A machine the batch enrolled: later new machines' names are checked against it too. */
struct pg_named {
    char machine_id[WHB_WIRE_MAX_ID + 1];
    char fqdn[WHB_WIRE_MAX_FQDN + 1];
};

struct pg_batch;

struct pg_store {
    struct whb_store base;
    PGconn *conn;
    unsigned char prepared[WHB_PG_STMTS]; /* 1 once statement i is prepared on conn */
    int in_tx;                            /* inside begin..commit: never reconnect then */
    /* Inside a transaction, statements whose results only say "done" go out in libpq's
     * pipeline mode without waiting (whb_pg_queue): a batch of reports is two round trips
     * (its rows, then its writes and COMMIT), not two per report. queued[] says what each
     * result still to read answers (a statement id, or -1 for text such as COMMIT). */
    int piped;
    int queued[WHB_PG_PIPE_MAX];
    unsigned n_queued;
    struct pg_batch_row *batch; /* the batch's rows, by machine id (prepare_batch) */
    size_t n_batch, cap_batch;
    /* The name clashes read with the rows hold while the batch changes no name but by
     * enrolling (named): a rename, a rebind or a dropped machine makes later ones ask. */
    int clashes_valid;
    struct pg_named *named;
    size_t n_named, cap_named;
    const struct pg_batch_row *binding; /* the new machine being bound, clash read with it */
    int64_t bound_stored;               /* its row's events_stored, for insert_events */
    struct pg_batch *gather;            /* what the batch's reports write, as arrays (pg_batch.c) */
    struct pg_ahead *ahead;             /* answers read ahead (pg_ahead.c), or NULL */
};

/* Statement numbers: each file owns a range. */
enum {
    WHB_PG_WRITE_BASE = 0,
    WHB_PG_READ_BASE = 32,
    WHB_PG_WSUS_BASE = 72,
    WHB_PG_WU_BASE = 104,
    WHB_PG_ADMIN_BASE = 112,
    WHB_PG_SWITCH_BASE = 144,
    WHB_PG_BATCH_BASE = 160
};
/* The writer's batch (pg.c, pg_batch.c): its rows read at once, its writes as arrays. */
enum {
    WHB_PG_BATCH_GET = WHB_PG_BATCH_BASE,
    WHB_PG_BATCH_UPDATE,
    WHB_PG_BATCH_EVENTS,
    WHB_PG_BATCH_LOCK,
    WHB_PG_BATCH_INSERT,
    WHB_PG_BATCH_CLASH,
    WHB_PG_BATCH_END_
};
_Static_assert((int)WHB_PG_BATCH_END_ <= (int)WHB_PG_STMTS, "raise WHB_PG_STMTS");

struct pg_params {
    int n;
    const char *v[WHB_PG_MAX_PARAMS];
    int len[WHB_PG_MAX_PARAMS], fmt[WHB_PG_MAX_PARAMS];
    char num[WHB_PG_MAX_PARAMS][24];
};

void whb_pg_int(struct pg_params *p, int64_t v);
/* Text, or NULL for NULL; opt: "" is NULL too (as the SQLite store binds optional text). */
void whb_pg_text(struct pg_params *p, const char *v);
void whb_pg_opt(struct pg_params *p, const char *v);
void whb_pg_bytes(struct pg_params *p, const void *v, size_t len);

/* Runs statement id (sql prepared on first use); NULL on error (logged). The caller clears. */
PGresult *whb_pg_run(struct pg_store *s, int id, const char *sql, const struct pg_params *p);
/* Prepares statement id on the connection once: 0, or WHB_ESTORE (logged). */
int whb_pg_prepare(struct pg_store *s, int id, const char *sql);
/* Runs a command: 0, or WHB_ESTORE. */
int whb_pg_cmd(struct pg_store *s, int id, const char *sql, const struct pg_params *p);
/* A command inside the open transaction whose result is only "done": sent in pipeline mode
 * without waiting (its failure fails the transaction, so COMMIT reports it); outside a
 * transaction, whb_pg_cmd. */
int whb_pg_queue(struct pg_store *s, int id, const char *sql, const struct pg_params *p);
/* SQL text without parameters (BEGIN, COMMIT) into the pipeline. */
int whb_pg_queue_text(struct pg_store *s, const char *sql);
/* Reads every result of the pipeline and leaves pipeline mode: 0, or WHB_ESTORE when one of
 * them failed. each (may be NULL) sees each result in order, with its statement id (-1 for
 * text); the last result's command status goes to status (may be NULL). */
int whb_pg_drain(struct pg_store *s, void (*each)(void *arg, int id, const PGresult *r), void *arg,
                 char *status, size_t len);
/* Runs SQL text without parameters (BEGIN, COMMIT...): 0 or WHB_ESTORE. */
int whb_pg_exec(struct pg_store *s, const char *sql);
/* The session settings every connection runs with (after connecting and reconnecting). */
int whb_pg_session_setup(struct pg_store *s);
/* A dropped connection (the database restarted, or failed over) is opened again before the
 * next transaction or read, never inside one. */
int whb_pg_reconnect(struct pg_store *s);
int64_t whb_pg_get_int(const PGresult *r, int row, int col);
void whb_pg_get_text(const PGresult *r, int row, int col, char *out, size_t len);
int whb_pg_is_null(const PGresult *r, int row, int col);

/* The writer's batch (pg_batch.c): inside a transaction, a report's row and its events are
 * gathered, and sent as one statement each when the transaction needs the database again
 * (a statement that reads, or COMMIT: whb_pg_run, whb_pg_exec and whb_pg_drain send them). */
/* The whole row (snap: the report's packed snapshot), and live_fp to store with it. */
int whb_pg_batch_write(struct pg_store *s, const struct whb_store_report *in, int64_t due,
                       const struct whb_net_story *net, const struct whb_clock_map *cm,
                       const struct whb_machine_view *v, const struct whb_store_quota *q,
                       const uint8_t *snap, size_t snap_len, uint64_t live_fp);
/* The moving columns alone, and the report's addresses: its wide columns are as stored. */
int whb_pg_batch_live(struct pg_store *s, const struct whb_store_report *in, int64_t due,
                      const struct whb_net_story *net, const struct whb_clock_map *cm,
                      const struct whb_store_quota *q);
int whb_pg_batch_events(struct pg_store *s, const struct whb_store_report *in,
                        const struct whb_clock_map *cm);
int whb_pg_batch_touch(struct pg_store *s, const struct whb_store_report *in, int64_t alive,
                       int64_t due, const struct whb_net_story *net, const struct whb_clock_map *cm,
                       const struct whb_store_quota *q);
int whb_pg_batch_gap(struct pg_store *s, const struct whb_store_report *in,
                     const struct whb_store_row *row, const struct whb_machine_view *after);
/* A new machine's row (the batch holds its lock: no other batch enrolls it meanwhile). */
int whb_pg_batch_insert(struct pg_store *s, const struct whb_store_report *in, int64_t due);
/* Whether new machines' rows are gathered and not yet sent: a statement about them waits. */
int whb_pg_batch_inserting(const struct pg_store *s);
int whb_pg_batch_flush(struct pg_store *s);
void whb_pg_batch_drop(struct pg_store *s);
void whb_pg_batch_free(struct pg_store *s);

/* Read-ahead (pg_ahead.c): statements a caller is about to run, queued with their parameters
 * and sent together in libpq's pipeline mode (one round trip for all). Each answer is kept
 * until whb_pg_run is asked for that statement with byte-identical parameters, once, or until
 * cleared; any other call reads for itself. */
int whb_pg_ahead_add(struct pg_store *s, int id, const char *sql, const struct pg_params *p);
int whb_pg_ahead_send(struct pg_store *s);
PGresult *whb_pg_ahead_take(struct pg_store *s, int id, const struct pg_params *p);
void whb_pg_ahead_clear(struct pg_store *s);
void whb_pg_ahead_free(struct pg_store *s);
/* What explaining these silent machines reads of each file's tables, queued (pg_read.c,
 * pg_admin.c, pg_switch.c). */
int whb_pg_ahead_reads(struct pg_store *s, const struct whb_read_ahead *r);
int whb_pg_ahead_refusals(struct pg_store *s, const struct whb_read_ahead *r);
int whb_pg_ahead_switch(struct pg_store *s, const struct whb_read_ahead *r);

/* Read side (store_pg_read.c). */
int whb_pg_lookup_name(struct whb_store *base, enum whb_store_name_kind kind, const char *key,
                       struct whb_machine_view *found, int max, int *n);
int whb_pg_get_events(struct whb_store *s, const char *machine_id, int64_t from, int64_t to,
                      struct whb_hist_event *out, int max, int *n);
int whb_pg_get_gaps(struct whb_store *s, const char *machine_id, struct whb_store_gap *out, int max,
                    int *n);
int whb_pg_peer_group(struct whb_store *s, enum whb_peer_kind kind,
                      const struct whb_machine_view *m, int64_t now, int64_t anchor, int64_t window,
                      int with_gaps, struct whb_peer_group *out);
int whb_pg_fleet_group(struct whb_store *s, int64_t now, int64_t anchor, int64_t window,
                       int64_t ended, struct whb_peer_group *out);
int whb_pg_collectors(struct whb_store *s, whb_store_collector_fn fn, void *arg);
int whb_pg_fleet_rows(struct whb_store *s, whb_store_census_fn fn, void *arg);
/* count_machines' counts (census.h's whb_census_count_fn). */
int whb_pg_count(struct whb_store *s, enum whb_census_count what, int64_t arg, uint64_t *n);
int whb_pg_downtimes(struct whb_store *s, int64_t from, int64_t to, struct whb_downtime *out,
                     int max, int *n);
int whb_pg_each_machine(struct whb_store *s, const struct whb_store_filter *f, int64_t now,
                        whb_store_machine_fn fn, void *arg);
int whb_pg_network_groups(struct whb_store *s, int wireless, int64_t now, whb_store_group_fn fn,
                          void *arg);
int whb_pg_wsus_summary(struct whb_store *s, int64_t stale_before, uint64_t *listed,
                        uint64_t *not_reported, uint64_t *with_agent);
int whb_pg_wsus_failing(struct whb_store *s, const char *cls, int64_t now, unsigned *n);

/* WSUS list, matching and IP addresses (store_pg_wsus.c). */
int whb_pg_wsus_stage(struct whb_store *s, const char *session, unsigned part,
                      const struct whb_wsus_computer *rows, size_t n, int64_t now, char *why,
                      size_t whylen);
int whb_pg_wsus_finish(struct whb_store *s, const char *session, int64_t now, uint64_t *imported,
                       struct whb_wsus_change *change);
int whb_pg_wsus_find(struct whb_store *s, const char *host, struct whb_wsus_computer *out, int max,
                     int *n);
int whb_pg_each_name(struct whb_store *s, int wsus, whb_store_name_walk_fn fn, void *arg);
int whb_pg_wsus_not_reported(struct whb_store *s, int64_t cutoff_ms, unsigned offset,
                             unsigned limit, whb_store_wsus_fn fn, void *arg, uint64_t *total,
                             uint64_t *imported, int64_t *imported_ms);
int whb_pg_wsus_match(struct whb_store *s, const struct whb_wsus_computer *c, int64_t slack_ms,
                      struct whb_wsus_match *out);
int whb_pg_machine_by_ip(struct whb_store *s, const char *ip, int64_t now, char *machine_id,
                         size_t idlen, char *why, size_t whylen);
/* The switches' events and ports (pg_switch.c). */
int whb_pg_put_switch(struct whb_store *s, const struct whb_switch_event *ev,
                      const struct whb_switch_port *port, int keep_event);
int whb_pg_switch_port(struct whb_store *s, const char *sw, const char *port, int32_t ifindex,
                       struct whb_switch_port *out);
int whb_pg_switch_events(struct whb_store *s, const char *sw, const char *port, int32_t ifindex,
                         int64_t from, int64_t to, struct whb_switch_event *out, int max, int *n);
int whb_pg_each_switch_port(struct whb_store *s, const char *sw, whb_store_switch_port_fn fn,
                            void *arg);
int whb_pg_prune_switch(struct whb_store *s, int64_t before_ms);
int whb_pg_switch_name_at(struct whb_store *s, const char *address, char *name, size_t len);

/* The Windows Update clients (pg_wu.c). */
int whb_pg_wu_same_id(struct whb_store *s, const char *sus_id, struct whb_store_match *out, int max,
                      int *n);
int whb_pg_wu_fleet(struct whb_store *s, int64_t now, int64_t window, struct whb_wu_fleet *out);
int whb_pg_wsus_by_id(struct whb_store *s, const char *id, struct whb_wsus_computer *out);
/* The addresses of the machine's adapters worth noting, as a PostgreSQL text[] literal. */
int whb_pg_ip_array(const whb_snapshot *snap, char *out, size_t len);

/* Identities over their lives (pg_admin.c): the store ops, and the put ops the writer uses
 * (ctx is the pg_store). */
int whb_pg_key_known(struct whb_store *s, const uint8_t hash[WHB_IDENTITY_HASH_LEN]);
int whb_pg_enrollments(struct whb_store *s, int all, unsigned limit, whb_store_enrollment_fn fn,
                       void *arg);
int whb_pg_admin(struct whb_store *s, enum whb_store_admin action, const char *machine_id,
                 int64_t now, uint8_t key_hash[WHB_IDENTITY_HASH_LEN], int *had_key);
int whb_pg_refusals(struct whb_store *s, const char *machine_id, struct whb_store_refusal *out,
                    int max, int *n);
int whb_pg_refuse(void *ctx, const char *owner_id, const char *cause, const char *claimant,
                  const char *source, int64_t now);
int whb_pg_wsus_listed(void *ctx, const char *fqdn, int *listed, char *ip, size_t iplen);
int whb_pg_rebind(void *ctx, const struct whb_store_report *in);
int whb_pg_drop(void *ctx, const char *machine_id);
int64_t whb_pg_prune(void *ctx, const char *machine_id, int64_t count);

#endif
