/* A name no agent reports under, resolved as the WSUS import matches it (wsus_match: the
 * ComputerTargetId, FQDN, short name in its domain, the address it had): what `whb why` and
 * `whb history` answer for a computer as the WSUS console shows it. Used by api/ and by the
 * accuracy benchmark, which asks the way the API does. */
#ifndef WHB_STORE_RESOLVE_H
#define WHB_STORE_RESOLVE_H

#include <stdint.h>

#include "store/store.h"

enum whb_resolved_kind {
    WHB_RESOLVED_NONE,      /* neither an agent nor WSUS knows it */
    WHB_RESOLVED_AGENT,     /* machine_id, matched as how */
    WHB_RESOLVED_WSUS_ONLY, /* WSUS lists it (wsus); no agent ever reported from it */
    WHB_RESOLVED_AMBIGUOUS, /* names: every computer or agent it could be */
};

struct whb_resolved {
    enum whb_resolved_kind kind;
    char machine_id[65];
    const char *how; /* "id" (its SusClientId), "fqdn", "short_name", "ip_address" */
    int in_wsus;     /* wsus is the computer of WSUS's list it names */
    struct whb_wsus_computer wsus;
    char names[800];
};

/* For a name get_machine does not know: 0 (out says what it is) or WHB_ESTORE. slack_ms: how
 * far from WSUS's last status an address the agent held still counts (the import's). */
int whb_store_resolve(struct whb_store *st, const char *host, int64_t slack_ms,
                      struct whb_resolved *out);

#endif
