/* Sends WSUS's computer list to the collector in parts of one import session, each under the
 * collector's body limit, and gathers the answers page by page. */
#ifndef WHB_CLI_IMPORT_H
#define WHB_CLI_IMPORT_H

#include <jansson.h>

#include "client.h"
#include "wsus_csv.h"

/* Part size to start with; halved on 413 down to 1 KiB. */
#define WHB_IMPORT_PART_BYTES (32 * 1024)

/* On success *answer is the collector's final answer with every page of answers appended to
 * "answers"; else why (with *http the collector's status, 0 for transport failures). */
int whb_import_send(struct whb_cli *c, const struct whb_wsus_list *l, json_t **answer, long *http,
                    char *why, size_t whylen);

#endif
