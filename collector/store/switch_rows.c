/* Implementation of switch_rows.h. */
#include "store/switch_rows.h"

#include <stdio.h>
#include <string.h>

#define EVENT_COLS                                                                                 \
    "sw, port_key, port, ifindex, kind, source, admin, oper, at_ms, since_ms, speed, cause, mac,"  \
    " who, text"
#define PORT_COLS                                                                                  \
    "port, port_key, ifindex, admin, oper, changed_ms, heard_ms, speed, prev_speed,"               \
    " speed_changed_ms, err_disabled, cause, cause_ms, violation_mac, violation_ms, dot1x_mac,"    \
    " dot1x_ms, alias, last_kind, last_source, text"

static const char *const sql[SW_COUNT_] = {
    [SW_INSERT_EVENT] = "INSERT INTO switch_events(" EVENT_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
                        " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [SW_UPSERT_PORT] =
        "INSERT INTO switch_ports(sw, " PORT_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
        " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
        " ON CONFLICT(sw, port_key) DO UPDATE SET port = excluded.port, ifindex = excluded.ifindex,"
        " admin = excluded.admin, oper = excluded.oper, changed_ms = excluded.changed_ms,"
        " heard_ms = excluded.heard_ms, speed = excluded.speed, prev_speed = excluded.prev_speed,"
        " speed_changed_ms = excluded.speed_changed_ms, err_disabled = excluded.err_disabled,"
        " cause = excluded.cause, cause_ms = excluded.cause_ms,"
        " violation_mac = excluded.violation_mac, violation_ms = excluded.violation_ms,"
        " dot1x_mac = excluded.dot1x_mac, dot1x_ms = excluded.dot1x_ms, alias = excluded.alias,"
        " last_kind = excluded.last_kind, last_source = excluded.last_source,"
        " text = excluded.text",
    [SW_DROP_NUMBERED] = "DELETE FROM switch_ports WHERE sw = ?1 AND port_key = ?2",
    [SW_PORT] = "SELECT " PORT_COLS " FROM switch_ports WHERE sw = ?1 AND port_key = ?2",
    [SW_PORT_BY_IFINDEX] = "SELECT " PORT_COLS " FROM switch_ports WHERE sw = ?1 AND"
                           " ifindex = ?2 ORDER BY heard_ms DESC LIMIT 1",
    /* The port's events, by name or by number, and the switch's own (key ""): the latest ones
     * first (the caller puts them in time order). */
    [SW_EVENTS] =
        "SELECT kind, source, port, ifindex, admin, oper, at_ms, since_ms, speed, cause,"
        " mac, who, text, sw FROM switch_events WHERE sw = ?1 AND port_key IN (?2, ?3, '')"
        " AND at_ms >= ?4 AND at_ms <= ?5 ORDER BY at_ms DESC LIMIT ?6",
    [SW_PORTS] = "SELECT " PORT_COLS " FROM switch_ports WHERE sw = ?1 ORDER BY ifindex, port_key",
    [SW_PRUNE] = "DELETE FROM switch_events WHERE at_ms < ?1",
    [SW_NAME_AT] = "SELECT sw_name FROM machines WHERE sw_mgmt = ?1 AND sw_name IS NOT NULL"
                   " ORDER BY last_seen DESC LIMIT 1",
};

const char *whb_store_sw_sql(enum sw_stmt id)
{
    return (unsigned)id < SW_COUNT_ ? sql[id] : NULL;
}

void whb_store_sw_key(const char *port, int32_t ifindex, char *key, size_t len)
{
    char k[WHB_PORT_KEY_MAX];
    if (port && port[0] && whb_port_key(port, k) == 0)
        snprintf(key, len, "%s", k);
    else if (ifindex > 0)
        snprintf(key, len, "#%d", (int)ifindex);
    else
        snprintf(key, len, "%s", "");
}

void whb_store_sw_event_row(const struct sw_row *r, struct whb_switch_event *ev)
{
    char word[32];
    memset(ev, 0, sizeof(*ev));
    r->t(r->ctx, 0, word, sizeof(word));
    ev->kind = whb_switch_kind_by_name(word);
    r->t(r->ctx, 1, word, sizeof(word));
    ev->source = whb_switch_source_by_name(word);
    r->t(r->ctx, 2, ev->port, sizeof(ev->port));
    ev->ifindex = (int32_t)r->i(r->ctx, 3);
    ev->admin = (enum whb_if_status)r->i(r->ctx, 4);
    ev->oper = (enum whb_if_status)r->i(r->ctx, 5);
    ev->at_ms = r->i(r->ctx, 6);
    ev->since_ms = r->i(r->ctx, 7);
    ev->speed_mbps = (uint32_t)r->i(r->ctx, 8);
    r->t(r->ctx, 9, ev->cause, sizeof(ev->cause));
    r->t(r->ctx, 10, ev->mac, sizeof(ev->mac));
    r->t(r->ctx, 11, ev->who, sizeof(ev->who));
    r->t(r->ctx, 12, ev->text, sizeof(ev->text));
    r->t(r->ctx, 13, ev->sw, sizeof(ev->sw));
}

void whb_store_sw_port_row(const struct sw_row *r, struct whb_switch_port *p)
{
    char word[32];
    memset(p, 0, sizeof(*p));
    r->t(r->ctx, 0, p->name, sizeof(p->name));
    r->t(r->ctx, 1, p->key, sizeof(p->key));
    if (p->key[0] == '#')
        p->key[0] = '\0'; /* numbered only: no name yet */
    p->ifindex = (int32_t)r->i(r->ctx, 2);
    p->admin = (enum whb_if_status)r->i(r->ctx, 3);
    p->oper = (enum whb_if_status)r->i(r->ctx, 4);
    p->changed_ms = r->i(r->ctx, 5);
    p->heard_ms = r->i(r->ctx, 6);
    p->speed_mbps = (uint32_t)r->i(r->ctx, 7);
    p->prev_speed_mbps = (uint32_t)r->i(r->ctx, 8);
    p->speed_changed_ms = r->i(r->ctx, 9);
    p->err_disabled = (int)r->i(r->ctx, 10);
    r->t(r->ctx, 11, p->cause, sizeof(p->cause));
    p->cause_ms = r->i(r->ctx, 12);
    r->t(r->ctx, 13, p->violation_mac, sizeof(p->violation_mac));
    p->violation_ms = r->i(r->ctx, 14);
    r->t(r->ctx, 15, p->dot1x_mac, sizeof(p->dot1x_mac));
    p->dot1x_ms = r->i(r->ctx, 16);
    r->t(r->ctx, 17, p->alias, sizeof(p->alias));
    r->t(r->ctx, 18, word, sizeof(word));
    p->last_kind = whb_switch_kind_by_name(word);
    r->t(r->ctx, 19, word, sizeof(word));
    p->last_source = whb_switch_source_by_name(word);
    r->t(r->ctx, 20, p->text, sizeof(p->text));
}

void whb_store_sw_bind_event(const struct sw_bind *b, const struct whb_switch_event *ev,
                             const char *key)
{
    b->t(b->ctx, ev->sw);
    b->t(b->ctx, key);
    b->t(b->ctx, ev->port);
    b->i(b->ctx, ev->ifindex);
    b->t(b->ctx, whb_switch_kind_name(ev->kind));
    b->t(b->ctx, whb_switch_source_name(ev->source));
    b->i(b->ctx, ev->admin);
    b->i(b->ctx, ev->oper);
    b->i(b->ctx, ev->at_ms);
    b->i(b->ctx, ev->since_ms);
    b->i(b->ctx, ev->speed_mbps);
    b->t(b->ctx, ev->cause);
    b->t(b->ctx, ev->mac);
    b->t(b->ctx, ev->who);
    b->t(b->ctx, ev->text);
}

void whb_store_sw_bind_port(const struct sw_bind *b, const char *sw,
                            const struct whb_switch_port *p, const char *key)
{
    b->t(b->ctx, sw);
    b->t(b->ctx, p->name);
    b->t(b->ctx, key);
    b->i(b->ctx, p->ifindex);
    b->i(b->ctx, p->admin);
    b->i(b->ctx, p->oper);
    b->i(b->ctx, p->changed_ms);
    b->i(b->ctx, p->heard_ms);
    b->i(b->ctx, p->speed_mbps);
    b->i(b->ctx, p->prev_speed_mbps);
    b->i(b->ctx, p->speed_changed_ms);
    b->i(b->ctx, p->err_disabled);
    b->t(b->ctx, p->cause);
    b->i(b->ctx, p->cause_ms);
    b->t(b->ctx, p->violation_mac);
    b->i(b->ctx, p->violation_ms);
    b->t(b->ctx, p->dot1x_mac);
    b->i(b->ctx, p->dot1x_ms);
    b->t(b->ctx, p->alias);
    b->t(b->ctx, whb_switch_kind_name(p->last_kind));
    b->t(b->ctx, whb_switch_source_name(p->last_source));
    b->t(b->ctx, p->text);
}
