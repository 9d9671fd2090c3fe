/* Internal to explain/: the Windows Update client's story (rules_update.c) for a machine that is
 * on and online: duplicate WSUS identity, a disabled service, a client that scans or reports
 * elsewhere (alone, or with many at once: a policy that stopped applying), failing scans in
 * Microsoft's words, a pending restart, a clock that is off. */
#ifndef WHB_EXPLAIN_RULES_UPDATE_H
#define WHB_EXPLAIN_RULES_UPDATE_H

#include "explain/explain.h"

/* Fills out (reason, confidence, summary, evidence, next step, source) and returns 1 when the
 * client's own story explains why WSUS does not hear from the machine; 0 (with at most some
 * evidence added) when it does not. */
int whb_explain_update_client(const struct whb_explain_input *in, struct whb_explanation *out);

#endif
