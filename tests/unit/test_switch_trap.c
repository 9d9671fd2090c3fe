/* SNMP notifications as net-snmp hands them to the receiver, decoded into switch events, and
 * the port table those events keep: linkDown whose ifOperStatus is the state it left, traps
 * without status varbinds, SNMPv1, Cisco's err-disable and port-security notifications, late
 * traps, ports known by name and by ifIndex becoming one, and the table's bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ports.h"
#include "trap.h"

static const oid TRAPOID[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const oid UPTIME[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};

/* A v2c notification: sysUpTime.0, snmpTrapOID.0, then the caller's varbinds. */
static netsnmp_pdu *notification(const char *trapoid, long uptime)
{
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_TRAP2);
    oid t[MAX_OID_LEN];
    size_t tl = 0;
    /* Numeric only: no MIB is loaded (Debian ships none of the IETF's). */
    for (const char *c = trapoid; *c && tl < MAX_OID_LEN;) {
        char *end;
        t[tl++] = (oid)strtoul(c + (*c == '.'), &end, 10);
        c = end;
    }
    snmp_pdu_add_variable(pdu, UPTIME, 9, ASN_TIMETICKS, &uptime, sizeof(uptime));
    snmp_pdu_add_variable(pdu, TRAPOID, 11, ASN_OBJECT_ID, t, tl * sizeof(oid));
    return pdu;
}

static const oid IFENTRY[] = {1, 3, 6, 1, 2, 1, 2, 2, 1};

static void if_column(netsnmp_pdu *pdu, int column, long ifindex, long value)
{
    oid name[11];
    memcpy(name, IFENTRY, sizeof(IFENTRY));
    name[9] = (oid)column;
    name[10] = (oid)ifindex;
    snmp_pdu_add_variable(pdu, name, 11, ASN_INTEGER, &value, sizeof(value));
}

static void if_string(netsnmp_pdu *pdu, const oid *entry, size_t elen, int column, long ifindex,
                      const char *s)
{
    oid name[MAX_OID_LEN];
    memcpy(name, entry, elen * sizeof(oid));
    name[elen] = (oid)column;
    name[elen + 1] = (oid)ifindex;
    snmp_pdu_add_variable(pdu, name, elen + 2, ASN_OCTET_STR, s, strlen(s));
}

static int decode(netsnmp_pdu *pdu, struct whb_switch_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    int rc = whb_trap_decode(pdu, ev);
    snmp_free_pdu(pdu);
    return rc;
}

static void link_down_says_shut_or_link_lost(void **state)
{
    (void)state;
    struct whb_switch_event ev;
    /* Shut: ifAdminStatus down(2). */
    netsnmp_pdu *p = notification(".1.3.6.1.6.3.1.1.5.3", 12345);
    if_column(p, 1, 3, 3);
    if_column(p, 7, 3, 2);
    if_column(p, 8, 3, 2);
    assert_int_equal(decode(p, &ev), WHB_TRAP_NEEDS_NAME);
    assert_int_equal(ev.kind, WHB_SW_ADMIN_DOWN);
    assert_int_equal(ev.ifindex, 3);
    assert_int_equal(ev.admin, WHB_IF_DOWN);
    assert_int_equal(ev.oper, WHB_IF_DOWN);
    assert_int_equal(ev.uptime_cs, 12345);

    /* Link lost on an enabled port, ifOperStatus carrying the state it left (up). */
    p = notification(".1.3.6.1.6.3.1.1.5.3", 200);
    if_column(p, 1, 4, 4);
    if_column(p, 7, 4, 1);
    if_column(p, 8, 4, 1);
    assert_int_equal(decode(p, &ev), WHB_TRAP_NEEDS_NAME);
    assert_int_equal(ev.kind, WHB_SW_LINK_DOWN);
    assert_int_equal(ev.admin, WHB_IF_UP);
    assert_int_equal(ev.oper, WHB_IF_DOWN);

    /* No status varbinds at all: the receiver must read them. */
    p = notification(".1.3.6.1.6.3.1.1.5.3", 300);
    if_column(p, 1, 5, 5);
    assert_int_equal(decode(p, &ev), WHB_TRAP_NEEDS_NAME | WHB_TRAP_NEEDS_STATUS);
    assert_int_equal(ev.kind, WHB_SW_LINK_DOWN);
    assert_int_equal(ev.admin, WHB_IF_UNKNOWN);

    /* Only the status columns: their instance is the ifIndex. Cisco adds ifDescr and its
     * reason. */
    p = notification(".1.3.6.1.6.3.1.1.5.3", 400);
    if_column(p, 7, 10103, 2);
    if_column(p, 8, 10103, 2);
    if_string(p, IFENTRY, 9, 2, 10103, "GigabitEthernet1/0/3");
    static const oid lif[] = {1, 3, 6, 1, 4, 1, 9, 2, 2, 1, 1};
    if_string(p, lif, 11, 20, 10103, "administratively down");
    assert_int_equal(decode(p, &ev), 0);
    assert_int_equal(ev.ifindex, 10103);
    assert_string_equal(ev.port, "GigabitEthernet1/0/3");
    assert_string_equal(ev.text, "administratively down");
    assert_int_equal(ev.kind, WHB_SW_ADMIN_DOWN);

    /* Cisco's own format (no "snmp-server trap link ietf"): ifIndex, ifDescr, ifType and
     * locIfReason, no status columns. Its reason says a shut; any other reason leaves the
     * port's state to be read. */
    p = notification(".1.3.6.1.6.3.1.1.5.3", 450);
    if_column(p, 1, 10104, 10104);
    if_string(p, IFENTRY, 9, 2, 10104, "GigabitEthernet1/0/4");
    if_column(p, 3, 10104, 6);
    if_string(p, lif, 11, 20, 10104, "administratively down");
    assert_int_equal(decode(p, &ev), 0);
    assert_int_equal(ev.kind, WHB_SW_ADMIN_DOWN);
    assert_int_equal(ev.admin, WHB_IF_DOWN);
    p = notification(".1.3.6.1.6.3.1.1.5.3", 460);
    if_column(p, 1, 10104, 10104);
    if_string(p, IFENTRY, 9, 2, 10104, "GigabitEthernet1/0/4");
    if_column(p, 3, 10104, 6);
    if_string(p, lif, 11, 20, 10104, "down");
    assert_int_equal(decode(p, &ev), WHB_TRAP_NEEDS_STATUS);
    assert_int_equal(ev.kind, WHB_SW_LINK_DOWN);
    assert_int_equal(ev.admin, WHB_IF_UNKNOWN);
    assert_string_equal(ev.port, "GigabitEthernet1/0/4");

    /* ifName wins over ifDescr whatever the order. */
    static const oid ifx[] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
    p = notification(".1.3.6.1.6.3.1.1.5.4", 500);
    if_column(p, 1, 7, 7);
    if_string(p, ifx, 10, 1, 7, "Gi1/0/7");
    if_string(p, IFENTRY, 9, 2, 7, "GigabitEthernet1/0/7");
    assert_int_equal(decode(p, &ev), 0);
    assert_int_equal(ev.kind, WHB_SW_LINK_UP);
    assert_string_equal(ev.port, "Gi1/0/7");
    assert_int_equal(ev.admin, WHB_IF_UP);
    assert_int_equal(ev.oper, WHB_IF_UP);
}

static void v1_and_vendor_notifications(void **state)
{
    (void)state;
    struct whb_switch_event ev;
    /* SNMPv1 generic linkDown: the first varbind is ifIndex. */
    netsnmp_pdu *p = snmp_pdu_create(SNMP_MSG_TRAP);
    p->trap_type = SNMP_TRAP_LINKDOWN;
    p->time = 777;
    if_column(p, 1, 9, 9);
    assert_int_equal(decode(p, &ev), WHB_TRAP_NEEDS_NAME | WHB_TRAP_NEEDS_STATUS);
    assert_int_equal(ev.kind, WHB_SW_LINK_DOWN);
    assert_int_equal(ev.ifindex, 9);
    assert_int_equal(ev.uptime_cs, 777);

    /* cErrDisableInterfaceEventRev1: cErrDisableIfStatusCause.<ifIndex>.<vlan 0> = 9. */
    p = notification(".1.3.6.1.4.1.9.9.548.0.2", 900);
    static const oid cause[] = {1, 3, 6, 1, 4, 1, 9, 9, 548, 1, 3, 1, 1, 2, 10114};
    long nine = 9;
    oid name[16];
    memcpy(name, cause, sizeof(cause));
    name[15] = 0;
    snmp_pdu_add_variable(p, name, 16, ASN_INTEGER, &nine, sizeof(nine));
    assert_int_equal(decode(p, &ev), WHB_TRAP_NEEDS_NAME);
    assert_int_equal(ev.kind, WHB_SW_ERR_DISABLED);
    assert_int_equal(ev.ifindex, 10114);
    assert_string_equal(ev.cause, "portSecurityViolation");
    assert_int_equal(ev.oper, WHB_IF_DOWN);

    /* The same from SNMPv1: enterprise 548, specific 2. */
    p = snmp_pdu_create(SNMP_MSG_TRAP);
    static const oid ent[] = {1, 3, 6, 1, 4, 1, 9, 9, 548};
    p->enterprise = snmp_duplicate_objid(ent, 9);
    p->enterprise_length = 9;
    p->trap_type = SNMP_TRAP_ENTERPRISESPECIFIC;
    p->specific_type = 2;
    long two = 2;
    name[15] = 0;
    snmp_pdu_add_variable(p, name, 16, ASN_INTEGER, &two, sizeof(two));
    assert_int_equal(decode(p, &ev), WHB_TRAP_NEEDS_NAME);
    assert_string_equal(ev.cause, "bpduGuard");

    /* cpsSecureMacAddrViolation: ifIndex, ifName, the offending MAC. */
    p = notification(".1.3.6.1.4.1.9.9.315.0.0.1", 1000);
    if_column(p, 1, 10114, 10114);
    static const oid ifx[] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
    if_string(p, ifx, 10, 1, 10114, "Gi1/0/14");
    static const oid lastmac[] = {1, 3, 6, 1, 4, 1, 9, 9, 315, 1, 2, 1, 1, 10, 10114};
    static const u_char mac[6] = {0x00, 0x13, 0x1a, 0x41, 0x54, 0x4e};
    snmp_pdu_add_variable(p, lastmac, 15, ASN_OCTET_STR, mac, 6);
    assert_int_equal(decode(p, &ev), 0);
    assert_int_equal(ev.kind, WHB_SW_PORT_SECURITY);
    assert_string_equal(ev.mac, "00:13:1a:41:54:4e");
    assert_string_equal(ev.port, "Gi1/0/14");

    /* Not about a port: coldStart. Malformed: a linkDown naming no interface. */
    p = notification(".1.3.6.1.6.3.1.1.5.1", 1);
    assert_int_equal(decode(p, &ev), WHB_ENOTFOUND);
    p = notification(".1.3.6.1.6.3.1.1.5.3", 1);
    assert_int_equal(decode(p, &ev), WHB_EPROTO);
    /* A status varbind of the wrong type is ignored, not trusted. */
    p = notification(".1.3.6.1.6.3.1.1.5.3", 1);
    if_column(p, 1, 3, 3);
    if_string(p, IFENTRY, 9, 7, 3, "down");
    assert_int_equal(decode(p, &ev), WHB_TRAP_NEEDS_NAME | WHB_TRAP_NEEDS_STATUS);
    assert_int_equal(ev.admin, WHB_IF_UNKNOWN);
}

/* --- the port table ------------------------------------------------------------------- */

static struct whb_switch_event ev_of(enum whb_switch_kind k, const char *port, int32_t ifindex,
                                     int64_t at)
{
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = k;
    ev.source = WHB_SWSRC_SYSLOG;
    snprintf(ev.sw, sizeof(ev.sw), "sw-access-1");
    snprintf(ev.port, sizeof(ev.port), "%s", port);
    ev.ifindex = ifindex;
    ev.at_ms = at;
    return ev;
}

static void shut_then_line_protocol_stays_shut(void **state)
{
    (void)state;
    struct whb_switch_ports *t = whb_switch_ports_new(4, 64);
    struct whb_switch_event ev = ev_of(WHB_SW_ADMIN_DOWN, "GigabitEthernet1/0/3", 0, 1000);
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    ev = ev_of(WHB_SW_LINK_DOWN, "Gi1/0/3", 0, 2000); /* LINEPROTO: admin not said */
    assert_int_equal(whb_switch_ports_apply(t, &ev), 0);
    const struct whb_switch_port *p = whb_switch_ports_get(t, "sw-access-1", "Gi1/0/3", 0);
    assert_non_null(p);
    assert_int_equal(p->admin, WHB_IF_DOWN);
    assert_int_equal(p->oper, WHB_IF_DOWN);
    assert_int_equal(p->changed_ms, 1000);
    assert_string_equal(p->name, "GigabitEthernet1/0/3");

    /* Link lost with admin unknown, then a poll says the port is enabled. */
    ev = ev_of(WHB_SW_LINK_DOWN, "Gi1/0/4", 0, 3000);
    whb_switch_ports_apply(t, &ev);
    p = whb_switch_ports_get(t, "sw-access-1", "GigabitEthernet1/0/4", 0);
    assert_int_equal(p->admin, WHB_IF_UNKNOWN);
    ev = ev_of(WHB_SW_POLL, "Gi1/0/4", 0, 3500);
    ev.source = WHB_SWSRC_POLL;
    ev.admin = WHB_IF_UP;
    ev.oper = WHB_IF_DOWN;
    ev.since_ms = 2900;
    ev.speed_mbps = 1000;
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    assert_int_equal(p->admin, WHB_IF_UP);
    assert_int_equal(p->changed_ms, 2900);

    /* err-disabled, then the link back clears it. */
    ev = ev_of(WHB_SW_ERR_DISABLED, "Gi1/0/4", 0, 4000);
    snprintf(ev.cause, sizeof(ev.cause), "bpduguard");
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    p = whb_switch_ports_get(t, "sw-access-1", "Gi1/0/4", 0);
    assert_true(p->err_disabled);
    assert_string_equal(p->cause, "bpduguard");
    ev = ev_of(WHB_SW_LINK_UP, "Gi1/0/4", 0, 5000);
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    assert_false(p->err_disabled);
    assert_int_equal(p->oper, WHB_IF_UP);

    /* Who configured the switch: switch-wide. */
    ev = ev_of(WHB_SW_CONFIG, "", 0, 6000);
    snprintf(ev.who, sizeof(ev.who), "admin");
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    assert_string_equal(whb_switch_ports_switch(t, "sw-access-1")->config_who, "admin");
    whb_switch_ports_free(t);
}

static void name_and_ifindex_become_one_port(void **state)
{
    (void)state;
    struct whb_switch_ports *t = whb_switch_ports_new(4, 64);
    struct whb_switch_event ev = ev_of(WHB_SW_LINK_DOWN, "", 10103, 1000); /* trap */
    ev.admin = WHB_IF_UP;
    ev.uptime_cs = 5000;
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    ev = ev_of(WHB_SW_LINK_DOWN, "GigabitEthernet1/0/3", 0, 1100); /* syslog */
    whb_switch_ports_apply(t, &ev);
    ev = ev_of(WHB_SW_POLL, "Gi1/0/3", 10103, 1200); /* a poll knows both */
    ev.source = WHB_SWSRC_POLL;
    ev.admin = WHB_IF_UP;
    ev.oper = WHB_IF_DOWN;
    ev.uptime_cs = 5100;
    whb_switch_ports_apply(t, &ev);
    const struct whb_switch_port *a = whb_switch_ports_get(t, "sw-access-1", "Gi1/0/3", 0);
    const struct whb_switch_port *b = whb_switch_ports_get(t, "sw-access-1", NULL, 10103);
    assert_non_null(a);
    assert_ptr_equal(a, b);
    assert_int_equal(a->ifindex, 10103);
    assert_string_equal(a->name, "GigabitEthernet1/0/3");
    whb_switch_ports_free(t);
}

static void count_port(void *arg, const struct whb_switch_port *p)
{
    (void)p;
    (*(unsigned *)arg)++;
}

static void late_traps_do_not_undo_a_poll(void **state)
{
    (void)state;
    struct whb_switch_ports *t = whb_switch_ports_new(4, 64);
    struct whb_switch_event ev = ev_of(WHB_SW_POLL, "swp1", 3, 1000);
    ev.source = WHB_SWSRC_POLL;
    ev.admin = WHB_IF_UP;
    ev.oper = WHB_IF_UP;
    ev.uptime_cs = 50000;
    whb_switch_ports_apply(t, &ev);
    /* A linkDown sent before the poll read "up" (its sysUpTime is older) arrives now. */
    ev = ev_of(WHB_SW_LINK_DOWN, "", 3, 2000);
    ev.source = WHB_SWSRC_TRAP;
    ev.uptime_cs = 49000;
    assert_int_equal(whb_switch_ports_apply(t, &ev), 0);
    const struct whb_switch_port *p = whb_switch_ports_get(t, "sw-access-1", "swp1", 0);
    assert_int_equal(p->oper, WHB_IF_UP);
    /* One sent after it counts. */
    ev.uptime_cs = 51000;
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    assert_int_equal(p->oper, WHB_IF_DOWN);
    /* After a restart sysUpTime starts again: small is new, not late. */
    ev = ev_of(WHB_SW_LINK_UP, "", 3, 3000);
    ev.uptime_cs = 100;
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    assert_int_equal(p->oper, WHB_IF_UP);

    /* A read that contradicts what the switch sent just before is a stale table (net-snmp
     * caches its interfaces for seconds); a read later than that counts. */
    ev = ev_of(WHB_SW_ADMIN_DOWN, "swp1", 0, 3500);
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    ev = ev_of(WHB_SW_POLL, "swp1", 3, 4500);
    ev.source = WHB_SWSRC_POLL;
    ev.admin = WHB_IF_UP;
    ev.oper = WHB_IF_UP;
    assert_int_equal(whb_switch_ports_apply(t, &ev), 0);
    assert_int_equal(p->admin, WHB_IF_DOWN);
    ev.at_ms = 9000;
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    assert_int_equal(p->admin, WHB_IF_UP);

    /* The speed and what it was before (Wake-on-LAN renegotiates 1000 -> 100). */
    ev = ev_of(WHB_SW_POLL, "swp1", 3, 4000);
    ev.source = WHB_SWSRC_POLL;
    ev.speed_mbps = 1000;
    whb_switch_ports_apply(t, &ev);
    ev.speed_mbps = 100;
    ev.at_ms = 5000;
    assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    assert_int_equal(p->speed_mbps, 100);
    assert_int_equal(p->prev_speed_mbps, 1000);
    assert_int_equal(p->speed_changed_ms, 5000);
    whb_switch_ports_free(t);
}

static void bounded(void **state)
{
    (void)state;
    struct whb_switch_ports *t = whb_switch_ports_new(2, 600);
    struct whb_switch_event ev;
    char name[32];
    for (int i = 1; i <= 600; i++) {
        snprintf(name, sizeof(name), "Gi1/0/%d", i);
        ev = ev_of(WHB_SW_LINK_UP, name, 1000 + i, i);
        assert_int_equal(whb_switch_ports_apply(t, &ev), 1);
    }
    ev = ev_of(WHB_SW_LINK_UP, "Gi1/0/601", 0, 1);
    assert_int_equal(whb_switch_ports_apply(t, &ev), WHB_EBUSY);
    for (int i = 1; i <= 600; i++) {
        snprintf(name, sizeof(name), "GigabitEthernet1/0/%d", i);
        const struct whb_switch_port *a = whb_switch_ports_get(t, "sw-access-1", name, 0);
        assert_non_null(a);
        assert_ptr_equal(a, whb_switch_ports_get(t, "sw-access-1", NULL, 1000 + i));
    }
    unsigned n = 0;
    assert_int_equal(whb_switch_ports_each(t, "sw-access-1", count_port, &n), 600);
    assert_int_equal(n, 600);
    snprintf(ev.sw, sizeof(ev.sw), "sw-2");
    assert_true(whb_switch_ports_apply(t, &ev) >= 0);
    snprintf(ev.sw, sizeof(ev.sw), "sw-3");
    assert_int_equal(whb_switch_ports_apply(t, &ev), WHB_EBUSY);
    /* Events that name nothing. */
    ev = ev_of(WHB_SW_LINK_UP, "", 0, 1);
    assert_int_equal(whb_switch_ports_apply(t, &ev), WHB_EINVAL);
    ev.sw[0] = '\0';
    assert_int_equal(whb_switch_ports_apply(t, &ev), WHB_EINVAL);
    whb_switch_ports_free(t);
    whb_switch_ports_free(NULL);
}

/* Found by fuzz_switch_trap: each rename took an index slot that was never given back, until
 * the index was full and a lookup probed for ever; and a port whose ifIndex was renumbered
 * could not be found by its new one. */
static void renames_and_renumbering(void **state)
{
    (void)state;
    struct whb_switch_ports *t = whb_switch_ports_new(1, 8);
    char name[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "Gi1/0/%d", i % 3 ? i : 1);
        struct whb_switch_event ev = ev_of(WHB_SW_POLL, name, 1 + i % 7, i);
        ev.source = WHB_SWSRC_POLL;
        assert_true(whb_switch_ports_apply(t, &ev) >= 0 ||
                    whb_switch_ports_apply(t, &ev) == WHB_EBUSY);
        const struct whb_switch_port *p = whb_switch_ports_get(t, "sw-access-1", name, 0);
        if (p) {
            assert_int_equal(p->ifindex, 1 + i % 7);
            assert_ptr_equal(p, whb_switch_ports_get(t, "sw-access-1", NULL, 1 + i % 7));
        }
    }
    whb_switch_ports_free(t);
}

/* A read of an err-disabled port: ifAdminStatus up, no link, and Cisco's cause
 * (cErrDisableIfStatusCause) read with it; the port is err-disabled until its link is back.
 * Taken as the switch service takes every event (whb_switch_ports_take). */
static void a_read_with_a_cause_is_err_disabled(void **state)
{
    (void)state;
    struct whb_switch_ports *t = whb_switch_ports_new(1, 8);
    struct whb_switch_event ev = ev_of(WHB_SW_POLL, "Gi1/0/4", 10104, 1000);
    struct whb_switch_port p;
    int have = 0;
    ev.source = WHB_SWSRC_POLL;
    ev.admin = WHB_IF_UP;
    ev.oper = WHB_IF_DOWN;
    ev.since_ms = 400;
    snprintf(ev.cause, sizeof(ev.cause), "portSecurityViolation");
    assert_int_equal(whb_switch_ports_take(t, &ev, &p, &have), 1);
    assert_true(have);
    assert_true(p.err_disabled);
    assert_string_equal(p.cause, "portSecurityViolation");
    assert_int_equal(p.cause_ms, 400);
    /* The same read again tells nothing new. */
    ev.at_ms = 2000;
    assert_int_equal(whb_switch_ports_take(t, &ev, &p, &have), 0);
    /* A trap naming the port by number only gets its name. */
    struct whb_switch_event up = ev_of(WHB_SW_LINK_UP, "", 10104, 3000);
    up.source = WHB_SWSRC_TRAP;
    assert_int_equal(whb_switch_ports_take(t, &up, &p, &have), 1);
    assert_string_equal(up.port, "Gi1/0/4");
    assert_false(p.err_disabled);
    whb_switch_ports_free(t);
}

/* A link down that did not say whether the port was shut (IOS's %LINK-3-UPDOWN, a trap without
 * ifAdminStatus): the read that says it is news, even when it finds the port enabled as the
 * table had it, and a read finding it shut right after is not taken for a stale table. */
static void a_read_says_what_a_link_down_left_unsaid(void **state)
{
    (void)state;
    struct whb_switch_ports *t = whb_switch_ports_new(1, 8);
    struct whb_switch_port p;
    int have;
    struct whb_switch_event up = ev_of(WHB_SW_LINK_UP, "Gi1/0/6", 0, 1000);
    up.admin = up.oper = WHB_IF_UP;
    assert_int_equal(whb_switch_ports_take(t, &up, &p, &have), 1);
    struct whb_switch_event down = ev_of(WHB_SW_LINK_DOWN, "GigabitEthernet1/0/6", 0, 5000);
    down.oper = WHB_IF_DOWN;
    assert_int_equal(whb_switch_ports_take(t, &down, &p, &have), 1);
    assert_true(p.admin_unsure);
    struct whb_switch_event read = ev_of(WHB_SW_POLL, "Gi1/0/6", 10106, 6000);
    read.source = WHB_SWSRC_POLL;
    read.admin = WHB_IF_UP;
    read.oper = WHB_IF_DOWN;
    assert_int_equal(whb_switch_ports_take(t, &read, &p, &have), 1);
    assert_false(p.admin_unsure);
    /* Read again: nothing new. */
    read.at_ms = 7000;
    assert_int_equal(whb_switch_ports_take(t, &read, &p, &have), 0);
    /* Found as it was, but its link went and came back unseen since: news. */
    read.at_ms = 60000;
    read.since_ms = 50000;
    assert_int_equal(whb_switch_ports_take(t, &read, &p, &have), 1);
    assert_int_equal(p.changed_ms, 50000);
    read.at_ms = 61000;
    read.since_ms = 50400; /* the same moment, through another poll's delay */
    assert_int_equal(whb_switch_ports_take(t, &read, &p, &have), 0);
    /* The switch's word dates a link up; its agent noticed it 1.5 s later (net-snmp on Linux
     * looks every few seconds): the word's time stands. */
    up = ev_of(WHB_SW_LINK_UP, "Gi1/0/6", 0, 100000);
    up.admin = up.oper = WHB_IF_UP;
    assert_int_equal(whb_switch_ports_take(t, &up, &p, &have), 1);
    read.at_ms = 102000;
    read.oper = WHB_IF_UP;
    read.since_ms = 101500;
    whb_switch_ports_take(t, &read, &p, &have);
    assert_int_equal(p.changed_ms, 100000);
    /* The same start on another port, read shut a second after the word. */
    up = ev_of(WHB_SW_LINK_UP, "Gi1/0/7", 0, 1000);
    up.admin = up.oper = WHB_IF_UP;
    whb_switch_ports_take(t, &up, &p, &have);
    down = ev_of(WHB_SW_LINK_DOWN, "Gi1/0/7", 0, 5000);
    down.oper = WHB_IF_DOWN;
    whb_switch_ports_take(t, &down, &p, &have);
    read = ev_of(WHB_SW_POLL, "Gi1/0/7", 10107, 6000);
    read.source = WHB_SWSRC_POLL;
    read.admin = WHB_IF_DOWN;
    read.oper = WHB_IF_DOWN;
    assert_int_equal(whb_switch_ports_take(t, &read, &p, &have), 1);
    assert_int_equal(p.admin, WHB_IF_DOWN);
    whb_switch_ports_free(t);
}

/* A link up said by syslog (by name) and again by a trap (by number, noticed later by the
 * agent), then a read naming both: one port, up since the first word. */
static void a_merged_port_keeps_when_its_state_began(void **state)
{
    (void)state;
    struct whb_switch_ports *t = whb_switch_ports_new(1, 8);
    struct whb_switch_port p;
    int have;
    struct whb_switch_event up = ev_of(WHB_SW_LINK_UP, "swp1", 0, 1000);
    up.admin = up.oper = WHB_IF_UP;
    whb_switch_ports_take(t, &up, &p, &have);
    struct whb_switch_event trap = ev_of(WHB_SW_LINK_UP, "", 4, 2500);
    trap.source = WHB_SWSRC_TRAP;
    trap.admin = trap.oper = WHB_IF_UP;
    whb_switch_ports_take(t, &trap, &p, &have);
    struct whb_switch_event read = ev_of(WHB_SW_POLL, "swp1", 4, 2500);
    read.source = WHB_SWSRC_POLL;
    read.admin = read.oper = WHB_IF_UP;
    read.since_ms = 2440;
    read.speed_mbps = 10000;
    whb_switch_ports_take(t, &read, &p, &have);
    assert_int_equal(p.ifindex, 4);
    assert_string_equal(p.name, "swp1");
    assert_int_equal(p.changed_ms, 1000);
    assert_int_equal(p.speed_mbps, 10000);
    whb_switch_ports_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(link_down_says_shut_or_link_lost),
        cmocka_unit_test(v1_and_vendor_notifications),
        cmocka_unit_test(shut_then_line_protocol_stays_shut),
        cmocka_unit_test(name_and_ifindex_become_one_port),
        cmocka_unit_test(late_traps_do_not_undo_a_poll),
        cmocka_unit_test(bounded),
        cmocka_unit_test(renames_and_renumbering),
        cmocka_unit_test(a_read_with_a_cause_is_err_disabled),
        cmocka_unit_test(a_read_says_what_a_link_down_left_unsaid),
        cmocka_unit_test(a_merged_port_keeps_when_its_state_began),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
