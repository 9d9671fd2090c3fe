/* The switch and port heard by LLDP on each adapter, kept until the frame's hold time runs out
 * or the link it was heard on goes away: a neighbour heard before the carrier dropped may be a
 * switch the machine has since been moved away from, so it is never reported again. */
#ifndef WHB_LLDP_TABLE_H
#define WHB_LLDP_TABLE_H

#include <stdint.h>

#include "model.h"

#define WHB_LLDP_TABLE_SIZE 16

struct whb_lldp_entry {
    int ifindex; /* 0: free */
    struct whb_lldp info;
    int64_t expires_s;
    int fresh;                /* heard since the last lookup */
    uint64_t carrier_changes; /* the adapter's counter when first looked up after hearing it */
};

struct whb_lldp_table {
    struct whb_lldp_entry nb[WHB_LLDP_TABLE_SIZE];
};

/* A frame heard on ifindex, to be held hold_s seconds. Returns 1 when the neighbour changed. */
int whb_lldp_table_put(struct whb_lldp_table *t, int ifindex, const struct whb_lldp *info,
                       int64_t now_s, int64_t hold_s);

/* The neighbour of ifindex given its link now; empty when none is known, the hold time ran
 * out, the carrier is down, or the link went down and up since the frame was heard (the
 * carrier_changes counter moved). Forgets what it no longer reports. */
void whb_lldp_table_get(struct whb_lldp_table *t, int ifindex, int carrier,
                        uint64_t carrier_changes, int64_t now_s, struct whb_lldp *out);

/* After a resume nothing heard before the sleep is known to be true. */
void whb_lldp_table_forget_all(struct whb_lldp_table *t);

#endif
