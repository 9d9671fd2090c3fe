/* Internal to api/: a name no agent reports, resolved through WSUS's list and the import's
 * matching (FQDN, short name in its domain, the address it had), and the names a mistyped one
 * is near ("did you mean"). */
#ifndef WHB_API_NAMES_H
#define WHB_API_NAMES_H

#include <jansson.h>

#include "store/resolve.h"
#include "store/store.h"

struct whb_loop;

/* For a name get_machine does not know: 0 (out says what it is) or WHB_ESTORE. */
int whb_api_resolve(struct whb_loop *loop, const char *host, struct whb_resolved *out);

/* Up to 5 agents' or WSUS's names near host, nearest first: a JSON array (maybe empty). */
json_t *whb_api_near_names(struct whb_loop *loop, const char *host);

#endif
