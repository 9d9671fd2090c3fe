/* Internal to store/ (the SQLite backend): the handle its files use. */
#ifndef WHB_STORE_SQLITE_H
#define WHB_STORE_SQLITE_H

#include <sqlite3.h>

#include "store/census.h"
#include "store/store.h"

enum {
    WHB_SQLITE_WRITE_STMTS = 24,
    WHB_SQLITE_READ_STMTS = 56,
    WHB_SQLITE_WSUS_STMTS = 24,
    WHB_SQLITE_WU_STMTS = 8,
    WHB_SQLITE_ADMIN_STMTS = 20,
    WHB_SQLITE_SWITCH_STMTS = 12
};

struct sqlite_store {
    struct whb_store base;
    sqlite3 *db;
    sqlite3_stmt *st[WHB_SQLITE_WRITE_STMTS];
    sqlite3_stmt *rd[WHB_SQLITE_READ_STMTS];   /* read queries, prepared on first use */
    sqlite3_stmt *ws[WHB_SQLITE_WSUS_STMTS];   /* WSUS list and IP queries (store_wsus.c) */
    sqlite3_stmt *wu[WHB_SQLITE_WU_STMTS];     /* update client queries (sqlite_wu.c) */
    sqlite3_stmt *sw[WHB_SQLITE_SWITCH_STMTS]; /* the switches' word (sqlite_switch.c) */
    sqlite3_stmt *ad[WHB_SQLITE_ADMIN_STMTS];  /* identities over their lives (sqlite_admin.c) */
};

/* Read operations (store_read.c). */
int whb_sqlite_lookup_name(struct whb_store *base, enum whb_store_name_kind kind, const char *key,
                           struct whb_machine_view *found, int max, int *n);
int whb_sqlite_get_events(struct whb_store *s, const char *machine_id, int64_t from, int64_t to,
                          struct whb_hist_event *out, int max, int *n);
int whb_sqlite_get_gaps(struct whb_store *s, const char *machine_id, struct whb_store_gap *out,
                        int max, int *n);
int whb_sqlite_peer_group(struct whb_store *s, enum whb_peer_kind kind,
                          const struct whb_machine_view *m, int64_t now, int64_t anchor,
                          int64_t window, int with_gaps, struct whb_peer_group *out);
int whb_sqlite_fleet_group(struct whb_store *s, int64_t now, int64_t anchor, int64_t window,
                           int64_t ended, struct whb_peer_group *out);
int whb_sqlite_collectors(struct whb_store *s, whb_store_collector_fn fn, void *arg);
int whb_sqlite_fleet_rows(struct whb_store *s, whb_store_census_fn fn, void *arg);
/* count_machines' counts (census.h's whb_census_count_fn). */
int whb_sqlite_count(struct whb_store *s, enum whb_census_count what, int64_t arg, uint64_t *n);
int whb_sqlite_downtimes(struct whb_store *s, int64_t from, int64_t to, struct whb_downtime *out,
                         int max, int *n);
int whb_sqlite_each_machine(struct whb_store *s, const struct whb_store_filter *f, int64_t now,
                            whb_store_machine_fn fn, void *arg);
int whb_sqlite_network_groups(struct whb_store *s, int wireless, int64_t now, whb_store_group_fn fn,
                              void *arg);
int whb_sqlite_wsus_summary(struct whb_store *s, int64_t stale_before, uint64_t *listed,
                            uint64_t *not_reported, uint64_t *with_agent);
int whb_sqlite_wsus_failing(struct whb_store *s, const char *cls, int64_t now, unsigned *n);
void whb_sqlite_read_finalize(struct whb_store *s);
/* A text column into a bounded buffer ("" for NULL). */
void whb_sqlite_text(sqlite3_stmt *st, int col, char *out, size_t len);

/* WSUS list in parts, matching and IP addresses (store_wsus.c). */
int whb_sqlite_wsus_stage(struct whb_store *s, const char *session, unsigned part,
                          const struct whb_wsus_computer *rows, size_t n, int64_t now, char *why,
                          size_t whylen);
int whb_sqlite_wsus_find(struct whb_store *s, const char *host, struct whb_wsus_computer *out,
                         int max, int *n);
int whb_sqlite_each_name(struct whb_store *s, int wsus, whb_store_name_walk_fn fn, void *arg);
int whb_sqlite_wsus_finish(struct whb_store *s, const char *session, int64_t now,
                           uint64_t *imported, struct whb_wsus_change *change);
int whb_sqlite_wsus_not_reported(struct whb_store *s, int64_t cutoff_ms, unsigned offset,
                                 unsigned limit, whb_store_wsus_fn fn, void *arg, uint64_t *total,
                                 uint64_t *imported, int64_t *imported_ms);
int whb_sqlite_wsus_match(struct whb_store *s, const struct whb_wsus_computer *c, int64_t slack_ms,
                          struct whb_wsus_match *out);
int whb_sqlite_machine_by_ip(struct whb_store *s, const char *ip, int64_t now, char *machine_id,
                             size_t idlen, char *why, size_t whylen);
/* Inside the writer's transaction: the addresses of the machine's adapters, with when. */
int whb_sqlite_note_ips(struct sqlite_store *s, const char *machine_id, const whb_snapshot *snap,
                        int64_t now);
void whb_sqlite_wsus_finalize(struct sqlite_store *s);

/* The switches' events and ports (sqlite_switch.c). */
int whb_sqlite_put_switch(struct whb_store *s, const struct whb_switch_event *ev,
                          const struct whb_switch_port *port, int keep_event);
int whb_sqlite_switch_port(struct whb_store *s, const char *sw, const char *port, int32_t ifindex,
                           struct whb_switch_port *out);
int whb_sqlite_switch_events(struct whb_store *s, const char *sw, const char *port, int32_t ifindex,
                             int64_t from, int64_t to, struct whb_switch_event *out, int max,
                             int *n);
int whb_sqlite_each_switch_port(struct whb_store *s, const char *sw, whb_store_switch_port_fn fn,
                                void *arg);
int whb_sqlite_prune_switch(struct whb_store *s, int64_t before_ms);
int whb_sqlite_switch_name_at(struct whb_store *s, const char *address, char *name, size_t len);
void whb_sqlite_switch_finalize(struct sqlite_store *s);

/* Identities over their lives (sqlite_admin.c): the store ops, and the put ops the writer uses
 * (ctx is the sqlite_store). */
int whb_sqlite_key_known(struct whb_store *s, const uint8_t hash[WHB_IDENTITY_HASH_LEN]);
int whb_sqlite_enrollments(struct whb_store *s, int all, unsigned limit, whb_store_enrollment_fn fn,
                           void *arg);
int whb_sqlite_admin(struct whb_store *s, enum whb_store_admin action, const char *machine_id,
                     int64_t now, uint8_t key_hash[WHB_IDENTITY_HASH_LEN], int *had_key);
int whb_sqlite_refusals(struct whb_store *s, const char *machine_id, struct whb_store_refusal *out,
                        int max, int *n);
int whb_sqlite_refuse(void *ctx, const char *owner_id, const char *cause, const char *claimant,
                      const char *source, int64_t now);
int whb_sqlite_wsus_listed(void *ctx, const char *fqdn, int *listed, char *ip, size_t iplen);
int whb_sqlite_rebind(void *ctx, const struct whb_store_report *in);
int whb_sqlite_drop(void *ctx, const char *machine_id);
int64_t whb_sqlite_prune(void *ctx, const char *machine_id, int64_t count);
void whb_sqlite_admin_finalize(struct sqlite_store *s);

/* The Windows Update clients (sqlite_wu.c). */
int whb_sqlite_wu_same_id(struct whb_store *s, const char *sus_id, struct whb_store_match *out,
                          int max, int *n);
int whb_sqlite_wu_fleet(struct whb_store *s, int64_t now, int64_t window, struct whb_wu_fleet *out);
int whb_sqlite_wsus_by_id(struct whb_store *s, const char *id, struct whb_wsus_computer *out);
void whb_sqlite_wu_finalize(struct sqlite_store *s);

#endif
