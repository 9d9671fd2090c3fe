/* Implementation of attach_wu.h. Where the client scans and reports follows from its policy as
 * Microsoft documents it:
 * - "Specify intranet Microsoft update service location" not configured: clients "connect
 *   directly to the Windows Update site" (Step 4: Configure Group Policy Settings for
 *   Automatic Updates); MDM's Update/UpdateServiceUrl names a server too;
 * - UseWUServer: "Set this value to 1 to configure Automatic Updates to use a server that is
 *   running Software Update Services instead of Windows Update" (Manage additional Windows
 *   Update settings);
 * - WUServer and WUStatusServer: "both must be set to the same value in order for them to be
 *   valid" (Configure Automatic Updates in a Non-Active Directory Environment);
 * - the scan source policy (SetPolicyDrivenUpdateSourceFor*: 0 Windows Update, 1 WSUS), dual
 *   scan (IsWUfBDualScanActive) and MDM settings left behind, as PolicyState and the
 *   PolicyManager show them (Integrate Windows Update client policies with Configuration
 *   Manager; Use Windows Update for Business and WSUS together). */
#include "store/attach_wu.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "wu_service.h"

/* "HTTP://WSUS01.corp:8530/" -> "wsus01.corp:8530"; the scheme's port when none is given. */
static void host_port(const char *url, char *out, size_t n)
{
    const char *p = url ? strstr(url, "://") : NULL;
    const char *host = p ? p + 3 : url ? url : "";
    int https = p && (p - url) == 5 && !strncmp(url, "https", 5);
    size_t len = strcspn(host, "/?#");
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < n; i++)
        out[o++] = (char)tolower((unsigned char)host[i]);
    out[o] = '\0';
    if (o && !strchr(out, ':') && o + 5 < n)
        snprintf(out + o, n - o, ":%d", https ? 443 : 80);
}

static int same_server(const char *a, const char *b)
{
    char x[256], y[256];
    host_port(a, x, sizeof(x));
    host_port(b, y, sizeof(y));
    return !strcmp(x, y);
}

/* The classes a source table sends to Windows Update: "feature, quality" or "". */
static void to_wu(const Whb__V1__UpdateSources *s, char *out, size_t n)
{
    static const char *const names[] = {"feature", "quality", "driver", "other"};
    int v[4] = {0};
    size_t used = 0;
    out[0] = '\0';
    if (!s)
        return;
    v[0] = s->feature, v[1] = s->quality, v[2] = s->driver, v[3] = s->other;
    for (int i = 0; i < 4; i++)
        if (v[i] == WHB__V1__UPDATE_SOURCE__UPDATE_SOURCE_WINDOWS_UPDATE && used < n)
            used += (size_t)snprintf(out + used, n - used, "%s%s", used ? ", " : "", names[i]);
}

static void route(const Whb__V1__UpdateClient *u, const char *probe_url, struct whb_wu_view *v)
{
    char classes[64];
    int via_mdm = !v->server[0] && u->mdm_update_service_url && u->mdm_update_service_url[0];
    if (via_mdm)
        snprintf(v->server, sizeof(v->server), "%s", u->mdm_update_service_url);
    v->route = WHB_WU_ROUTE_MICROSOFT;
    if (!v->server[0]) {
        snprintf(v->route_why, sizeof(v->route_why),
                 "no WSUS policy: WUServer is not set (the Group Policy \"Specify intranet "
                 "Microsoft update service location\" does not apply to it)");
        return;
    }
    if (!via_mdm && u->use_wu_server != WHB__V1__FLAG__FLAG_ON) {
        snprintf(v->route_why, sizeof(v->route_why),
                 "UseWUServer is %s: the WUServer policy (%.60s) is not used",
                 u->use_wu_server == WHB__V1__FLAG__FLAG_OFF ? "0" : "not set", v->server);
        return;
    }
    if (u->policy_state_read)
        to_wu(u->effective_sources, classes, sizeof(classes));
    else if (u->use_update_class_policy_source == WHB__V1__FLAG__FLAG_ON)
        to_wu(u->policy_sources, classes, sizeof(classes));
    else
        classes[0] = '\0';
    if (classes[0]) {
        snprintf(v->route_why, sizeof(v->route_why),
                 "the scan source policy sends %s updates to Windows Update%s", classes,
                 u->policy_state_read ? " (PolicyState)" : "");
        return;
    }
    if (u->dual_scan_active == WHB__V1__FLAG__FLAG_ON) {
        snprintf(v->route_why, sizeof(v->route_why),
                 "dual scan is active (PolicyState IsWUfBDualScanActive): deferral policies "
                 "with a WSUS server make it scan Windows Update");
        return;
    }
    to_wu(u->mdm_sources, classes, sizeof(classes));
    if (u->mdm_update_settings && classes[0]) {
        snprintf(v->route_why, sizeof(v->route_why),
                 "MDM (Intune) settings left behind send %s updates to Windows Update (%u Update "
                 "settings under PolicyManager)",
                 classes, u->mdm_update_settings);
        return;
    }
    if (u->wu_status_server && u->wu_status_server[0] &&
        !same_server(u->wu_status_server, v->server)) {
        v->route = WHB_WU_ROUTE_STATUS_ELSEWHERE;
        snprintf(v->route_why, sizeof(v->route_why),
                 "WUStatusServer %.60s is not WUServer %.60s (both must be the same to be "
                 "valid)",
                 u->wu_status_server, v->server);
        return;
    }
    if (!via_mdm && (!u->wu_status_server || !u->wu_status_server[0])) {
        v->route = WHB_WU_ROUTE_STATUS_ELSEWHERE;
        snprintf(v->route_why, sizeof(v->route_why),
                 "WUStatusServer is not set: it scans %.70s but has no statistics server to "
                 "report its status to",
                 v->server);
        return;
    }
    if (probe_url && probe_url[0] && !same_server(probe_url, v->server)) {
        v->route = WHB_WU_ROUTE_OTHER_SERVER;
        snprintf(v->route_why, sizeof(v->route_why),
                 "its WUServer %.70s is not the WSUS server its agent probes (%.70s)", v->server,
                 probe_url);
        return;
    }
    v->route = WHB_WU_ROUTE_WSUS;
    snprintf(v->route_why, sizeof(v->route_why), "%s%.70s",
             via_mdm ? "MDM's UpdateServiceUrl " : "", v->server);
}

/* The newest scans, by service: WSUS (or a version 0 event, which names none), Microsoft's. */
static void scans(const Whb__V1__UpdateClient *u, int64_t off, struct whb_wu_view *v)
{
    for (size_t i = 0; i < u->n_log; i++) {
        const Whb__V1__UpdateLogEvent *l = u->log[i];
        int64_t at = l->at_ms + off;
        enum whb_wu_service_class c = whb_wu_service_class(l->service_id);
        int managed = c == WHB_WU_SVC_MANAGED || !l->service_id || !l->service_id[0];
        if (l->event_id == 26 && managed && at > v->scan_ok_ms)
            v->scan_ok_ms = at;
        else if (l->event_id == 25 && managed && at > v->scan_fail_ms) {
            v->scan_fail_ms = at;
            v->scan_error = l->error_code;
        } else if ((l->event_id == 25 || l->event_id == 26) &&
                   (c == WHB_WU_SVC_WINDOWS_UPDATE || c == WHB_WU_SVC_MICROSOFT_UPDATE) &&
                   at > v->ms_scan_ms)
            v->ms_scan_ms = at;
        else if (l->event_id == 21 && u->restart_pending && at > v->restart_ms)
            v->restart_ms = at;
    }
}

void whb_attach_update_client(const Whb__V1__UpdateClient *u, const char *probe_url, int64_t off,
                              struct whb_wu_view *v)
{
    memset(v, 0, sizeof(*v));
    if (!u)
        return;
    v->known = 1;
    snprintf(v->sus_client_id, sizeof(v->sus_client_id), "%s",
             u->sus_client_id ? u->sus_client_id : "");
    snprintf(v->server, sizeof(v->server), "%s", u->wu_server ? u->wu_server : "");
    snprintf(v->status_server, sizeof(v->status_server), "%s",
             u->wu_status_server ? u->wu_status_server : "");
    route(u, probe_url, v);
    scans(u, off, v);
    size_t used = 0;
    for (size_t i = 0; i < u->n_services; i++)
        if (u->services[i]->start_type == WHB__V1__START_TYPE__START_TYPE_DISABLED &&
            used < sizeof(v->disabled))
            used += (size_t)snprintf(v->disabled + used, sizeof(v->disabled) - used, "%s%.15s",
                                     used ? ", " : "", u->services[i]->name);
}

uint64_t whb_wu_view_hash(const struct whb_wu_view *v)
{
    uint64_t h = WHB_FNV1A_INIT;
    if (!v->known)
        return 0;
    h = whb_fnv1a_str(h, v->sus_client_id);
    h = whb_fnv1a_str(h, v->server);
    h = whb_fnv1a_str(h, v->status_server);
    h = whb_fnv1a_str(h, v->route_why);
    h = whb_fnv1a_str(h, v->disabled);
    int64_t n[] = {v->route,      v->scan_ok_ms, v->scan_fail_ms,
                   v->scan_error, v->ms_scan_ms, v->restart_ms};
    h = whb_fnv1a(h, n, sizeof(n));
    return h ? h : 1; /* 0 is "nothing stored" */
}
