/* The SQLite store's reads of the machines, each after a fold of the heartbeats not folded yet
 * (sqlite_beats.c): the rows they read are as if every heartbeat had been written at once. */
#include "store/sqlite.h"

int whb_sqlite_folded_lookup_name(struct whb_store *s, enum whb_store_name_kind kind,
                                  const char *key, struct whb_machine_view *found, int max, int *n)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_lookup_name(s, kind, key, found, max, n);
}

int whb_sqlite_folded_peer_group(struct whb_store *s, enum whb_peer_kind kind,
                                 const struct whb_machine_view *m, int64_t now, int64_t anchor,
                                 int64_t window, int with_gaps, struct whb_peer_group *out)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_peer_group(s, kind, m, now, anchor, window, with_gaps, out);
}

int whb_sqlite_folded_fleet_group(struct whb_store *s, int64_t now, int64_t anchor, int64_t window,
                                  struct whb_peer_group *out)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_fleet_group(s, now, anchor, window, out);
}

int whb_sqlite_folded_each_machine(struct whb_store *s, const struct whb_store_filter *f,
                                   int64_t now, whb_store_machine_fn fn, void *arg)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_each_machine(s, f, now, fn, arg);
}

int whb_sqlite_folded_network_groups(struct whb_store *s, int wireless, int64_t now,
                                     whb_store_group_fn fn, void *arg)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_network_groups(s, wireless, now, fn, arg);
}

int whb_sqlite_folded_wsus_summary(struct whb_store *s, int64_t stale_before, uint64_t *listed,
                                   uint64_t *not_reported, uint64_t *with_agent)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_wsus_summary(s, stale_before, listed, not_reported, with_agent);
}

int whb_sqlite_folded_wsus_failing(struct whb_store *s, const char *cls, int64_t now, unsigned *n)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_wsus_failing(s, cls, now, n);
}

int whb_sqlite_folded_wsus_not_reported(struct whb_store *s, int64_t cutoff_ms, unsigned offset,
                                        unsigned limit, whb_store_wsus_fn fn, void *arg,
                                        uint64_t *total, uint64_t *imported, int64_t *imported_ms)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc
              : whb_sqlite_wsus_not_reported(s, cutoff_ms, offset, limit, fn, arg, total, imported,
                                             imported_ms);
}

int whb_sqlite_folded_wsus_match(struct whb_store *s, const struct whb_wsus_computer *c,
                                 int64_t slack_ms, struct whb_wsus_match *out)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_wsus_match(s, c, slack_ms, out);
}

int whb_sqlite_folded_wsus_find(struct whb_store *s, const char *host,
                                struct whb_wsus_computer *out, int max, int *n)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_wsus_find(s, host, out, max, n);
}

int whb_sqlite_folded_each_name(struct whb_store *s, int wsus, whb_store_name_walk_fn fn, void *arg)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_each_name(s, wsus, fn, arg);
}

int whb_sqlite_folded_machine_by_ip(struct whb_store *s, const char *ip, int64_t now,
                                    char *machine_id, size_t idlen, char *why, size_t whylen)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_machine_by_ip(s, ip, now, machine_id, idlen, why, whylen);
}

int whb_sqlite_folded_switch_name_at(struct whb_store *s, const char *address, char *name,
                                     size_t len)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_switch_name_at(s, address, name, len);
}

int whb_sqlite_folded_enrollments(struct whb_store *s, int all, unsigned limit,
                                  whb_store_enrollment_fn fn, void *arg)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_enrollments(s, all, limit, fn, arg);
}

int whb_sqlite_folded_admin(struct whb_store *s, enum whb_store_admin action,
                            const char *machine_id, int64_t now,
                            uint8_t key_hash[WHB_IDENTITY_HASH_LEN], int *had_key)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_admin(s, action, machine_id, now, key_hash, had_key);
}

int whb_sqlite_folded_wu_same_id(struct whb_store *s, const char *sus_id,
                                 struct whb_store_match *out, int max, int *n)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_wu_same_id(s, sus_id, out, max, n);
}

int whb_sqlite_folded_wu_fleet(struct whb_store *s, int64_t now, int64_t window,
                               struct whb_wu_fleet *out)
{
    int rc = whb_sqlite_beats_fold_for_read(s);
    return rc ? rc : whb_sqlite_wu_fleet(s, now, window, out);
}
