/* SNMP notifications from switches, as net-snmp decoded them (v1 traps, v2c/v3 traps and
 * informs), turned into switch events: IF-MIB linkDown/linkUp (RFC 2863), Cisco's
 * err-disable (CISCO-ERR-DISABLE-MIB) and port-security violation (CISCO-PORT-SECURITY-MIB).
 * Nothing here does I/O; the receiver (trap_recv.c) authenticates the sender first. */
#ifndef WHB_SWITCH_TRAP_H
#define WHB_SWITCH_TRAP_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "event.h"

/* What a decoded notification leaves unsaid, for the receiver to read by polling. */
enum {
    WHB_TRAP_NEEDS_STATUS = 1, /* a link trap without ifAdminStatus: shut or cable is unknown */
    WHB_TRAP_NEEDS_NAME = 2,   /* only the ifIndex names the port */
};

/* Decodes pdu into ev (kind, ifindex, port where a varbind names it, admin, oper, cause, mac,
 * uptime_cs, text); the caller sets sw, source and at_ms. Returns a WHB_TRAP_NEEDS_* mask
 * (0: complete), WHB_ENOTFOUND for notifications about anything else, or WHB_EPROTO for one
 * that is malformed (a link trap that names no interface). On linkDown the port is down
 * whatever ifOperStatus says: RFC 2863 lets that varbind carry the state it left. */
int whb_trap_decode(const netsnmp_pdu *pdu, struct whb_switch_event *ev);

/* "portSecurityViolation", "bpduGuard", ...: CErrDisableFeatureID's names; NULL if unknown. */
const char *whb_trap_errdisable_cause(long id);

#endif
