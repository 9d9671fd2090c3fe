/* Implementation of update_client.h. */
#include "update_client.h"

#include "event_sink.h"

#include <stdio.h>
#include <string.h>

#include "text.h"
#include "whb.pb-c.h"
#include "wu_service.h"

static int same_key(const struct whb_wu_log_event *a, const struct whb_wu_log_event *b)
{
    return a->event_id == b->event_id && strcmp(a->service_id, b->service_id) == 0;
}

int whb_wu_log_put(struct whb_wu_state *st, const struct whb_wu_log_event *ev)
{
    int oldest = -1;
    for (int i = 0; i < st->n_log; i++) {
        if (same_key(&st->log[i], ev)) {
            if (ev->at_ms <= st->log[i].at_ms)
                return 0; /* we know this one or a newer one */
            st->log[i] = *ev;
            return 1;
        }
        if (oldest < 0 || st->log[i].at_ms < st->log[oldest].at_ms)
            oldest = i;
    }
    if (st->n_log < WHB_WU_MAX_LOG) {
        st->log[st->n_log++] = *ev;
        return 1;
    }
    if (ev->at_ms <= st->log[oldest].at_ms)
        return 0;
    st->log[oldest] = *ev;
    return 1;
}

int whb_wu_event_kind(uint32_t event_id)
{
    switch (event_id) {
    case WHB_WU_EV_SCAN_OK:
        return WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SCAN_OK;
    case WHB_WU_EV_SCAN_FAILED:
        return WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SCAN_FAILED;
    case WHB_WU_EV_INSTALL_FAILED:
        return WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_INSTALL_FAILED;
    case WHB_WU_EV_RESTART_REQUIRED:
        return WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_RESTART_REQUIRED;
    case WHB_WU_EV_CANNOT_CONNECT_AU:
    case WHB_WU_EV_CANNOT_CONNECT:
        return WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_CANNOT_CONNECT;
    case WHB_WU_EV_PROXY_AUTH:
        return WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_PROXY_AUTH;
    default:
        return 0;
    }
}

const char *whb_wu_start_words(enum whb_start_type t)
{
    static const char *const words[] = {"unknown", "automatic", "automatic (delayed)",
                                        "manual",  "disabled",  "not installed",
                                        "system"};
    return (unsigned)t < sizeof(words) / sizeof(words[0]) ? words[t] : "unknown";
}

static const char *flag(enum whb_wu_flag f)
{
    return f == WHB_WU_ON ? "1" : f == WHB_WU_OFF ? "0" : "-";
}

static void sources(const enum whb_wu_source *s, char *buf, size_t n)
{
    static const char *const names[] = {"-", "WU", "WSUS"};
    snprintf(buf, n, "%s/%s/%s/%s", names[s[0] % 3], names[s[1] % 3], names[s[2] % 3],
             names[s[3] % 3]);
}

void whb_wu_where(const struct whb_wu_state *st, char *buf, size_t n)
{
    char pol[24], eff[24], mdm[24];
    size_t len;
    sources(st->policy_source, pol, sizeof(pol));
    sources(st->effective_source, eff, sizeof(eff));
    sources(st->mdm_source, mdm, sizeof(mdm));
    len = (size_t)snprintf(buf, n,
                           "WUServer %.70s WUStatusServer %.70s UseWUServer %s; scan sources "
                           "feature/quality/driver/other %s",
                           st->wu_server[0] ? st->wu_server : "-",
                           st->wu_status_server[0] ? st->wu_status_server : "-",
                           flag(st->use_wu_server), pol);
    if (st->policy_state_read && len < n)
        len += (size_t)snprintf(buf + len, n - len, ", applied %s, dual scan %s", eff,
                                flag(st->dual_scan_active));
    if (st->disable_dual_scan || st->deferral_policy || st->do_not_connect)
        if (len < n)
            len += (size_t)snprintf(buf + len, n - len,
                                    "; DisableDualScan %s, deferrals %s, "
                                    "DoNotConnectToWindowsUpdateInternetLocations %s",
                                    flag(st->disable_dual_scan), flag(st->deferral_policy),
                                    flag(st->do_not_connect));
    if (st->mdm_settings && len < n)
        snprintf(buf + len, n - len,
                 "; MDM: %u Update settings, UpdateServiceUrl %.60s, sources %s", st->mdm_settings,
                 st->mdm_service_url[0] ? st->mdm_service_url : "-", mdm);
}

/* The event's own words (the manifest's messages, shortened), and which service it was. */
static void log_words(const struct whb_wu_log_event *l, char *buf, size_t n)
{
    const char *svc = whb_wu_service_words(whb_wu_service_class(l->service_id));
    switch (l->event_id) {
    case WHB_WU_EV_SCAN_FAILED:
        snprintf(buf, n, "Windows Update failed to check for updates with error 0x%08X (%s)",
                 l->error_code, l->service_id[0] ? svc : "service not named");
        break;
    case WHB_WU_EV_SCAN_OK:
        snprintf(buf, n, "Windows Update successfully found %s updates (%s)",
                 l->detail[0] ? l->detail : "some", l->service_id[0] ? svc : "service not named");
        break;
    case WHB_WU_EV_INSTALL_FAILED:
        snprintf(buf, n, "installation failure with error 0x%08X: %.80s", l->error_code, l->detail);
        break;
    case WHB_WU_EV_RESTART_REQUIRED:
        snprintf(buf, n,
                 "restart required: until this computer has been restarted, Windows "
                 "cannot search for or download new updates");
        break;
    case WHB_WU_EV_CANNOT_CONNECT_AU:
        snprintf(buf, n, "unable to connect to the automatic updates service");
        break;
    case WHB_WU_EV_CANNOT_CONNECT:
        snprintf(buf, n, "Windows Update cannot connect to the server %.80s", l->detail);
        break;
    case WHB_WU_EV_PROXY_AUTH:
        snprintf(buf, n, "unable to connect to proxy server %.80s: valid credentials required",
                 l->detail);
        break;
    default:
        snprintf(buf, n, "event %u", l->event_id);
        break;
    }
}

static void diff_log(struct whb_event_sink *k, const struct whb_wu_state *a,
                     const struct whb_wu_state *b)
{
    for (int i = 0; i < b->n_log; i++) {
        const struct whb_wu_log_event *l = &b->log[i];
        int kind = whb_wu_event_kind(l->event_id), seen = 0;
        for (int j = 0; j < a->n_log && !seen; j++)
            seen = same_key(&a->log[j], l) && a->log[j].at_ms == l->at_ms;
        struct whb_agent_event *e;
        if (seen || !kind || !(e = whb_event_sink_emit(k, kind, l->service_id)))
            continue;
        e->reason_code = l->error_code;
        e->since_ms = l->at_ms;
        log_words(l, e->detail, sizeof(e->detail));
    }
}

static void diff_services(struct whb_event_sink *k, const struct whb_wu_state *a,
                          const struct whb_wu_state *b)
{
    for (int i = 0; i < b->n_services; i++) {
        const struct whb_wu_service *s = &b->services[i], *was = NULL;
        for (int j = 0; j < a->n_services && !was; j++)
            if (strcmp(a->services[j].name, s->name) == 0)
                was = &a->services[j];
        if (was && was->start_type == s->start_type)
            continue;
        struct whb_agent_event *e =
            whb_event_sink_emit(k, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_SERVICE, s->name);
        if (!e)
            return;
        e->reason_code = (uint32_t)s->start_type;
        snprintf(e->detail, sizeof(e->detail), "%s start type %s (was %s)", s->name,
                 whb_wu_start_words(s->start_type),
                 was ? whb_wu_start_words(was->start_type) : "not known");
    }
}

int whb_wu_diff(const struct whb_wu_state *before, const struct whb_wu_state *after, int64_t now_ms,
                struct whb_agent_event *out, int max)
{
    struct whb_event_sink k = {out, max, 0, now_ms};
    char was[512], now[512];
    struct whb_agent_event *e;
    if (!after->known)
        return 0;
    whb_wu_where(before, was, sizeof(was));
    whb_wu_where(after, now, sizeof(now));
    if ((!before->known || strcmp(was, now) != 0) &&
        (e = whb_event_sink_emit(&k, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_POLICY, "")))
        whb_text_clean(e->detail, sizeof(e->detail), now, sizeof(now));
    if (strcmp(before->sus_client_id, after->sus_client_id) != 0 &&
        (e = whb_event_sink_emit(&k, WHB__V1__EVENT_KIND__EVENT_KIND_UPDATE_IDENTITY, "")))
        snprintf(e->detail, sizeof(e->detail), "SusClientId %s (was %s)",
                 after->sus_client_id[0] ? after->sus_client_id : "absent",
                 before->sus_client_id[0] ? before->sus_client_id : "absent");
    diff_services(&k, before, after);
    diff_log(&k, before, after);
    return k.n;
}

#define FIX(f) whb_text_fix((f), sizeof(f))

/* GUIDs go out in one spelling, the one the collector compares (and checks). */
static int guid_fix(char *g, size_t n, int braces)
{
    char canon[WHB_WU_GUID_LEN];
    if (!g[0])
        return 0;
    if (whb_wu_guid_canon(g, braces, canon, sizeof(canon))) {
        g[0] = '\0';
        return -1;
    }
    snprintf(g, n, "%s", canon);
    return 0;
}

void whb_wu_clean(struct whb_wu_state *st)
{
    FIX(st->wu_server);
    FIX(st->wu_status_server);
    FIX(st->target_group);
    FIX(st->mdm_service_url);
    if (guid_fix(st->sus_client_id, sizeof(st->sus_client_id), 0))
        st->sus_malformed = 1;
    for (int i = 0; i < st->n_log && i < WHB_WU_MAX_LOG; i++) {
        guid_fix(st->log[i].service_id, sizeof(st->log[i].service_id), 1);
        FIX(st->log[i].detail);
    }
    for (int i = 0; i < st->n_services && i < WHB_WU_MAX_SERVICES; i++)
        FIX(st->services[i].name);
}
