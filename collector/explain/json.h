/* The engine's answers and the machine they are about, as JSON: the shapes `whb why --json`,
 * the history, the lists and the summaries share. */
#ifndef WHB_EXPLAIN_JSON_H
#define WHB_EXPLAIN_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "explain/explain.h"

/* An ISO 8601 UTC time, JSON null for 0 (never). */
json_t *whb_json_iso(int64_t ms);

/* Where the machine is attached: adapter, switch, port, SSID, BSSID, subnet. */
json_t *whb_json_attachment(const struct whb_machine_view *m);

/* Appends each piece of x's evidence with who says so. */
void whb_json_evidence(json_t *list, const struct whb_explanation *x);

/* The explanation as `whb why --json` prints it; m NULL when no agent ever reported. */
json_t *whb_json_explanation(const char *host, const struct whb_machine_view *m,
                             const struct whb_explanation *x);

#endif
