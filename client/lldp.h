/* LLDP (IEEE 802.1AB) LLDPDU decoding: which switch and port a wired adapter is plugged into. */
#ifndef WHB_LLDP_H
#define WHB_LLDP_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define WHB_LLDP_ETHERTYPE 0x88cc

/* Decodes the LLDPDU that follows the Ethernet header. Returns 0, or WHB_EPROTO when the
 * mandatory TLVs (chassis id, port id, TTL) are missing or any TLV overruns the frame. */
int whb_lldp_decode(const uint8_t *pdu, size_t len, struct whb_lldp *out);

/* Decodes a whole Ethernet frame: checks the EtherType (also behind one 802.1Q tag). */
int whb_lldp_decode_frame(const uint8_t *frame, size_t len, struct whb_lldp *out);

#endif
