/* Internal to store/: where a machine is attached, taken from its snapshot at ingest so that the
 * read side can group machines by switch, access point and subnet without decoding snapshots. */
#ifndef WHB_ATTACH_H
#define WHB_ATTACH_H

#include "model.h"
#include "wire.h"

/* Fills the attachment and WSUS fields of view from a snapshot (NULL leaves them empty). */
void whb_attach_from_snapshot(const whb_snapshot *s, struct whb_machine_view *view);

#endif
