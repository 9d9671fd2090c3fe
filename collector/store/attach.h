/* Internal to store/: where a machine is attached, taken from its snapshot at ingest so that the
 * read side can group machines by switch, access point and subnet without decoding snapshots. */
#ifndef WHB_ATTACH_H
#define WHB_ATTACH_H

#include "model.h"
#include "wire.h"

/* Fills the attachment and WSUS fields of view from a snapshot (NULL leaves them empty). */
void whb_attach_from_snapshot(const whb_snapshot *s, struct whb_machine_view *view);

/* "10.1.2.37/24" (the first n bytes of cidr) -> "10.1.2.0/24", as the store names a subnet;
 * 0 when it is no IPv4 address with a prefix (out untouched). */
int whb_attach_subnet(const char *cidr, size_t n, char *out, size_t len);

#endif
