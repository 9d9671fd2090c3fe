/* libFuzzer target: what the collector does with a notification net-snmp decoded — from any
 * configured switch, or a device that shares its credentials. The bytes build a PDU (command,
 * v1 fields, then varbinds whose names start from the prefixes the decoder looks for), which
 * is decoded and applied to a port table that lives across inputs, as it does in the
 * collector. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"
#include "trap.h"

static const oid P_IFENTRY[] = {1, 3, 6, 1, 2, 1, 2, 2, 1};
static const oid P_IFX[] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
static const oid P_TRAPOID[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const oid P_UPTIME[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const oid P_ERRDIS[] = {1, 3, 6, 1, 4, 1, 9, 9, 548, 1, 3, 1, 1, 2};
static const oid P_PSEC[] = {1, 3, 6, 1, 4, 1, 9, 9, 315, 1, 2, 1, 1, 10};
static const oid P_LIF[] = {1, 3, 6, 1, 4, 1, 9, 2, 2, 1, 1, 20};
static const oid P_TRAPS[] = {1, 3, 6, 1, 6, 3, 1, 1, 5};
static const oid P_CISCO[] = {1, 3, 6, 1, 4, 1, 9, 9};

static const struct {
    const oid *o;
    size_t n;
} prefixes[] = {
    {P_IFENTRY, 9}, {P_IFX, 10}, {P_TRAPOID, 11}, {P_UPTIME, 9}, {P_ERRDIS, 14},
    {P_PSEC, 14},   {P_LIF, 12}, {P_TRAPS, 9},    {P_CISCO, 8},  {NULL, 0},
};

static const u_char types[] = {ASN_INTEGER, ASN_OCTET_STR, ASN_OBJECT_ID, ASN_TIMETICKS,
                               ASN_COUNTER, ASN_GAUGE,     ASN_NULL,      ASN_IPADDRESS};

struct in {
    const uint8_t *p;
    size_t n;
};

static int take(struct in *in, uint8_t *b)
{
    if (in->n == 0)
        return 0;
    *b = *in->p++;
    in->n--;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct whb_switch_ports *table;
    if (!table)
        table = whb_switch_ports_new(4, 64);
    struct in in = {data, size};
    uint8_t b;
    if (!take(&in, &b))
        return 0;
    static const int commands[] = {SNMP_MSG_TRAP, SNMP_MSG_TRAP2, SNMP_MSG_INFORM};
    netsnmp_pdu *pdu = snmp_pdu_create(commands[b % 3]);
    if (pdu->command == SNMP_MSG_TRAP && take(&in, &b)) {
        pdu->trap_type = b % 8;
        pdu->specific_type = take(&in, &b) ? b : 0;
        pdu->time = take(&in, &b) ? b * 1000u : 0;
        if (b & 1) {
            static const oid ent[] = {1, 3, 6, 1, 4, 1, 9, 9, 548};
            pdu->enterprise = snmp_duplicate_objid(ent, b & 2 ? 9 : 8);
            pdu->enterprise_length = b & 2 ? 9 : 8;
        }
    }
    /* Varbinds: prefix, extra sub-ids, type, value. */
    for (int k = 0; k < 16 && take(&in, &b); k++) {
        oid name[MAX_OID_LEN];
        size_t nl = 0;
        const size_t pi = b % (sizeof(prefixes) / sizeof(prefixes[0]));
        if (prefixes[pi].o) {
            memcpy(name, prefixes[pi].o, prefixes[pi].n * sizeof(oid));
            nl = prefixes[pi].n;
        }
        uint8_t extra = 0;
        take(&in, &extra);
        for (unsigned e = 0; e < extra % 5 && nl < MAX_OID_LEN; e++) {
            uint8_t s = 0;
            take(&in, &s);
            name[nl++] = s == 255 ? 0xffffffffu : s;
        }
        if (nl == 0)
            name[nl++] = 1;
        uint8_t t = 0, len = 0;
        take(&in, &t);
        take(&in, &len);
        u_char type = types[t % sizeof(types)];
        uint8_t val[64] = {0};
        size_t vl = len % sizeof(val);
        if (vl > in.n)
            vl = in.n;
        memcpy(val, in.p, vl);
        in.p += vl;
        in.n -= vl;
        if (type == ASN_INTEGER || type == ASN_TIMETICKS || type == ASN_COUNTER ||
            type == ASN_GAUGE) {
            long v = 0;
            memcpy(&v, val, vl < sizeof(v) ? vl : sizeof(v));
            snmp_pdu_add_variable(pdu, name, nl, type, &v, sizeof(v));
        } else if (type == ASN_OBJECT_ID) {
            oid o[16];
            size_t ol = vl < 16 ? vl : 16;
            for (size_t i = 0; i < ol; i++)
                o[i] = val[i];
            if (ol >= 2 && val[0] < 9) /* now and then a real notification OID */
                memcpy(o, P_TRAPS, (ol = 10) * sizeof(oid) - sizeof(oid)), o[9] = val[1] % 6;
            snmp_pdu_add_variable(pdu, name, nl, type, o, ol * sizeof(oid));
        } else {
            snmp_pdu_add_variable(pdu, name, nl, type, val, vl);
        }
    }
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    int rc = whb_trap_decode(pdu, &ev);
    if (rc >= 0) {
        if (ev.ifindex <= 0 || ev.kind <= WHB_SW_NONE || ev.kind >= WHB_SW_KIND_COUNT_)
            abort(); /* a decoded notification names a port and says something */
        for (const char *s = ev.text; *s; s++)
            if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
                abort();
        snprintf(ev.sw, sizeof(ev.sw), "sw-%u", (unsigned)(size % 5));
        ev.source = WHB_SWSRC_TRAP;
        ev.at_ms = (int64_t)size;
        int a = whb_switch_ports_apply(table, &ev);
        if (a >= 0) {
            const struct whb_switch_port *p = whb_switch_ports_get(table, ev.sw, NULL, ev.ifindex);
            if (!p || p->ifindex != ev.ifindex)
                abort(); /* what was applied can be found */
        }
    }
    snmp_free_pdu(pdu);
    return 0;
}
