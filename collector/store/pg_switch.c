/* The PostgreSQL store's side of the switches' word (switch_rows.h has the SQL and the rows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "store/pg.h"
#include "store/switch_rows.h"

_Static_assert(WHB_PG_SWITCH_BASE + SW_COUNT_ <= WHB_PG_BATCH_BASE,
               "switch statements overlap others");

/* The shared SQL with PostgreSQL's $N for SQLite's ?N. */
static void pg_sql(enum sw_stmt id, char *sql, size_t len)
{
    const char *in = whb_store_sw_sql(id);
    size_t o = 0;
    for (; *in && o + 1 < len; in++)
        sql[o++] = *in == '?' ? '$' : *in;
    sql[o] = '\0';
}

static PGresult *run(struct whb_store *base, enum sw_stmt id, const struct pg_params *p)
{
    char sql[2048];
    pg_sql(id, sql, sizeof(sql));
    return whb_pg_run((struct pg_store *)base, WHB_PG_SWITCH_BASE + (int)id, sql, p);
}

static int cmd(struct whb_store *base, enum sw_stmt id, const struct pg_params *p)
{
    PGresult *r = run(base, id, p);
    PQclear(r);
    return r ? 0 : WHB_ESTORE;
}

/* Parameters keep pointers to their text: the event's and port's own buffers outlive them. */
static void bind_i(void *ctx, int64_t v)
{
    whb_pg_int(ctx, v);
}

static void bind_t(void *ctx, const char *v)
{
    whb_pg_text(ctx, v);
}

int whb_pg_put_switch(struct whb_store *base, const struct whb_switch_event *ev,
                      const struct whb_switch_port *port, int keep_event)
{
    struct pg_params p = {0};
    struct sw_bind b = {&p, bind_i, bind_t};
    char key[WHB_PORT_KEY_MAX + 2], pkey[WHB_PORT_KEY_MAX + 2];
    if (keep_event) {
        whb_store_sw_key(ev->port, ev->ifindex, key, sizeof(key));
        whb_store_sw_bind_event(&b, ev, key);
        if (cmd(base, SW_INSERT_EVENT, &p))
            return WHB_ESTORE;
    }
    if (!port)
        return 0;
    if (port->name[0] && port->ifindex > 0) {
        char numbered[24];
        struct pg_params d = {0};
        snprintf(numbered, sizeof(numbered), "#%d", (int)port->ifindex);
        whb_pg_text(&d, ev->sw);
        whb_pg_text(&d, numbered);
        if (cmd(base, SW_DROP_NUMBERED, &d))
            return WHB_ESTORE;
    }
    struct pg_params q = {0};
    b.ctx = &q;
    whb_store_sw_key(port->name, port->ifindex, pkey, sizeof(pkey));
    whb_store_sw_bind_port(&b, ev->sw, port, pkey);
    return cmd(base, SW_UPSERT_PORT, &q);
}

struct cursor {
    const PGresult *r;
    int row;
};

static int64_t col_i(void *ctx, int col)
{
    struct cursor *c = ctx;
    return whb_pg_get_int(c->r, c->row, col);
}

static void col_t(void *ctx, int col, char *out, size_t len)
{
    struct cursor *c = ctx;
    whb_pg_get_text(c->r, c->row, col, out, len);
}

/* The port's statement and parameters (key: their buffer), for its run and its read-ahead. */
static enum sw_stmt port_params(struct pg_params *p, const char *sw, const char *port,
                                int32_t ifindex, char *key, size_t keylen)
{
    whb_store_sw_key(port, 0, key, keylen);
    whb_pg_text(p, sw);
    if (key[0])
        whb_pg_text(p, key);
    else
        whb_pg_int(p, ifindex);
    return key[0] ? SW_PORT : SW_PORT_BY_IFINDEX;
}

int whb_pg_ahead_switch(struct pg_store *s, const struct whb_read_ahead *r)
{
    const struct whb_machine_view *m = r->m;
    if (m->wireless || !m->sw_name[0] || !m->sw_port[0])
        return 0;
    char key[WHB_PORT_KEY_MAX + 2], sql[2048];
    struct pg_params p = {0};
    enum sw_stmt id = port_params(&p, m->sw_name, m->sw_port, 0, key, sizeof(key));
    pg_sql(id, sql, sizeof(sql));
    return whb_pg_ahead_add(s, WHB_PG_SWITCH_BASE + (int)id, sql, &p);
}

int whb_pg_switch_port(struct whb_store *base, const char *sw, const char *port, int32_t ifindex,
                       struct whb_switch_port *out)
{
    char key[WHB_PORT_KEY_MAX + 2];
    struct pg_params p = {0};
    PGresult *r = run(base, port_params(&p, sw, port, ifindex, key, sizeof(key)), &p);
    if (!r)
        return WHB_ESTORE;
    int found = PQntuples(r) > 0;
    if (found) {
        struct cursor c = {r, 0};
        struct sw_row row = {&c, col_i, col_t};
        whb_store_sw_port_row(&row, out);
    }
    PQclear(r);
    return found ? 0 : WHB_ENOTFOUND;
}

int whb_pg_switch_events(struct whb_store *base, const char *sw, const char *port, int32_t ifindex,
                         int64_t from, int64_t to, struct whb_switch_event *out, int max, int *n)
{
    char key[WHB_PORT_KEY_MAX + 2], numbered[24];
    struct pg_params p = {0};
    *n = 0;
    whb_store_sw_key(port, 0, key, sizeof(key));
    snprintf(numbered, sizeof(numbered), "#%d", ifindex > 0 ? (int)ifindex : -1);
    whb_pg_text(&p, sw);
    whb_pg_text(&p, key[0] ? key : numbered);
    whb_pg_text(&p, numbered);
    whb_pg_int(&p, from);
    whb_pg_int(&p, to);
    whb_pg_int(&p, max);
    PGresult *r = run(base, SW_EVENTS, &p);
    if (!r)
        return WHB_ESTORE;
    int rows = PQntuples(r);
    /* Newest first from the query; ascending for the caller. */
    for (int i = rows - 1; i >= 0 && *n < max; i--) {
        struct cursor c = {r, i};
        struct sw_row row = {&c, col_i, col_t};
        whb_store_sw_event_row(&row, &out[(*n)++]);
    }
    PQclear(r);
    return 0;
}

int whb_pg_each_switch_port(struct whb_store *base, const char *sw, whb_store_switch_port_fn fn,
                            void *arg)
{
    struct pg_params p = {0};
    whb_pg_text(&p, sw);
    PGresult *r = run(base, SW_PORTS, &p);
    if (!r)
        return WHB_ESTORE;
    struct whb_switch_port port;
    for (int i = 0; i < PQntuples(r); i++) {
        struct cursor c = {r, i};
        struct sw_row row = {&c, col_i, col_t};
        whb_store_sw_port_row(&row, &port);
        if (fn(&port, arg))
            break;
    }
    PQclear(r);
    return 0;
}

int whb_pg_prune_switch(struct whb_store *base, int64_t before_ms)
{
    struct pg_params p = {0};
    whb_pg_int(&p, before_ms);
    return cmd(base, SW_PRUNE, &p);
}

int whb_pg_switch_name_at(struct whb_store *base, const char *address, char *name, size_t len)
{
    struct pg_params p = {0};
    whb_pg_text(&p, address);
    PGresult *r = run(base, SW_NAME_AT, &p);
    if (!r)
        return WHB_ESTORE;
    int found = PQntuples(r) > 0;
    if (found)
        whb_pg_get_text(r, 0, 0, name, len);
    PQclear(r);
    return found && name[0] ? 0 : WHB_ENOTFOUND;
}
