/* Implementation of trap.h: the notification's OID, then each varbind matched by the column it
 * is an instance of; the ifIndex is the value of ifIndex.N or, where a device sends only the
 * status columns, their instance N. */
#include "trap.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "error.h"

static const oid OID_SYSUPTIME[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const oid OID_TRAPOID[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const oid OID_SNMP_TRAPS[] = {1, 3, 6, 1, 6, 3, 1, 1, 5};   /* .3 linkDown, .4 linkUp */
static const oid OID_IFENTRY[] = {1, 3, 6, 1, 2, 1, 2, 2, 1};      /* .1 index .2 descr .7 .8 */
static const oid OID_IFXENTRY[] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1}; /* .1 ifName .18 ifAlias */
static const oid OID_ERRDIS_REV1[] = {1, 3, 6, 1, 4, 1, 9, 9, 548, 0, 2};
static const oid OID_ERRDIS_OLD[] = {1, 3, 6, 1, 4, 1, 9, 9, 548, 0, 1, 1};
static const oid OID_ERRDIS_CAUSE[] = {1, 3, 6, 1, 4, 1, 9, 9, 548, 1, 3, 1, 1, 2};
static const oid OID_PSECURE_VIOL[] = {1, 3, 6, 1, 4, 1, 9, 9, 315, 0, 0, 1};
static const oid OID_PSECURE_MAC[] = {1, 3, 6, 1, 4, 1, 9, 9, 315, 1, 2, 1, 1, 10};
static const oid OID_LOCIFREASON[] = {1, 3, 6, 1, 4, 1, 9, 2, 2, 1, 1, 20};

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

enum trap_kind { T_OTHER, T_LINKDOWN, T_LINKUP, T_ERRDISABLE, T_PSECURE };

static int oid_is(const oid *name, size_t len, const oid *want, size_t wlen)
{
    return len == wlen && memcmp(name, want, wlen * sizeof(oid)) == 0;
}

/* Whether name is want.<column>.<one sub-id>; the sub-id (an ifIndex) in *inst. */
static int column_of(const netsnmp_variable_list *v, const oid *entry, size_t elen, oid column,
                     long *inst)
{
    if (v->name_length != elen + 2 || memcmp(v->name, entry, elen * sizeof(oid)) != 0 ||
        v->name[elen] != column)
        return 0;
    if (v->name[elen + 1] == 0 || v->name[elen + 1] > 0x7fffffff)
        return 0;
    *inst = (long)v->name[elen + 1];
    return 1;
}

static int integer_of(const netsnmp_variable_list *v, long *out)
{
    if (v->type != ASN_INTEGER || !v->val.integer || v->val_len < sizeof(long))
        return 0;
    *out = *v->val.integer;
    return 1;
}

static void string_of(const netsnmp_variable_list *v, char *out, size_t outlen)
{
    if (v->type == ASN_OCTET_STR && v->val.string)
        whb_switch_text(out, outlen, (const char *)v->val.string, v->val_len);
}

static enum trap_kind kind_of(const netsnmp_pdu *pdu, uint32_t *uptime)
{
    if (pdu->command == SNMP_MSG_TRAP) {
        /* SNMPv1: generic-trap 2 linkDown, 3 linkUp, 6 enterpriseSpecific (RFC 2576). */
        *uptime = (uint32_t)pdu->time;
        if (pdu->trap_type == SNMP_TRAP_LINKDOWN)
            return T_LINKDOWN;
        if (pdu->trap_type == SNMP_TRAP_LINKUP)
            return T_LINKUP;
        if (pdu->trap_type == SNMP_TRAP_ENTERPRISESPECIFIC && pdu->enterprise) {
            oid full[MAX_OID_LEN];
            size_t n = pdu->enterprise_length;
            if (n + 2 > MAX_OID_LEN)
                return T_OTHER;
            memcpy(full, pdu->enterprise, n * sizeof(oid));
            full[n++] = 0;
            full[n++] = (oid)pdu->specific_type;
            if (oid_is(full, n, OID_ERRDIS_REV1, LEN(OID_ERRDIS_REV1)))
                return T_ERRDISABLE;
            if (oid_is(full, n, OID_PSECURE_VIOL, LEN(OID_PSECURE_VIOL)))
                return T_PSECURE;
        }
        return T_OTHER;
    }
    enum trap_kind k = T_OTHER;
    for (const netsnmp_variable_list *v = pdu->variables; v; v = v->next_variable) {
        if (oid_is(v->name, v->name_length, OID_SYSUPTIME, LEN(OID_SYSUPTIME)) &&
            v->type == ASN_TIMETICKS && v->val.integer)
            *uptime = (uint32_t)*v->val.integer;
        if (!oid_is(v->name, v->name_length, OID_TRAPOID, LEN(OID_TRAPOID)) ||
            v->type != ASN_OBJECT_ID || !v->val.objid)
            continue;
        const oid *t = v->val.objid;
        size_t tl = v->val_len / sizeof(oid);
        if (tl == LEN(OID_SNMP_TRAPS) + 1 && memcmp(t, OID_SNMP_TRAPS, sizeof(OID_SNMP_TRAPS)) == 0)
            k = t[tl - 1] == 3 ? T_LINKDOWN : t[tl - 1] == 4 ? T_LINKUP : T_OTHER;
        else if (oid_is(t, tl, OID_ERRDIS_REV1, LEN(OID_ERRDIS_REV1)) ||
                 oid_is(t, tl, OID_ERRDIS_OLD, LEN(OID_ERRDIS_OLD)))
            k = T_ERRDISABLE;
        else if (oid_is(t, tl, OID_PSECURE_VIOL, LEN(OID_PSECURE_VIOL)))
            k = T_PSECURE;
    }
    return k;
}

const char *whb_trap_errdisable_cause(long id)
{
    static const char *const names[] = {
        NULL,
        "udld",
        "bpduGuard",
        "channelMisconfig",
        "pagpFlap",
        "dtpFlap",
        "linkFlap",
        "l2ptGuard",
        "dot1xSecurityViolation",
        "portSecurityViolation",
        "gbicInvalid",
        "dhcpRateLimit",
        "unicastFlood",
        "vmps",
        "stormControl",
        "inlinePower",
        "arpInspection",
        "portLoopback",
        "packetBuffer",
        "macLimit",
        "linkMonitorFailure",
        "oamRemoteFailure",
        "dot1adIncompEtype",
        "dot1adIncompTunnel",
        "sfpConfigMismatch",
        "communityLimit",
        "invalidPolicy",
        "lsGroup",
        "ekey",
        "portModeFailure",
        "pppoeIaRateLimit",
        "oamRemoteCriticalEvent",
        "oamRemoteDyingGasp",
        "oamRemoteLinkFault",
        "mvrp",
        "tranceiverIncomp",
        "other",
    };
    if (id == 62)
        return "loopDetect";
    return id > 0 && (size_t)id < LEN(names) ? names[id] : NULL;
}

/* ifIndex and the columns of ifEntry/ifXEntry the notification carries. */
struct seen {
    long ifindex, admin, oper;
    int have_admin, have_oper;
    int lif_shut; /* Cisco's locIfReason "administratively down" */
};

static void read_varbind(const netsnmp_variable_list *v, struct seen *s,
                         struct whb_switch_event *ev)
{
    long inst, val;
    if (column_of(v, OID_IFENTRY, LEN(OID_IFENTRY), 1, &inst)) {
        if (integer_of(v, &val) && val > 0 && val <= 0x7fffffff)
            s->ifindex = val;
    } else if (column_of(v, OID_IFENTRY, LEN(OID_IFENTRY), 7, &inst)) {
        if (integer_of(v, &val) && val >= 1 && val <= 3) {
            s->admin = val;
            s->have_admin = 1;
        }
        if (!s->ifindex)
            s->ifindex = inst;
    } else if (column_of(v, OID_IFENTRY, LEN(OID_IFENTRY), 8, &inst)) {
        if (integer_of(v, &val) && val >= 1 && val <= 7) {
            s->oper = val;
            s->have_oper = 1;
        }
        if (!s->ifindex)
            s->ifindex = inst;
    } else if (column_of(v, OID_IFXENTRY, LEN(OID_IFXENTRY), 1, &inst)) {
        string_of(v, ev->port, sizeof(ev->port)); /* ifName: the name the CLI uses */
    } else if (column_of(v, OID_IFENTRY, LEN(OID_IFENTRY), 2, &inst)) {
        if (!ev->port[0])
            string_of(v, ev->port, sizeof(ev->port)); /* ifDescr */
    } else if (column_of(v, OID_IFXENTRY, LEN(OID_IFXENTRY), 18, &inst)) {
        string_of(v, ev->alias, sizeof(ev->alias));
    } else if (v->name_length == LEN(OID_LOCIFREASON) + 1 &&
               memcmp(v->name, OID_LOCIFREASON, sizeof(OID_LOCIFREASON)) == 0) {
        string_of(v, ev->text, sizeof(ev->text)); /* Cisco's reason: "administratively down" */
        s->lif_shut = strcasecmp(ev->text, "administratively down") == 0;
    } else if (v->name_length == LEN(OID_ERRDIS_CAUSE) + 2 &&
               memcmp(v->name, OID_ERRDIS_CAUSE, sizeof(OID_ERRDIS_CAUSE)) == 0) {
        /* cErrDisableIfStatusCause.<ifIndex>.<vlan or 0> */
        oid ix = v->name[LEN(OID_ERRDIS_CAUSE)];
        if (ix > 0 && ix <= 0x7fffffff)
            s->ifindex = (long)ix;
        if (integer_of(v, &val)) {
            const char *c = whb_trap_errdisable_cause(val);
            if (c)
                snprintf(ev->cause, sizeof(ev->cause), "%s", c);
            else
                snprintf(ev->cause, sizeof(ev->cause), "cause %ld", val);
        }
    } else if (v->name_length == LEN(OID_PSECURE_MAC) + 1 &&
               memcmp(v->name, OID_PSECURE_MAC, sizeof(OID_PSECURE_MAC)) == 0) {
        oid ix = v->name[LEN(OID_PSECURE_MAC)];
        if (ix > 0 && ix <= 0x7fffffff && !s->ifindex)
            s->ifindex = (long)ix;
        if (v->type == ASN_OCTET_STR && v->val_len == 6 && v->val.string)
            snprintf(ev->mac, sizeof(ev->mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->val.string[0],
                     v->val.string[1], v->val.string[2], v->val.string[3], v->val.string[4],
                     v->val.string[5]);
    }
}

int whb_trap_decode(const netsnmp_pdu *pdu, struct whb_switch_event *ev)
{
    uint32_t uptime = 0;
    enum trap_kind k = kind_of(pdu, &uptime);
    if (k == T_OTHER)
        return WHB_ENOTFOUND;
    struct seen s = {0};
    memset(ev->port, 0, sizeof(ev->port));
    ev->text[0] = ev->cause[0] = ev->mac[0] = ev->alias[0] = '\0';
    for (const netsnmp_variable_list *v = pdu->variables; v; v = v->next_variable)
        read_varbind(v, &s, ev);
    if (s.ifindex <= 0)
        return WHB_EPROTO;
    ev->ifindex = (int32_t)s.ifindex;
    ev->uptime_cs = uptime;
    /* Cisco's own link traps carry no ifAdminStatus; their locIfReason says a shut. Any other
     * reason is left unsaid (the port is read), not taken for "enabled". */
    if (!s.have_admin && s.lif_shut) {
        s.admin = WHB_IF_DOWN;
        s.have_admin = 1;
    }
    ev->admin = s.have_admin ? (enum whb_if_status)s.admin : WHB_IF_UNKNOWN;
    ev->oper = WHB_IF_UNKNOWN;
    int needs = 0;
    switch (k) {
    case T_LINKDOWN:
        ev->oper = WHB_IF_DOWN;
        ev->kind = ev->admin == WHB_IF_DOWN ? WHB_SW_ADMIN_DOWN : WHB_SW_LINK_DOWN;
        if (!s.have_admin)
            needs |= WHB_TRAP_NEEDS_STATUS;
        break;
    case T_LINKUP:
        /* Up means enabled, whatever the varbinds (or their absence) say. */
        ev->kind = WHB_SW_LINK_UP;
        ev->oper = WHB_IF_UP;
        ev->admin = WHB_IF_UP;
        break;
    case T_ERRDISABLE:
        ev->kind = WHB_SW_ERR_DISABLED;
        ev->oper = WHB_IF_DOWN;
        if (!ev->cause[0])
            snprintf(ev->cause, sizeof(ev->cause), "unknown");
        break;
    case T_PSECURE:
        ev->kind = WHB_SW_PORT_SECURITY;
        break;
    case T_OTHER:
        return WHB_ENOTFOUND;
    }
    if (!ev->port[0])
        needs |= WHB_TRAP_NEEDS_NAME;
    if (!ev->text[0]) {
        /* The words for the evidence line when the device sent none of its own. */
        snprintf(ev->text, sizeof(ev->text), "%s ifIndex %ld%s%s%s%s",
                 k == T_LINKDOWN     ? "linkDown"
                 : k == T_LINKUP     ? "linkUp"
                 : k == T_ERRDISABLE ? "cErrDisableInterfaceEvent"
                                     : "cpsSecureMacAddrViolation",
                 s.ifindex, s.have_admin ? " ifAdminStatus " : "",
                 s.have_admin ? whb_if_status_name(ev->admin) : "",
                 s.have_oper ? " ifOperStatus " : "",
                 s.have_oper ? whb_if_status_name((enum whb_if_status)s.oper) : "");
    }
    return needs;
}
