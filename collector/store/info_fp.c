/* The fingerprint of a machine's row beyond the columns every report moves (store/logic.h):
 * the wide columns a report writes. SQLite keeps it in machine_live.fp, PostgreSQL in
 * machines.live_fp; a report whose fingerprint is the stored one writes the moving columns
 * alone. Keep it in step with every wide column the backends' full writes set. */
#include <string.h>

#include "hash.h"
#include "store/logic.h"

static uint64_t fp_str(uint64_t h, const char *v)
{
    /* NULL and "" are both stored as NULL; the terminator keeps fields apart. */
    return whb_fnv1a(h, v ? v : "", v ? strlen(v) + 1 : 1);
}

static uint64_t fp_int(uint64_t h, int64_t v)
{
    return whb_fnv1a(h, &v, sizeof(v));
}

uint64_t whb_store_info_fingerprint(const struct whb_store_report *in, const uint8_t *snap,
                                    size_t snap_len, const struct whb_machine_view *v)
{
    const whb_report *r = in->report;
    const Whb__V1__Machine *m = r->machine;
    uint64_t h = WHB_FNV1A_INIT;
    h = fp_str(h, m->fqdn);
    h = fp_str(h, m->domain);
    h = fp_str(h, m->os);
    h = fp_str(h, m->agent_version);
    h = fp_int(h, r->interval_s);
    h = fp_str(h, r->boot_id);
    h = fp_int(h, r->last_gasp ? 1 : 0);
    h = fp_int(h, snap ? (int64_t)snap_len : -1);
    if (snap)
        h = whb_fnv1a(h, snap, snap_len);
    h = fp_str(h, v->primary_if);
    h = fp_int(h, v->wireless);
    h = fp_int(h, v->carrier);
    h = fp_int(h, v->on_battery);
    h = fp_str(h, v->sw_chassis);
    h = fp_str(h, v->sw_name);
    h = fp_str(h, v->sw_port);
    h = fp_str(h, v->ssid);
    h = fp_str(h, v->bssid);
    h = fp_int(h, v->wifi_associated);
    h = fp_str(h, v->subnet);
    h = fp_str(h, v->wsus_class);
    h = fp_str(h, v->wsus_url);
    h = fp_int(h, v->wsus_http);
    h = fp_int(h, v->wsus_curl);
    h = fp_int(h, v->wsus_at_ms);
    h = fp_int(h, v->update_service);
    h = fp_int(h, v->collector_rank);
    h = fp_str(h, v->collector_url);
    h = fp_str(h, v->sw_mgmt);
    return h ? h : 1; /* 0 is "not known" */
}
