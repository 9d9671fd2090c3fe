/* Implementation of json.h. */
#include "explain/json.h"

#include <stdio.h>

#include "clock.h"
#include "explain/wu_errors.h"

json_t *whb_json_iso(int64_t ms)
{
    char buf[32];
    if (ms <= 0)
        return json_null();
    whb_clock_format_iso(ms, buf, sizeof(buf));
    return json_string(buf);
}

json_t *whb_json_attachment(const struct whb_machine_view *m)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "adapter", m->primary_if, "switch",
                     m->sw_name, "switch_chassis", m->sw_chassis, "port", m->sw_port, "ssid",
                     m->ssid, "bssid", m->bssid, "subnet", m->subnet, "wireless", m->wireless);
}

/* Each piece of evidence with who says so: the machine at the time, the machine on return
 * (spooled while silent), or the collector (its own records, the neighbours). */
void whb_json_evidence(json_t *list, const struct whb_explanation *x)
{
    for (int i = 0; i < x->n_evidence; i++)
        json_array_append_new(list,
                              json_pack("{s:o, s:s, s:s}", "at", whb_json_iso(x->evidence[i].at_ms),
                                        "text", x->evidence[i].text, "source",
                                        whb_evidence_source_name(x->evidence[i].source)));
}

/* The Windows Update client as its agent last told it, with the scan error in Microsoft's
 * words. */
static json_t *update_client_json(const struct whb_wu_view *u)
{
    static const char *const routes[] = {"unknown", "wsus", "microsoft", "other_server",
                                         "status_elsewhere"};
    const struct whb_wu_error *e = u->scan_error ? whb_wu_error_find(u->scan_error) : NULL;
    char code[16] = "";
    if (u->scan_error)
        snprintf(code, sizeof(code), "0x%08X", u->scan_error);
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:o}", "sus_client_id",
        u->sus_client_id, "wu_server", u->server, "wu_status_server", u->status_server, "route",
        routes[(unsigned)u->route < 5 ? u->route : 0], "route_why", u->route_why, "route_since",
        whb_json_iso(u->route_since_ms), "last_good_scan", whb_json_iso(u->scan_ok_ms),
        "last_failed_scan", whb_json_iso(u->scan_fail_ms), "last_microsoft_scan",
        whb_json_iso(u->ms_scan_ms), "scan_error", code, "disabled_services", u->disabled,
        "restart_pending_since", whb_json_iso(u->restart_ms));
    if (j && e)
        json_object_set_new(j, "scan_error_words",
                            json_pack("{s:s, s:s, s:s?, s:s}", "name", e->name, "description",
                                      e->words, "mitigation", e->mitigation, "source",
                                      whb_wu_error_source_url(e->fix_from)));
    return j;
}

/* The explanation as `whb why --json` prints it. */
json_t *whb_json_explanation(const char *host, const struct whb_machine_view *m,
                             const struct whb_explanation *x)
{
    const struct whb_reason_info *info = whb_reason_info(x->reason);
    static const char *const audiences[] = {"admin", "network", "wsus"};
    json_t *ev = json_array(), *alt = json_array();
    whb_json_evidence(ev, x);
    for (int i = 0; i < x->n_alternatives; i++) {
        const struct whb_reason_info *a = whb_reason_info(x->alternatives[i].reason);
        json_array_append_new(alt, json_pack("{s:s, s:s, s:b, s:s}", "reason", a->id, "term",
                                             a->term, "documented", a->documented, "why",
                                             x->alternatives[i].why));
    }
    json_t *j = json_pack(
        "{s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "machine",
        m && x->known ? m->fqdn : host, "status",
        !x->known      ? "unknown"
        : x->reporting ? "reporting"
                       : "not_reporting",
        "silent_since", x->reporting || !x->known ? json_null() : whb_json_iso(x->silent_since_ms),
        "last_report", m && x->known ? whb_json_iso(m->last_seen_ms) : json_null(), "reason",
        info->id, "term", info->term, "documented", info->documented, "confidence",
        whb_confidence_name(x->confidence), "confidence_why", x->confidence_why, "summary",
        x->summary, "evidence", ev, "alternatives", alt, "next_step", x->next_step, "audience",
        audiences[info->audience]);
    if (j && m && x->known) {
        json_object_set_new(j, "machine_id", json_string(m->machine_id));
        json_object_set_new(j, "attachment", whb_json_attachment(m));
        /* Which collector the machine uses (null from agents that do not say). */
        json_object_set_new(j, "collector",
                            m->collector_url[0]
                                ? json_pack("{s:s, s:i, s:b}", "url", m->collector_url, "rank",
                                            (int)m->collector_rank, "failed_over",
                                            m->collector_rank > 0)
                                : json_null());
        if (m->wu.known)
            json_object_set_new(j, "update_client", update_client_json(&m->wu));
    }
    if (j && x->source[0])
        json_object_set_new(j, "source", json_string(x->source));
    return j;
}
