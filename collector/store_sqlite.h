/* Internal to the SQLite store: the handle both of its files use. */
#ifndef WHB_STORE_SQLITE_H
#define WHB_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

enum { WHB_SQLITE_WRITE_STMTS = 16, WHB_SQLITE_READ_STMTS = 16 };

struct sqlite_store {
    struct whb_store base;
    sqlite3 *db;
    sqlite3_stmt *st[WHB_SQLITE_WRITE_STMTS];
    sqlite3_stmt *rd[WHB_SQLITE_READ_STMTS]; /* read queries, prepared on first use */
};

/* Read operations (store_read.c). */
int whb_sqlite_get_machine(struct whb_store *s, const char *host, struct whb_machine_view *out);
int whb_sqlite_find_machines(struct whb_store *s, const char *host, struct whb_store_match *out,
                             int max, int *n);
int whb_sqlite_get_events(struct whb_store *s, const char *machine_id, int64_t from, int64_t to,
                          struct whb_hist_event *out, int max, int *n);
int whb_sqlite_get_gaps(struct whb_store *s, const char *machine_id, struct whb_store_gap *out,
                        int max, int *n);
int whb_sqlite_peer_group(struct whb_store *s, enum whb_peer_kind kind,
                          const struct whb_machine_view *m, int64_t now, int64_t anchor,
                          int64_t window, int with_gaps, struct whb_peer_group *out);
int whb_sqlite_each_machine(struct whb_store *s, const struct whb_store_filter *f, int64_t now,
                            whb_store_machine_fn fn, void *arg);
int whb_sqlite_wsus_failing(struct whb_store *s, const char *cls, int64_t now, unsigned *n);
int whb_sqlite_wsus_import(struct whb_store *s, const struct whb_wsus_computer *rows, size_t n,
                           int64_t now);
void whb_sqlite_read_finalize(struct whb_store *s);

#endif
