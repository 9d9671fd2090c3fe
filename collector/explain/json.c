/* Implementation of json.h. */
#include "explain/json.h"

#include "clock.h"

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
    }
    return j;
}
