/* The rows a batch's writes leave (pg.h): as a report is gathered, the machine's row as its
 * write will leave it, from the row it was decided on and what the write sets, column for
 * column as the write statement (pg_batch.c) sets them. The statement returns what the server
 * decides (the version's xmin, events_stored with the events it stored, live_fp after the
 * trigger of schema step 14): with it, the row goes into the writer's cache (pg_cache.c). Only
 * machines that had a row: a new one is read at its next report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "store/pg.h"

static struct whb_store_row *pending_add(struct pg_store *s, const char *machine_id,
                                         const struct whb_store_row *base)
{
    if (!s->in_tx || !base->found || strlen(machine_id) >= sizeof(s->pending[0].machine_id))
        return NULL;
    if (s->n_pending == s->cap_pending) {
        size_t cap = s->cap_pending ? 2 * s->cap_pending : 64;
        struct pg_pending *p = realloc(s->pending, cap * sizeof(*p));
        if (!p)
            return NULL; /* not cached: read next time */
        s->pending = p;
        s->cap_pending = cap;
    }
    struct pg_pending *p = &s->pending[s->n_pending++];
    memcpy(p->machine_id, machine_id, strlen(machine_id) + 1);
    p->row = *base;
    return &p->row;
}

/* The columns every write sets (the statement's moving columns). */
static void moving(struct whb_store_row *row, int64_t alive, int64_t due,
                   const struct whb_net_story *net, const struct whb_clock_map *cm,
                   const struct whb_store_quota *q)
{
    row->last_seen = alive;
    row->due_at = due;
    row->net_lost_at = net->lost_at;
    row->net_back_at = net->back_at;
    row->online_since = net->online_since;
    row->has_offset = 1;
    row->clock_offset = cm->offset;
    row->clock_offset_at = cm->since;
    row->quota_events = q->events;
    row->quota_at = q->at;
    row->events_stored = q->stored; /* the statement adds the events it stored */
}

void whb_pg_pending_write(struct pg_store *s, const struct whb_store_report *in,
                          const struct whb_store_row *base, int64_t due,
                          const struct whb_net_story *net, const struct whb_clock_map *cm,
                          const struct whb_machine_view *v, const struct whb_store_quota *q,
                          uint64_t live_fp)
{
    const whb_report *r = in->report;
    struct whb_store_row *row = pending_add(s, r->machine->machine_id, base);
    if (!row)
        return;
    moving(row, in->now_ms, due, net, cm, q);
    snprintf(row->fqdn, sizeof(row->fqdn), "%s", r->machine->fqdn);
    snprintf(row->boot_id, sizeof(row->boot_id), "%s", r->boot_id);
    row->last_seq = r->seq;
    row->last_gasp = r->last_gasp ? 1 : 0;
    snprintf(row->sw, sizeof(row->sw), "%s", v->sw_chassis);
    snprintf(row->port, sizeof(row->port), "%s", v->sw_port);
    snprintf(row->subnet, sizeof(row->subnet), "%s", v->subnet);
    snprintf(row->bssid, sizeof(row->bssid), "%s", v->bssid);
    row->live_fp = live_fp;
}

void whb_pg_pending_moving(struct pg_store *s, const struct whb_store_report *in,
                           const struct whb_store_row *base, int64_t alive, int64_t due,
                           const struct whb_net_story *net, const struct whb_clock_map *cm,
                           const struct whb_store_quota *q, int with_seq)
{
    struct whb_store_row *row = pending_add(s, in->report->machine->machine_id, base);
    if (!row)
        return;
    moving(row, alive, due, net, cm, q);
    if (with_seq)
        row->last_seq = in->report->seq;
}

void whb_pg_batch_returned(struct pg_store *s, const PGresult *r)
{
    if (PQnfields(r) != 4)
        return;
    for (int i = 0; i < PQntuples(r); i++) {
        if (PQgetisnull(r, i, 0))
            continue;
        const char *id = PQgetvalue(r, i, 0);
        /* The latest write of the machine: a machine written twice in a transaction was
         * read again for its second report, after its first write's answer came. */
        for (size_t k = s->n_pending; k-- > 0;) {
            struct pg_pending *p = &s->pending[k];
            if (strcmp(p->machine_id, id))
                continue;
            p->row.events_stored = whb_pg_get_int(r, i, 2);
            p->row.live_fp = (uint64_t)whb_pg_get_int(r, i, 3);
            whb_pg_cache_put(s, id, (uint32_t)whb_pg_get_int(r, i, 1), &p->row);
            p->machine_id[0] = '\0'; /* taken */
            break;
        }
    }
}
