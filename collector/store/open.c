/* Which store the configuration names: SQLite's file, or a PostgreSQL database that several
 * collectors may share (each marks its own runs under its collector id). */
#include <stdio.h>

#include "error.h"
#include "store/store.h"

const struct whb_store_ops *whb_store_backend(const struct whb_collector_config *cfg)
{
    return cfg->db_postgresql ? &whb_store_postgresql : &whb_store_sqlite;
}

const char *whb_store_target(const struct whb_collector_config *cfg)
{
    return cfg->db_postgresql ? cfg->db_conninfo : cfg->db_path;
}

int whb_store_open_config(const struct whb_collector_config *cfg, int secure,
                          struct whb_store **out, char *why, size_t whylen)
{
    const struct whb_store_ops *ops = whb_store_backend(cfg);
    const char *target = whb_store_target(cfg);
    int rc;
    if ((secure && ops->secure && (rc = ops->secure(target, cfg->db_group, why, whylen))) ||
        (rc = ops->open(target, out, why, whylen)))
        return rc;
    snprintf((*out)->collector_id, sizeof((*out)->collector_id), "%s", cfg->collector_id);
    return 0;
}
