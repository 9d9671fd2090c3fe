/* Implementation of lldp_table.h. */
#include "lldp_table.h"

#include <string.h>

static struct whb_lldp_entry *slot_for(struct whb_lldp_table *t, int ifindex, int create)
{
    struct whb_lldp_entry *free_slot = NULL;
    for (int i = 0; i < WHB_LLDP_TABLE_SIZE; i++) {
        if (t->nb[i].ifindex == ifindex)
            return &t->nb[i];
        if (!t->nb[i].ifindex && !free_slot)
            free_slot = &t->nb[i];
    }
    return create ? free_slot : NULL;
}

int whb_lldp_table_put(struct whb_lldp_table *t, int ifindex, const struct whb_lldp *info,
                       int64_t now_s, int64_t hold_s)
{
    struct whb_lldp_entry *e = slot_for(t, ifindex, 1);
    if (!e || ifindex <= 0)
        return 0;
    int changed = e->ifindex != ifindex || memcmp(&e->info, info, sizeof(*info)) != 0;
    e->ifindex = ifindex;
    e->info = *info;
    e->expires_s = now_s + hold_s;
    e->fresh = 1;
    return changed;
}

void whb_lldp_table_get(struct whb_lldp_table *t, int ifindex, int carrier,
                        uint64_t carrier_changes, int64_t now_s, struct whb_lldp *out)
{
    struct whb_lldp_entry *e = slot_for(t, ifindex, 0);
    memset(out, 0, sizeof(*out));
    if (!e)
        return;
    if (e->fresh) {
        e->fresh = 0;
        e->carrier_changes = carrier_changes;
    }
    if (!carrier || e->expires_s < now_s || e->carrier_changes != carrier_changes) {
        memset(e, 0, sizeof(*e));
        return;
    }
    *out = e->info;
}

void whb_lldp_table_forget_all(struct whb_lldp_table *t)
{
    memset(t, 0, sizeof(*t));
}
