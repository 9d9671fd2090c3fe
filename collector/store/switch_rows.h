/* Internal to store/: the switches' events and ports (issue 24) as both backends store them:
 * one set of SQL (SQLite's ?N; the PostgreSQL backend writes $N) and one way to read a row,
 * through the backend's column getters. */
#ifndef WHB_STORE_SWITCH_ROWS_H
#define WHB_STORE_SWITCH_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "switch/ports.h"

enum sw_stmt {
    SW_INSERT_EVENT,
    SW_UPSERT_PORT,
    SW_DROP_NUMBERED, /* the "#ifIndex" row of a port whose name is known now */
    SW_PORT,
    SW_PORT_BY_IFINDEX,
    SW_EVENTS,
    SW_PORTS,
    SW_PRUNE,
    SW_NAME_AT,
    SW_COUNT_
};

/* Statement id's SQL with ?N parameters. */
const char *whb_store_sw_sql(enum sw_stmt id);

/* The key a port row or event is stored under: its name's key, "#N" for ifIndex N alone, ""
 * for the whole switch. */
void whb_store_sw_key(const char *port, int32_t ifindex, char *key, size_t len);

/* A backend's row, column by column. */
struct sw_row {
    void *ctx;
    int64_t (*i)(void *ctx, int col);
    void (*t)(void *ctx, int col, char *out, size_t len);
};

void whb_store_sw_event_row(const struct sw_row *r, struct whb_switch_event *ev);
void whb_store_sw_port_row(const struct sw_row *r, struct whb_switch_port *p);

/* The parameters of SW_INSERT_EVENT and SW_UPSERT_PORT, in order, as a backend binds them:
 * each is an integer or text (never NULL). key is the row's key (whb_store_sw_key), the
 * caller's buffer, so that a backend may keep pointers to every text until it runs. */
struct sw_bind {
    void *ctx;
    void (*i)(void *ctx, int64_t v);
    void (*t)(void *ctx, const char *v);
};
void whb_store_sw_bind_event(const struct sw_bind *b, const struct whb_switch_event *ev,
                             const char *key);
void whb_store_sw_bind_port(const struct sw_bind *b, const char *sw,
                            const struct whb_switch_port *p, const char *key);

#endif
