/* The Windows Update client's own story, for a machine that is on and online while WSUS says it
 * has not reported: what its agent read on the machine (its policy, identity, services, the
 * newest scans of its own log) and what the fleet's clients did at once. The order is the
 * order of what blocks the rest: two computers with one identity cannot both be seen whatever
 * else is right; a disabled service scans nothing; a client told to use another server never
 * reports here; then scans that fail, a restart that stops scanning, a clock that is off. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "compat.h"
#include "explain/explain.h"
#include "explain/rules_update.h"
#include "explain/wu_errors.h"

#define HOUR_MS (3600 * 1000LL)
#define DAY_MS  (24 * HOUR_MS)
/* Kerberos' default "Maximum tolerance for computer clock synchronization". */
#define CLOCK_OFF_MS (5 * 60 * 1000LL)
/* "Many at once": this many clients, within the fleet window. */
#define FLEET_MANY 3

static void evidence(struct whb_explanation *out, int64_t at, enum whb_evidence_source src,
                     const char *fmt, ...) WHB_PRINTF(4, 5);

static void evidence(struct whb_explanation *out, int64_t at, enum whb_evidence_source src,
                     const char *fmt, ...)
{
    va_list ap;
    if (out->n_evidence >= WHB_EXPLAIN_MAX_EVIDENCE)
        return;
    struct whb_evidence *e = &out->evidence[out->n_evidence++];
    e->at_ms = at;
    e->source = src;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof(e->text), fmt, ap);
    va_end(ap);
}

static void answer(struct whb_explanation *out, enum whb_reason r, enum whb_confidence c,
                   const char *why)
{
    out->reason = r;
    out->confidence = c;
    snprintf(out->confidence_why, sizeof(out->confidence_why), "%s", why);
    snprintf(out->next_step, sizeof(out->next_step), "%s", whb_reason_info(r)->next_step);
}

static void ago(int64_t now, int64_t at, char *buf, size_t n)
{
    whb_clock_format_duration(now > at ? now - at : 0, buf, (unsigned)n);
}

static int duplicate_identity(const struct whb_explain_input *in, struct whb_explanation *out)
{
    const struct whb_wu_view *u = &in->m->wu;
    if (!u->sus_client_id[0] || in->n_same_id < 2)
        return 0;
    answer(out, WHB_REASON_DUPLICATE_WSUS_IDENTITY, WHB_CONFIDENCE_HIGH,
           "their agents read the same SusClientId from each computer's registry");
    snprintf(out->summary, sizeof(out->summary), "%u computers share WSUS identity %s: %.120s",
             in->n_same_id, u->sus_client_id, in->same_id);
    evidence(out, in->m->last_seen_ms, WHB_SOURCE_MACHINE, "SusClientId %s", u->sus_client_id);
    evidence(out, in->now_ms, WHB_SOURCE_COLLECTOR, "the same SusClientId on %u computers: %.180s",
             in->n_same_id, in->same_id);
    if (in->wsus_name_for_id[0])
        evidence(out, in->now_ms, WHB_SOURCE_COLLECTOR,
                 "WSUS lists that identity as one computer, %.150s", in->wsus_name_for_id);
    snprintf(out->source, sizeof(out->source), "%s",
             "https://learn.microsoft.com/troubleshoot/mem/configmgr/update-management/"
             "troubleshoot-issues-with-wsus-client-agents");
    return 1;
}

static int service_disabled(const struct whb_explain_input *in, struct whb_explanation *out)
{
    const struct whb_wu_view *u = &in->m->wu;
    if (!u->disabled[0])
        return 0;
    answer(out, WHB_REASON_UPDATE_SERVICE_DISABLED, WHB_CONFIDENCE_HIGH,
           "the agent reads the start types from the service control manager");
    snprintf(out->summary, sizeof(out->summary), "disabled: %s", u->disabled);
    evidence(out, in->m->last_seen_ms, WHB_SOURCE_MACHINE, "start type Disabled: %s", u->disabled);
    if (u->scan_fail_ms > u->scan_ok_ms && u->scan_error == 0x80070422)
        evidence(out, u->scan_fail_ms, WHB_SOURCE_MACHINE,
                 "its last scan failed with 0x80070422 (ERROR_SERVICE_DISABLED)");
    snprintf(out->source, sizeof(out->source), "%s",
             "https://learn.microsoft.com/windows-server/security/windows-services/"
             "security-guidelines-for-disabling-system-services-in-windows-server");
    return 1;
}

static int route_elsewhere(const struct whb_explain_input *in, struct whb_explanation *out)
{
    const struct whb_wu_view *u = &in->m->wu;
    const struct whb_wu_fleet *f = in->wu_fleet;
    char since[32];
    int away = u->route == WHB_WU_ROUTE_MICROSOFT || u->route == WHB_WU_ROUTE_OTHER_SERVER ||
               u->route == WHB_WU_ROUTE_STATUS_ELSEWHERE;
    /* Its agent probes the server it is told to use: the fleet says which one the others use. */
    int odd_server = u->route == WHB_WU_ROUTE_WSUS && f && f->majority_server[0] &&
                     f->majority_n >= FLEET_MANY && f->majority_n * 2 > f->clients &&
                     strcasecmp(u->server, f->majority_server) != 0;
    if (!away && !odd_server)
        return 0;
    if (u->route_since_ms)
        ago(in->now_ms, u->route_since_ms, since, sizeof(since));
    /* Many clients left their server within the window, this one with them: their policy. */
    if (away && f && f->moved >= FLEET_MANY && u->route_since_ms >= in->now_ms - in->wu_window_ms) {
        answer(out, WHB_REASON_WSUS_POLICY_LOST, WHB_CONFIDENCE_HIGH,
               "many clients changed where they scan within hours of each other");
        if (f->moved_subnet[0] && f->moved_subnet_n >= FLEET_MANY)
            snprintf(out->summary, sizeof(out->summary),
                     "%u clients stopped using WSUS together, %u of them in %s: %.100s", f->moved,
                     f->moved_subnet_n, f->moved_subnet, u->route_why);
        else
            snprintf(out->summary, sizeof(out->summary),
                     "%u clients stopped using WSUS together: %.150s", f->moved, u->route_why);
        evidence(out, u->route_since_ms, WHB_SOURCE_MACHINE, "%s", u->route_why);
        evidence(out, in->now_ms, WHB_SOURCE_COLLECTOR,
                 "%u clients changed where they scan within %lld h%s%s", f->moved,
                 (long long)(in->wu_window_ms / HOUR_MS),
                 f->moved_subnet[0] ? "; most of them in " : "", f->moved_subnet);
    } else {
        answer(out, WHB_REASON_UPDATE_CLIENT_ELSEWHERE,
               u->route == WHB_WU_ROUTE_MICROSOFT ? WHB_CONFIDENCE_HIGH : WHB_CONFIDENCE_MEDIUM,
               u->route == WHB_WU_ROUTE_MICROSOFT
                   ? "its policy as the agent read it sends it to Windows Update"
                   : "its policy names another server than the fleet's WSUS");
        if (odd_server)
            snprintf(out->summary, sizeof(out->summary),
                     "its WUServer %.80s is not the server %u clients use (%.80s)", u->server,
                     f->majority_n, f->majority_server);
        else
            snprintf(out->summary, sizeof(out->summary), "%s", u->route_why);
        evidence(out, in->m->last_seen_ms, WHB_SOURCE_MACHINE, "%s",
                 odd_server ? u->server : u->route_why);
    }
    if (u->ms_scan_ms && u->ms_scan_ms > u->scan_ok_ms)
        evidence(out, u->ms_scan_ms, WHB_SOURCE_MACHINE,
                 "its newest scan went to Microsoft's servers (Windows Update service ID)");
    if (u->route_since_ms)
        evidence(out, u->route_since_ms, WHB_SOURCE_COLLECTOR,
                 "so since %s ago (first report "
                 "that showed it)",
                 since);
    snprintf(out->source, sizeof(out->source), "%s",
             "https://learn.microsoft.com/windows/deployment/update/waas-wu-settings");
    return 1;
}

/* The scans against its WSUS server fail: Microsoft's words and mitigation for the code. Many
 * clients failing with HTTP 503 at once is the server's application pool, not this client. */
static int scans_fail(const struct whb_explain_input *in, struct whb_explanation *out)
{
    const struct whb_wu_view *u = &in->m->wu;
    const struct whb_wu_fleet *f = in->wu_fleet;
    char when[32];
    if (!u->scan_fail_ms || u->scan_fail_ms <= u->scan_ok_ms)
        return 0;
    const struct whb_wu_error *e = whb_wu_error_find(u->scan_error);
    ago(in->now_ms, u->scan_fail_ms, when, sizeof(when));
    if (u->scan_error == 0x80244022 && f && f->failing_503 >= FLEET_MANY) {
        answer(out, WHB_REASON_WSUS_UNAVAILABLE, WHB_CONFIDENCE_HIGH,
               "many clients' scans got HTTP 503 from WSUS at once: the server side");
        snprintf(out->summary, sizeof(out->summary),
                 "%u clients' scans failed with 0x80244022 (HTTP 503) within %lld h",
                 f->failing_503, (long long)(in->wu_window_ms / HOUR_MS));
        evidence(out, in->now_ms, WHB_SOURCE_COLLECTOR,
                 "%u clients' newest scans failed with 0x80244022 (HTTP 503)", f->failing_503);
    } else {
        enum whb_confidence c = WHB_CONFIDENCE_HIGH;
        const char *why = "the client's own log says its scans fail";
        /* A code that blames the network while the agent reaches WSUS from the same machine
         * points at what differs: the client's proxy (WinHTTP) or its server name. */
        if (e && (e->cls == WHB_WU_ERR_NETWORK || e->cls == WHB_WU_ERR_PROXY) &&
            in->m->wsus_class[0] && !strcmp(in->m->wsus_class, "ok")) {
            c = WHB_CONFIDENCE_MEDIUM;
            why = "its scans fail to connect while the agent on the same machine reaches WSUS: "
                  "the client's proxy settings (WinHTTP) or the server name it uses";
        }
        answer(out, WHB_REASON_UPDATE_SCAN_FAILING, c, why);
        snprintf(out->summary, sizeof(out->summary), "scans fail with 0x%08X%s%s", u->scan_error,
                 e ? " " : "", e ? e->name : "");
        if (e && e->mitigation)
            snprintf(out->next_step, sizeof(out->next_step), "%s (Microsoft: %s)", e->mitigation,
                     whb_wu_error_source_title(e->fix_from));
        else if (e)
            snprintf(out->next_step, sizeof(out->next_step),
                     "Microsoft documents no mitigation for this code (%s); check the client's "
                     "connection to %.100s and its WindowsUpdate.log (Get-WindowsUpdateLog)",
                     whb_wu_error_source_title(e->words_from), u->server);
        else
            snprintf(out->next_step, sizeof(out->next_step),
                     "The code is not on Microsoft's Windows Update error pages; read the "
                     "client's WindowsUpdate.log (Get-WindowsUpdateLog)");
    }
    evidence(out, u->scan_fail_ms, WHB_SOURCE_MACHINE,
             "scan against WSUS failed %s ago with "
             "0x%08X%s%.150s",
             when, u->scan_error, e ? ": " : "", e ? e->words : "");
    if (u->scan_ok_ms) {
        ago(in->now_ms, u->scan_ok_ms, when, sizeof(when));
        evidence(out, u->scan_ok_ms, WHB_SOURCE_MACHINE, "last good scan against WSUS %s ago",
                 when);
    } else {
        evidence(out, u->scan_fail_ms, WHB_SOURCE_MACHINE,
                 "no good scan against WSUS in the client's log");
    }
    if (e)
        snprintf(out->source, sizeof(out->source), "%s", whb_wu_error_source_url(e->fix_from));
    return 1;
}

static int restart_pending(const struct whb_explain_input *in, struct whb_explanation *out)
{
    const struct whb_wu_view *u = &in->m->wu;
    char when[32];
    if (!u->restart_ms)
        return 0;
    ago(in->now_ms, u->restart_ms, when, sizeof(when));
    answer(out, WHB_REASON_RESTART_PENDING, WHB_CONFIDENCE_MEDIUM,
           "the client asked for a restart in this boot (event 21); whether today's Windows "
           "still stops scanning until then is not documented");
    snprintf(out->summary, sizeof(out->summary), "restart pending for %s", when);
    evidence(out, u->restart_ms, WHB_SOURCE_MACHINE,
             "Restart Required (event 21) %s ago, in this boot", when);
    return 1;
}

static int clock_off(const struct whb_explain_input *in, struct whb_explanation *out)
{
    int64_t off = in->m->clock_offset_ms;
    char by[32];
    if (off < CLOCK_OFF_MS && off > -CLOCK_OFF_MS)
        return 0;
    whb_clock_format_duration(off < 0 ? -off : off, by, sizeof(by));
    answer(out, WHB_REASON_CLOCK_OFF, WHB_CONFIDENCE_MEDIUM,
           "the collector maps every report's send time onto its own clock");
    snprintf(out->summary, sizeof(out->summary), "its clock runs %s %s", by,
             off > 0 ? "behind" : "ahead");
    evidence(out, in->m->last_seen_ms, WHB_SOURCE_COLLECTOR,
             "its clock is %s %s of the collector's (more than Kerberos' default 5 minutes)", by,
             off > 0 ? "behind" : "ahead");
    return 1;
}

int whb_explain_update_client(const struct whb_explain_input *in, struct whb_explanation *out)
{
    const struct whb_wu_view *u = &in->m->wu;
    char when[32];
    if (!u->known)
        return 0;
    if (duplicate_identity(in, out) || service_disabled(in, out) || route_elsewhere(in, out) ||
        scans_fail(in, out) || restart_pending(in, out) || clock_off(in, out))
        return 1;
    /* Nothing wrong in what the client says: what it did last is still worth saying. */
    if (u->scan_ok_ms) {
        ago(in->now_ms, u->scan_ok_ms, when, sizeof(when));
        evidence(out, u->scan_ok_ms, WHB_SOURCE_MACHINE,
                 "its last scan against WSUS (%.100s) "
                 "succeeded %s ago",
                 u->server, when);
    }
    return 0;
}
