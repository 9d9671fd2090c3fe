/* The PostgreSQL store's queries about Windows Update clients (as sqlite_wu.c for SQLite): the
 * machines that share one WSUS identity, what many clients did at once, and WSUS's computer
 * with a given ComputerTargetId. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "store/pg.h"

enum pg_wu {
    PU_SAME_ID = WHB_PG_WU_BASE,
    PU_FLEET,
    PU_MOVED_SUBNET,
    PU_MAJORITY,
    PU_WSUS_BY_ID,
    PU_END_
};

_Static_assert((int)PU_END_ <= (int)WHB_PG_ADMIN_BASE,
               "update client statements overlap admin ones");

static const char *const wu_sql[PU_END_ - WHB_PG_WU_BASE] = {
#define W(id) [(id)-WHB_PG_WU_BASE]
    W(PU_SAME_ID) = "SELECT machine_id, fqdn FROM machines WHERE sus_client_id = $1::text"
                    " ORDER BY last_seen DESC LIMIT $2::bigint",
    /* 0x80244022 = 2149859362: WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL; routes > 1 leave the
     * machine's WSUS server (model.h, enum whb_wu_route). */
    W(PU_FLEET) = "SELECT (SELECT count(*) FROM machines WHERE wu_hash <> 0),"
                  " (SELECT count(*) FROM machines WHERE wu_scan_fail > 0 AND"
                  "  wu_scan_fail > $1::bigint AND wu_scan_fail > wu_scan_ok AND"
                  "  wu_scan_error = 2149859362),"
                  " (SELECT count(*) FROM machines WHERE wu_route_since > $1::bigint AND"
                  "  wu_route > 1)",
    W(PU_MOVED_SUBNET) = "SELECT subnet, count(*) AS n FROM machines WHERE wu_route_since >"
                         " $1::bigint AND wu_route > 1 AND subnet IS NOT NULL GROUP BY subnet"
                         " ORDER BY n DESC, subnet LIMIT 1",
    W(PU_MAJORITY) = "SELECT lower(wu_server) AS s, count(*) AS n FROM machines WHERE"
                     " wu_server IS NOT NULL GROUP BY s ORDER BY n DESC, s LIMIT 1",
    W(PU_WSUS_BY_ID) = "SELECT fqdn, ip, last_status_ms, last_sync_ms, target_id FROM"
                       " wsus_computers WHERE target_id = $1::text LIMIT 1",
#undef W
};

static PGresult *run(struct pg_store *s, int id, const struct pg_params *p)
{
    return whb_pg_run(s, id, wu_sql[id - WHB_PG_WU_BASE], p);
}

int whb_pg_wu_same_id(struct whb_store *base, const char *sus_id, struct whb_store_match *out,
                      int max, int *n)
{
    struct pg_params p = {0};
    *n = 0;
    whb_pg_text(&p, sus_id);
    whb_pg_int(&p, max);
    PGresult *r = run((struct pg_store *)base, PU_SAME_ID, &p);
    if (!r)
        return WHB_ESTORE;
    for (int i = 0; i < PQntuples(r) && *n < max; i++, (*n)++) {
        whb_pg_get_text(r, i, 0, out[*n].machine_id, sizeof(out[*n].machine_id));
        whb_pg_get_text(r, i, 1, out[*n].fqdn, sizeof(out[*n].fqdn));
    }
    PQclear(r);
    return 0;
}

int whb_pg_wu_fleet(struct whb_store *base, int64_t now, int64_t window, struct whb_wu_fleet *out)
{
    struct pg_store *s = (struct pg_store *)base;
    struct pg_params p = {0};
    memset(out, 0, sizeof(*out));
    whb_pg_int(&p, now - window);
    PGresult *r = run(s, PU_FLEET, &p);
    if (!r)
        return WHB_ESTORE;
    out->clients = (unsigned)whb_pg_get_int(r, 0, 0);
    out->failing_503 = (unsigned)whb_pg_get_int(r, 0, 1);
    out->moved = (unsigned)whb_pg_get_int(r, 0, 2);
    PQclear(r);
    if (out->moved && (r = run(s, PU_MOVED_SUBNET, &p))) {
        if (PQntuples(r) == 1) {
            whb_pg_get_text(r, 0, 0, out->moved_subnet, sizeof(out->moved_subnet));
            out->moved_subnet_n = (unsigned)whb_pg_get_int(r, 0, 1);
        }
        PQclear(r);
    }
    p = (struct pg_params){0};
    if (out->clients && (r = run(s, PU_MAJORITY, &p))) {
        if (PQntuples(r) == 1) {
            whb_pg_get_text(r, 0, 0, out->majority_server, sizeof(out->majority_server));
            out->majority_n = (unsigned)whb_pg_get_int(r, 0, 1);
        }
        PQclear(r);
    }
    return 0;
}

int whb_pg_wsus_by_id(struct whb_store *base, const char *id, struct whb_wsus_computer *out)
{
    struct pg_params p = {0};
    memset(out, 0, sizeof(*out));
    whb_pg_text(&p, id);
    PGresult *r = run((struct pg_store *)base, PU_WSUS_BY_ID, &p);
    if (!r)
        return WHB_ESTORE;
    int found = PQntuples(r) == 1;
    if (found) {
        whb_pg_get_text(r, 0, 0, out->fqdn, sizeof(out->fqdn));
        whb_pg_get_text(r, 0, 1, out->ip, sizeof(out->ip));
        out->last_status_ms = whb_pg_get_int(r, 0, 2);
        out->last_sync_ms = whb_pg_get_int(r, 0, 3);
        whb_pg_get_text(r, 0, 4, out->target_id, sizeof(out->target_id));
    }
    PQclear(r);
    return found ? 0 : WHB_ENOTFOUND;
}
