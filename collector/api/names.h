/* Internal to api/: a name no agent reports, resolved through WSUS's list and the import's
 * matching (FQDN, short name in its domain, the address it had), and the names a mistyped one
 * is near ("did you mean"). */
#ifndef WHB_API_NAMES_H
#define WHB_API_NAMES_H

#include <jansson.h>

#include "store/store.h"

struct whb_loop;

enum whb_resolved_kind {
    WHB_RESOLVED_NONE,      /* neither an agent nor WSUS knows it */
    WHB_RESOLVED_AGENT,     /* machine_id, matched as how */
    WHB_RESOLVED_WSUS_ONLY, /* WSUS lists it (wsus); no agent ever reported from it */
    WHB_RESOLVED_AMBIGUOUS, /* names: every computer or agent it could be */
};

struct whb_resolved {
    enum whb_resolved_kind kind;
    char machine_id[65];
    const char *how; /* "fqdn", "short_name", "ip_address" */
    int in_wsus;     /* wsus is the computer of WSUS's list it names */
    struct whb_wsus_computer wsus;
    char names[800];
};

/* For a name get_machine does not know: 0 (out says what it is) or WHB_ESTORE. */
int whb_api_resolve(struct whb_loop *loop, const char *host, struct whb_resolved *out);

/* Up to 5 agents' or WSUS's names near host, nearest first: a JSON array (maybe empty). */
json_t *whb_api_near_names(struct whb_loop *loop, const char *host);

#endif
