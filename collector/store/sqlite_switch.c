/* The SQLite store's side of the switches' word (switch_rows.h has the SQL and the rows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store/sqlite.h"
#include "store/switch_rows.h"

_Static_assert((int)SW_COUNT_ <= (int)WHB_SQLITE_SWITCH_STMTS, "raise WHB_SQLITE_SWITCH_STMTS");

static sqlite3_stmt *stmt(struct whb_store *base, enum sw_stmt id)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    if (!s->sw[id] && sqlite3_prepare_v3(s->db, whb_store_sw_sql(id), -1, SQLITE_PREPARE_PERSISTENT,
                                         &s->sw[id], NULL)) {
        whb_log_error("store: prepare: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    sqlite3_reset(s->sw[id]);
    sqlite3_clear_bindings(s->sw[id]);
    return s->sw[id];
}

void whb_sqlite_switch_finalize(struct sqlite_store *s)
{
    for (int i = 0; i < SW_COUNT_; i++)
        sqlite3_finalize(s->sw[i]);
}

struct binder {
    sqlite3_stmt *st;
    int n;
};

static void bind_i(void *ctx, int64_t v)
{
    struct binder *b = ctx;
    sqlite3_bind_int64(b->st, ++b->n, v);
}

static void bind_t(void *ctx, const char *v)
{
    struct binder *b = ctx;
    sqlite3_bind_text(b->st, ++b->n, v, -1, SQLITE_TRANSIENT);
}

static int step_done(struct whb_store *base, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        whb_log_error("store: switch: %s", sqlite3_errmsg(((struct sqlite_store *)base)->db));
        return WHB_ESTORE;
    }
    return 0;
}

int whb_sqlite_put_switch(struct whb_store *base, const struct whb_switch_event *ev,
                          const struct whb_switch_port *port, int keep_event)
{
    sqlite3_stmt *st = NULL;
    struct binder b = {NULL, 0};
    struct sw_bind sb = {&b, bind_i, bind_t};
    char key[WHB_PORT_KEY_MAX + 2], pkey[WHB_PORT_KEY_MAX + 2];
    if (keep_event) {
        if (!(st = stmt(base, SW_INSERT_EVENT)))
            return WHB_ESTORE;
        b.st = st;
        whb_store_sw_key(ev->port, ev->ifindex, key, sizeof(key));
        whb_store_sw_bind_event(&sb, ev, key);
        if (step_done(base, st))
            return WHB_ESTORE;
    }
    if (!port)
        return 0;
    if (port->name[0] && port->ifindex > 0) {
        char numbered[24];
        snprintf(numbered, sizeof(numbered), "#%d", (int)port->ifindex);
        if (!(st = stmt(base, SW_DROP_NUMBERED)))
            return WHB_ESTORE;
        sqlite3_bind_text(st, 1, ev->sw, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, numbered, -1, SQLITE_TRANSIENT);
        if (step_done(base, st))
            return WHB_ESTORE;
    }
    if (!(st = stmt(base, SW_UPSERT_PORT)))
        return WHB_ESTORE;
    b = (struct binder){st, 0};
    whb_store_sw_key(port->name, port->ifindex, pkey, sizeof(pkey));
    whb_store_sw_bind_port(&sb, ev->sw, port, pkey);
    return step_done(base, st);
}

static int64_t col_i(void *ctx, int col)
{
    return sqlite3_column_int64(ctx, col);
}

static void col_t(void *ctx, int col, char *out, size_t len)
{
    whb_sqlite_text(ctx, col, out, len);
}

int whb_sqlite_switch_port(struct whb_store *base, const char *sw, const char *port,
                           int32_t ifindex, struct whb_switch_port *out)
{
    char key[WHB_PORT_KEY_MAX + 2];
    whb_store_sw_key(port, 0, key, sizeof(key));
    sqlite3_stmt *st = stmt(base, key[0] ? SW_PORT : SW_PORT_BY_IFINDEX);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, sw, -1, SQLITE_TRANSIENT);
    if (key[0])
        sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 2, ifindex);
    int found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        struct sw_row r = {st, col_i, col_t};
        whb_store_sw_port_row(&r, out);
    }
    sqlite3_reset(st);
    return found ? 0 : WHB_ENOTFOUND;
}

int whb_sqlite_switch_events(struct whb_store *base, const char *sw, const char *port,
                             int32_t ifindex, int64_t from, int64_t to,
                             struct whb_switch_event *out, int max, int *n)
{
    char key[WHB_PORT_KEY_MAX + 2], numbered[24];
    whb_store_sw_key(port, 0, key, sizeof(key));
    snprintf(numbered, sizeof(numbered), "#%d", ifindex > 0 ? (int)ifindex : -1);
    sqlite3_stmt *st = stmt(base, SW_EVENTS);
    *n = 0;
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, sw, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, key[0] ? key : numbered, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, numbered, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, from);
    sqlite3_bind_int64(st, 5, to);
    sqlite3_bind_int(st, 6, max);
    struct sw_row r = {st, col_i, col_t};
    while (*n < max && sqlite3_step(st) == SQLITE_ROW)
        whb_store_sw_event_row(&r, &out[(*n)++]);
    sqlite3_reset(st);
    /* Newest first from the query; ascending for the caller. */
    for (int i = 0, j = *n - 1; i < j; i++, j--) {
        struct whb_switch_event t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    return 0;
}

int whb_sqlite_each_switch_port(struct whb_store *base, const char *sw, whb_store_switch_port_fn fn,
                                void *arg)
{
    sqlite3_stmt *st = stmt(base, SW_PORTS);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, sw, -1, SQLITE_TRANSIENT);
    struct sw_row r = {st, col_i, col_t};
    struct whb_switch_port p;
    while (sqlite3_step(st) == SQLITE_ROW) {
        whb_store_sw_port_row(&r, &p);
        if (fn(&p, arg))
            break;
    }
    sqlite3_reset(st);
    return 0;
}

int whb_sqlite_prune_switch(struct whb_store *base, int64_t before_ms)
{
    sqlite3_stmt *st = stmt(base, SW_PRUNE);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_int64(st, 1, before_ms);
    return step_done(base, st);
}

int whb_sqlite_switch_name_at(struct whb_store *base, const char *address, char *name, size_t len)
{
    sqlite3_stmt *st = stmt(base, SW_NAME_AT);
    if (!st)
        return WHB_ESTORE;
    sqlite3_bind_text(st, 1, address, -1, SQLITE_TRANSIENT);
    int found = sqlite3_step(st) == SQLITE_ROW;
    if (found)
        whb_sqlite_text(st, 0, name, len);
    sqlite3_reset(st);
    return found && name[0] ? 0 : WHB_ENOTFOUND;
}
