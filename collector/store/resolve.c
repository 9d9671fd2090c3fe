/* Implementation of resolve.h: a computer as the WSUS console shows it, resolved the way the
 * WSUS import matches (wsus_match). */
#include "store/resolve.h"

#include <stdio.h>
#include <string.h>

#include "error.h"

#define FIND_MAX 4

int whb_store_resolve(struct whb_store *st, const char *host, int64_t slack_ms,
                      struct whb_resolved *out)
{
    struct whb_wsus_computer found[FIND_MAX];
    struct whb_wsus_match match;
    int n = 0;
    memset(out, 0, sizeof(*out));
    if (st->ops->wsus_find(st, host, found, FIND_MAX, &n))
        return WHB_ESTORE;
    if (n > 1) {
        size_t used = (size_t)snprintf(out->names, sizeof(out->names),
                                       "WSUS lists %s%d computers "
                                       "for %s:",
                                       n == FIND_MAX ? "at least " : "", n, host);
        for (int i = 0; i < n && used < sizeof(out->names); i++)
            used += (size_t)snprintf(out->names + used, sizeof(out->names) - used, "%s %s",
                                     i ? "," : "", found[i].fqdn);
        if (used < sizeof(out->names))
            snprintf(out->names + used, sizeof(out->names) - used, "; ask by FQDN");
        out->kind = WHB_RESOLVED_AMBIGUOUS;
        return 0;
    }
    if (n == 1) {
        out->wsus = found[0];
        out->in_wsus = 1;
    } else {
        snprintf(out->wsus.fqdn, sizeof(out->wsus.fqdn), "%s", host);
    }
    if (st->ops->wsus_match(st, &out->wsus, slack_ms, &match))
        return WHB_ESTORE;
    switch (match.kind) {
    case WHB_MATCH_ID: /* its SusClientId: the agent, though it reports another name now */
    case WHB_MATCH_FQDN:
    case WHB_MATCH_SHORT_NAME:
    case WHB_MATCH_IP:
        out->kind = WHB_RESOLVED_AGENT;
        out->how = match.kind == WHB_MATCH_ID           ? "id"
                   : match.kind == WHB_MATCH_FQDN       ? "fqdn"
                   : match.kind == WHB_MATCH_SHORT_NAME ? "short_name"
                                                        : "ip_address";
        snprintf(out->machine_id, sizeof(out->machine_id), "%s", match.machine_id);
        break;
    case WHB_MATCH_AMBIGUOUS:
        out->kind = WHB_RESOLVED_AMBIGUOUS;
        snprintf(out->names, sizeof(out->names),
                 "several agents could be %.200s: %.500s; ask with the FQDN an agent reports",
                 out->wsus.fqdn, match.candidates);
        break;
    case WHB_MATCH_DUPLICATE_ID:
        /* A cloned image: every agent with that identity named, none picked. */
        out->kind = WHB_RESOLVED_AMBIGUOUS;
        snprintf(out->names, sizeof(out->names),
                 "several agents have the WSUS identity of %.200s (a cloned image?): %.500s; "
                 "ask with the FQDN an agent reports",
                 out->wsus.fqdn, match.candidates);
        break;
    default:
        out->kind = out->in_wsus ? WHB_RESOLVED_WSUS_ONLY : WHB_RESOLVED_NONE;
    }
    return 0;
}
