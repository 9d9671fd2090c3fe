/* Implementation of lldp.h. TLV: 7-bit type, 9-bit length, value. */
#include "lldp.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "text.h"

enum {
    TLV_END = 0,
    TLV_CHASSIS = 1,
    TLV_PORT = 2,
    TLV_TTL = 3,
    TLV_PORT_DESC = 4,
    TLV_SYS_NAME = 5,
    TLV_MGMT_ADDR = 8
};

/* Chassis subtype 4 and port subtype 3 are MAC addresses; 5 (chassis) and 4 (port) network
 * addresses; the rest are text. */
static void format_mac(const uint8_t *v, size_t n, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used + 3 < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, i ? ":%02x" : "%02x", v[i]);
}

static void format_addr(const uint8_t *v, size_t n, char *out, size_t outlen)
{
    /* IANA address family 1 = IPv4. */
    if (n == 5 && v[0] == 1)
        snprintf(out, outlen, "%u.%u.%u.%u", v[1], v[2], v[3], v[4]);
    else
        format_mac(v, n, out, outlen);
}

/* Management Address TLV (802.1AB 8.5.9): address string length (subtype included), IANA
 * address family (1 IPv4, 2 IPv6), the address, then interface numbering and an OID. The
 * collector reads the switch by SNMP there. The first IPv4 address wins over IPv6 ones. */
static void format_mgmt(const uint8_t *v, size_t n, char *out, size_t outlen)
{
    if (n < 2 || v[0] < 2 || (size_t)v[0] + 1 > n)
        return;
    size_t alen = (size_t)v[0] - 1;
    const uint8_t *a = v + 2;
    if (v[1] == 1 && alen == 4) {
        snprintf(out, outlen, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    } else if (v[1] == 2 && alen == 16 && !out[0]) {
        size_t used = 0;
        for (int i = 0; i < 8 && used + 6 < outlen; i++)
            used += (size_t)snprintf(out + used, outlen - used, i ? ":%x" : "%x",
                                     (unsigned)(a[2 * i] << 8 | a[2 * i + 1]));
    }
}

static void format_id(int chassis, const uint8_t *v, size_t n, char *out, size_t outlen)
{
    if (n < 2) {
        out[0] = '\0';
        return;
    }
    uint8_t sub = v[0];
    if ((chassis && sub == 4) || (!chassis && sub == 3))
        format_mac(v + 1, n - 1, out, outlen);
    else if ((chassis && sub == 5) || (!chassis && sub == 4))
        format_addr(v + 1, n - 1, out, outlen);
    else
        whb_text_escape(v + 1, n - 1, out, outlen);
}

int whb_lldp_decode(const uint8_t *pdu, size_t len, struct whb_lldp *out)
{
    int seen_chassis = 0, seen_port = 0, seen_ttl = 0;
    size_t off = 0;
    memset(out, 0, sizeof(*out));
    while (off + 2 <= len) {
        unsigned type = pdu[off] >> 1;
        size_t tlen = ((size_t)(pdu[off] & 1) << 8) | pdu[off + 1];
        off += 2;
        if (tlen > len - off)
            return WHB_EPROTO;
        const uint8_t *v = pdu + off;
        switch (type) {
        case TLV_END:
            return seen_chassis && seen_port && seen_ttl ? 0 : WHB_EPROTO;
        case TLV_CHASSIS:
            format_id(1, v, tlen, out->chassis_id, sizeof(out->chassis_id));
            seen_chassis = tlen >= 2;
            break;
        case TLV_PORT:
            format_id(0, v, tlen, out->port_id, sizeof(out->port_id));
            seen_port = tlen >= 2;
            break;
        case TLV_TTL:
            seen_ttl = tlen == 2;
            break;
        case TLV_PORT_DESC:
            whb_text_escape(v, tlen, out->port_description, sizeof(out->port_description));
            break;
        case TLV_SYS_NAME:
            whb_text_escape(v, tlen, out->system_name, sizeof(out->system_name));
            break;
        case TLV_MGMT_ADDR:
            if (!strchr(out->mgmt_address, '.')) /* an IPv4 address already won */
                format_mgmt(v, tlen, out->mgmt_address, sizeof(out->mgmt_address));
            break;
        default:
            break;
        }
        off += tlen;
    }
    /* No End TLV: accept when the mandatory ones came and the frame ended cleanly. */
    return off == len && seen_chassis && seen_port && seen_ttl ? 0 : WHB_EPROTO;
}

int whb_lldp_decode_frame(const uint8_t *frame, size_t len, struct whb_lldp *out)
{
    if (len < 14)
        return WHB_EPROTO;
    size_t off = 12;
    unsigned type = (unsigned)frame[off] << 8 | frame[off + 1];
    if (type == 0x8100 && len >= 18) {
        off += 4;
        type = (unsigned)frame[off] << 8 | frame[off + 1];
    }
    if (type != WHB_LLDP_ETHERTYPE)
        return WHB_EPROTO;
    return whb_lldp_decode(frame + off + 2, len - off - 2, out);
}
