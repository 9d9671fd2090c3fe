/* Internal to store/: a machine's Windows Update client as its snapshot tells it, read at ingest
 * into the columns the engine and the fleet queries use (model.h, struct whb_wu_view): its
 * identity at WSUS, where it scans and reports and why, its newest scans against its WSUS
 * server and against Microsoft's, the services it needs that are disabled, a pending
 * restart. */
#ifndef WHB_ATTACH_WU_H
#define WHB_ATTACH_WU_H

#include <stdint.h>

#include "model.h"
#include "wire.h"

/* u NULL: not known. probe_url is the WSUS URL the agent probes ("" when none); off maps the
 * agent's clock onto the collector's. */
void whb_attach_update_client(const Whb__V1__UpdateClient *u, const char *probe_url, int64_t off,
                              struct whb_wu_view *v);

/* A fingerprint of v (0 for an unknown client): the row is written only when it changes. */
uint64_t whb_wu_view_hash(const struct whb_wu_view *v);

#endif
