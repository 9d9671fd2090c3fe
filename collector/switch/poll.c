/* Reading ports by SNMP, on the net-snmp thread: one session per switch (v3 authPriv, or v2c
 * where configured), its engine ID learnt without blocking, a token bucket per switch, one
 * request in flight per switch and a short bounded queue behind it, and results that stay
 * fresh for cache_ms. A port named but not numbered is found by walking the switch's
 * interface table (ifName, ifDescr), which also reads every other port for the faceplate. */
#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "clock.h"
#include "error.h"
#include "log.h"
#include "port_name.h"
#include "ratelimit.h"
#include "switch_int.h"
#include "trap.h"

#define PENDING_MAX   16
#define REOPEN_MS     30000 /* after a switch could not be reached at all */
#define WALK_REPS     8
#define WALK_PDUS_MAX 256
#define WALK_AGAIN_MS 10000

/* Columns read for a port: ifTable (1.3.6.1.2.1.2.2.1.N) and ifXTable (1.3.6.1.2.1.31.1.1.1.N). */
enum col { C_NAME, C_DESCR, C_ADMIN, C_OPER, C_LASTCHANGE, C_HIGHSPEED, C_SPEED, C_ALIAS, C_N };
static const oid IFX[] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
static const oid IFT[] = {1, 3, 6, 1, 2, 1, 2, 2, 1};
static const struct {
    int x; /* in ifXTable */
    oid column;
} cols[C_N] = {{1, 1}, {0, 2}, {0, 7}, {0, 8}, {0, 9}, {1, 15}, {0, 5}, {1, 18}};
static const oid SYSUPTIME[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
/* CISCO-ERR-DISABLE-MIB cErrDisableIfStatusCause.<ifIndex>.0: why the switch disabled the
 * port itself (an err-disabled port reads ifAdminStatus up, ifOperStatus down, like a pulled
 * cable). Read with each port; other agents answer noSuchObject. */
static const oid ERRDIS_CAUSE[] = {1, 3, 6, 1, 4, 1, 9, 9, 548, 1, 3, 1, 1, 2};
#define ERRDIS_CAUSE_LEN (sizeof(ERRDIS_CAUSE) / sizeof(ERRDIS_CAUSE[0]))

static size_t col_oid(enum col c, oid *out)
{
    size_t n = cols[c].x ? 10 : 9;
    memcpy(out, cols[c].x ? IFX : IFT, n * sizeof(oid));
    out[n] = cols[c].column;
    return n + 1;
}

struct target {
    struct whb_poller *poller;
    char sw[WHB_SWITCH_NAME_MAX];
    char address[64];
    const struct whb_switch_cred *cr;
    void *sessp;
    struct whb_snmp_io *io;
    int64_t unreachable_ms;
    struct whb_bucket bucket;
    struct poll_req pending[PENDING_MAX];
    unsigned npending;
    struct poll_req cur; /* the request in flight */
    int busy, discovering, walking;
    long reqid; /* of the request in flight: net-snmp may call back twice for a Report */
    struct event *later;
    /* a walk: each column's last OID, and whether it left its column */
    oid last[C_N][MAX_OID_LEN];
    size_t lastlen[C_N];
    int done[C_N];
    unsigned walk_pdus, walk_rows;
    int found;         /* the walk met the port it looks for */
    int64_t walked_ms; /* the last complete walk: a name it did not meet is not there */
};

struct whb_poller {
    struct whb_switch_service *s;
    struct target *t;
    unsigned n, max;
};

static void pump(struct target *t);

struct row {
    int32_t ifindex;
    long v[C_N];
    int have[C_N];
    char name[WHB_SWITCH_PORT_MAX], descr[WHB_SWITCH_PORT_MAX], alias[WHB_SWITCH_NAME_MAX];
    char cause[WHB_SWITCH_CAUSE_MAX]; /* err-disabled: why (Cisco) */
};

static void set_col(struct row *r, enum col c, const netsnmp_variable_list *v)
{
    if (v->type == ASN_OCTET_STR && v->val.string) {
        char *dst = c == C_NAME ? r->name : c == C_DESCR ? r->descr : r->alias;
        size_t len = c == C_ALIAS ? sizeof(r->alias) : sizeof(r->name);
        if (c == C_NAME || c == C_DESCR || c == C_ALIAS) {
            whb_switch_text(dst, len, (const char *)v->val.string, v->val_len);
            r->have[c] = 1;
        }
    } else if (v->val.integer && (v->type == ASN_INTEGER || v->type == ASN_TIMETICKS ||
                                  v->type == ASN_GAUGE || v->type == ASN_COUNTER)) {
        r->v[c] =
            (long)(v->type == ASN_INTEGER ? *v->val.integer : (long)(unsigned long)*v->val.integer);
        r->have[c] = 1;
    }
}

/* One row read: a POLL event with the port's names, state, and since when. */
static void emit_row(struct target *t, const struct row *r, long uptime, int have_uptime)
{
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = WHB_SW_POLL;
    ev.source = WHB_SWSRC_POLL;
    ev.at_ms = whb_clock_wall_ms();
    snprintf(ev.sw, sizeof(ev.sw), "%s", t->sw);
    ev.ifindex = r->ifindex;
    snprintf(ev.port, sizeof(ev.port), "%s", r->name[0] ? r->name : r->descr);
    if (r->have[C_ADMIN] && r->v[C_ADMIN] >= 1 && r->v[C_ADMIN] <= 3)
        ev.admin = (enum whb_if_status)r->v[C_ADMIN];
    if (r->have[C_OPER] && r->v[C_OPER] >= 1 && r->v[C_OPER] <= 7)
        ev.oper = (enum whb_if_status)r->v[C_OPER];
    if (have_uptime) {
        ev.uptime_cs = (uint32_t)uptime;
        /* ifLastChange is the sysUpTime when the state began; 0: before the agent started. */
        unsigned long lc = r->have[C_LASTCHANGE] ? (unsigned long)r->v[C_LASTCHANGE] : 0;
        if (lc <= (unsigned long)uptime)
            ev.since_ms = ev.at_ms - (int64_t)((unsigned long)uptime - lc) * 10;
    }
    if (r->have[C_HIGHSPEED] && r->v[C_HIGHSPEED] > 0)
        ev.speed_mbps = (uint32_t)r->v[C_HIGHSPEED];
    else if (r->have[C_SPEED] && r->v[C_SPEED] > 0)
        ev.speed_mbps = (uint32_t)((unsigned long)r->v[C_SPEED] / 1000000ul);
    snprintf(ev.alias, sizeof(ev.alias), "%s", r->alias);
    snprintf(ev.cause, sizeof(ev.cause), "%s", r->cause);
    snprintf(ev.text, sizeof(ev.text), "ifIndex %d%s%s ifAdminStatus %s ifOperStatus %s%s%s",
             r->ifindex, ev.port[0] ? " " : "", ev.port, whb_if_status_name(ev.admin),
             whb_if_status_name(ev.oper), r->cause[0] ? " err-disabled: " : "", r->cause);
    if (ev.port[0] || ev.admin || ev.oper)
        whb_switch_emit(t->poller->s, &ev);
}

static void no_answer(struct target *t, const char *why)
{
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = WHB_SW_NO_ANSWER;
    ev.source = WHB_SWSRC_POLL;
    snprintf(ev.sw, sizeof(ev.sw), "%s", t->sw);
    snprintf(ev.text, sizeof(ev.text), "no SNMP answer from %s: %s", t->address, why);
    whb_switch_emit(t->poller->s, &ev);
}

static int in_column(const netsnmp_variable_list *v, enum col c)
{
    oid base[MAX_OID_LEN];
    size_t n = col_oid(c, base);
    return v->name_length == n + 1 && memcmp(v->name, base, n * sizeof(oid)) == 0 &&
           v->name[n] > 0 && v->name[n] <= 0x7fffffff && v->type != SNMP_ENDOFMIBVIEW &&
           v->type != SNMP_NOSUCHOBJECT && v->type != SNMP_NOSUCHINSTANCE;
}

static void got_get(struct target *t, const netsnmp_pdu *pdu)
{
    struct row r;
    memset(&r, 0, sizeof(r));
    r.ifindex = t->cur.ifindex;
    long uptime = 0;
    int have_uptime = 0, any = 0;
    for (const netsnmp_variable_list *v = pdu->variables; v; v = v->next_variable) {
        if (v->name_length == 9 && memcmp(v->name, SYSUPTIME, sizeof(SYSUPTIME)) == 0 &&
            v->type == ASN_TIMETICKS && v->val.integer) {
            uptime = (long)(unsigned long)*v->val.integer;
            have_uptime = 1;
            continue;
        }
        for (int c = 0; c < C_N; c++)
            if (in_column(v, (enum col)c) && (int32_t)v->name[v->name_length - 1] == r.ifindex) {
                set_col(&r, (enum col)c, v);
                any = 1;
            }
        if (v->name_length == ERRDIS_CAUSE_LEN + 2 &&
            memcmp(v->name, ERRDIS_CAUSE, sizeof(ERRDIS_CAUSE)) == 0 && v->type == ASN_INTEGER &&
            v->val.integer && *v->val.integer > 0) {
            const char *c = whb_trap_errdisable_cause(*v->val.integer);
            if (c)
                snprintf(r.cause, sizeof(r.cause), "%s", c);
            else
                snprintf(r.cause, sizeof(r.cause), "cause %ld", *v->val.integer);
        }
    }
    if (!any || !r.have[C_OPER]) {
        /* The ifIndex is gone (renumbered after a restart): find the port by name. */
        WHB_STAT(t->poller->s, poll_errors, 1);
        if (t->cur.port[0] && t->npending < PENDING_MAX) {
            struct poll_req again = t->cur;
            again.ifindex = -1; /* walk */
            t->pending[t->npending++] = again;
        }
        return;
    }
    emit_row(t, &r, uptime, have_uptime);
}

/* A GETBULK answer: rows by ifIndex, each column followed until it leaves its subtree. */
static int got_walk(struct target *t, const netsnmp_pdu *pdu)
{
    struct row rows[WALK_REPS * C_N];
    unsigned nrows = 0;
    long uptime = 0;
    int have_uptime = 0;
    int idx = 0;
    memset(rows, 0, sizeof(rows));
    for (const netsnmp_variable_list *v = pdu->variables; v; v = v->next_variable, idx++) {
        if (idx == 0) {
            if (v->name_length == 9 && memcmp(v->name, SYSUPTIME, sizeof(SYSUPTIME)) == 0 &&
                v->type == ASN_TIMETICKS && v->val.integer) {
                uptime = (long)(unsigned long)*v->val.integer;
                have_uptime = 1;
            }
            continue;
        }
        int c = (idx - 1) % C_N;
        if (t->done[c])
            continue;
        if (!in_column(v, (enum col)c)) {
            t->done[c] = 1;
            continue;
        }
        memcpy(t->last[c], v->name, v->name_length * sizeof(oid));
        t->lastlen[c] = v->name_length;
        int32_t ix = (int32_t)v->name[v->name_length - 1];
        unsigned k = 0;
        while (k < nrows && rows[k].ifindex != ix)
            k++;
        if (k == nrows) {
            if (nrows == sizeof(rows) / sizeof(rows[0]))
                continue;
            rows[nrows++].ifindex = ix;
        }
        set_col(&rows[k], (enum col)c, v);
    }
    for (unsigned k = 0; k < nrows && t->walk_rows < t->poller->s->cfg.max_ports; k++) {
        emit_row(t, &rows[k], uptime, have_uptime);
        t->walk_rows++;
        if (t->cur.port[0] &&
            (whb_port_same(rows[k].name, t->cur.port) || whb_port_same(rows[k].descr, t->cur.port)))
            t->found = 1;
    }
    int all_done = 1;
    for (int c = 0; c < C_N; c++)
        all_done &= t->done[c];
    return all_done || nrows == 0 || t->walk_pdus >= WALK_PDUS_MAX ||
           t->walk_rows >= t->poller->s->cfg.max_ports;
}

static int send_walk(struct target *t);

static int on_response(int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
    struct target *t = magic;
    if (reqid != t->reqid || !t->busy)
        return 1; /* a second word on a request already settled */
    if (op == NETSNMP_CALLBACK_OP_RESEND)
        return 1; /* net-snmp retries (a timeout, or notInTimeWindow): the answer is to come */
    if (t->discovering) {
        /* The agent's Report (unknownEngineID, handed over as a security error) carries its
         * engine ID (RFC 3414 4); net-snmp would store it only after this callback, and the
         * user's keys must be localized to it first. */
        if (op != NETSNMP_CALLBACK_OP_TIMED_OUT && pdu && pdu->securityEngineIDLen > 0 &&
            session->securityEngineIDLen == 0) {
            u_char *eid = malloc(pdu->securityEngineIDLen);
            if (eid) {
                memcpy(eid, pdu->securityEngineID, pdu->securityEngineIDLen);
                session->securityEngineID = eid;
                session->securityEngineIDLen = pdu->securityEngineIDLen;
            }
        }
        t->reqid = 0;
        t->discovering = 0;
        t->busy = 0;
        if (session->securityEngineIDLen > 0 &&
            usm_create_user_from_session(session) == SNMPERR_SUCCESS) {
            /* The engine is known: the request goes first now. */
            if (t->npending == PENDING_MAX)
                t->npending--;
            memmove(t->pending + 1, t->pending, t->npending * sizeof(t->pending[0]));
            t->pending[0] = t->cur;
            t->npending++;
        } else {
            WHB_STAT(t->poller->s, poll_timeouts, 1);
            t->unreachable_ms = whb_clock_wall_ms();
            no_answer(t, "no SNMPv3 engine answered");
        }
        pump(t);
        return 1;
    }
    /* A Report (notInTimeWindow after a restart of either side) is net-snmp's to handle: it
     * resends, or calls back once more with a security error. */
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu->command == SNMP_MSG_REPORT)
        return 1;
    t->reqid = 0;
    if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
        WHB_STAT(t->poller->s, poll_timeouts, 1);
        no_answer(t, "timed out");
        t->busy = t->walking = 0;
        pump(t);
        return 1;
    }
    if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || pdu->command != SNMP_MSG_RESPONSE ||
        pdu->errstat != SNMP_ERR_NOERROR) {
        WHB_STAT(t->poller->s, poll_errors, 1);
        whb_log_limited(WHB_LOG_WARN, "switch %s: SNMP request refused (%s)", t->sw,
                        op == NETSNMP_CALLBACK_OP_SEC_ERROR ? "credentials" : "error status");
        t->busy = t->walking = 0;
        pump(t);
        return 1;
    }
    if (t->walking) {
        t->walk_pdus++;
        if (!got_walk(t, pdu) && send_walk(t) == 0)
            return 1; /* the next part of the table */
        if (t->cur.port[0] && !t->found)
            whb_log_limited(WHB_LOG_INFO, "switch %s: no port %s in its interface table", t->sw,
                            t->cur.port);
        t->walking = 0;
        t->walked_ms = whb_clock_wall_ms();
    } else {
        got_get(t, pdu);
    }
    t->busy = 0;
    pump(t);
    return 1;
}

static const oid *auth_proto(const char *name, size_t *len)
{
    *len = USM_AUTH_PROTO_SHA_LEN;
    if (!strcmp(name, "SHA-224"))
        return usmHMAC128SHA224AuthProtocol;
    if (!strcmp(name, "SHA-256"))
        return usmHMAC192SHA256AuthProtocol;
    if (!strcmp(name, "SHA-384"))
        return usmHMAC256SHA384AuthProtocol;
    if (!strcmp(name, "SHA-512"))
        return usmHMAC384SHA512AuthProtocol;
    return usmHMACSHA1AuthProtocol;
}

static const oid *priv_proto(const char *name, size_t *len)
{
    if (!strcmp(name, "AES-192")) {
        *len = sizeof(usmAES192PrivProtocol) / sizeof(oid);
        return usmAES192PrivProtocol;
    }
    if (!strcmp(name, "AES-256")) {
        *len = sizeof(usmAES256PrivProtocol) / sizeof(oid);
        return usmAES256PrivProtocol;
    }
    *len = USM_PRIV_PROTO_AES_LEN;
    return usmAESPrivProtocol;
}

static int open_session(struct target *t)
{
    const struct whb_switch_cred *cr = t->cr;
    netsnmp_session sess;
    char peer[100];
    u_char eid[32]; /* the session points at it until snmp_sess_open copies it */
    struct in6_addr a6;
    int v6 = inet_pton(AF_INET6, t->address, &a6) == 1;
    snprintf(peer, sizeof(peer), v6 ? "udp6:[%s]:%u" : "udp:%s:%u", t->address, cr->snmp_port);
    snmp_sess_init(&sess);
    sess.peername = peer;
    sess.timeout = (long)t->poller->s->cfg.poll_timeout_ms * 1000;
    sess.retries = 1;
    sess.callback = on_response;
    sess.callback_magic = t;
    if (cr->version == 2) {
        sess.version = SNMP_VERSION_2c;
        sess.community = (u_char *)cr->community;
        sess.community_len = strlen(cr->community);
    } else {
        sess.version = SNMP_VERSION_3;
        sess.securityName = (char *)cr->user;
        sess.securityNameLen = strlen(cr->user);
        sess.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
        size_t al, pl;
        const oid *ap = auth_proto(cr->auth, &al);
        const oid *pp = priv_proto(cr->priv, &pl);
        sess.securityAuthProto = (oid *)ap;
        sess.securityAuthProtoLen = al;
        sess.securityPrivProto = (oid *)pp;
        sess.securityPrivProtoLen = pl;
        sess.securityAuthKeyLen = USM_AUTH_KU_LEN;
        sess.securityPrivKeyLen = USM_PRIV_KU_LEN;
        if (generate_Ku(ap, al, (const u_char *)cr->auth_pass, strlen(cr->auth_pass),
                        sess.securityAuthKey, &sess.securityAuthKeyLen) != SNMPERR_SUCCESS ||
            generate_Ku(ap, al, (const u_char *)cr->priv_pass, strlen(cr->priv_pass),
                        sess.securityPrivKey, &sess.securityPrivKeyLen) != SNMPERR_SUCCESS) {
            whb_log_warnx("[%s]: cannot derive the SNMPv3 keys", cr->section);
            return WHB_EINVAL;
        }
        size_t n = 0;
        const char *h = cr->engine_id[0] ? cr->engine_id + 2 : "";
        for (; h[0] && h[1] && n < sizeof(eid); h += 2) {
            unsigned b;
            if (sscanf(h, "%2x", &b) != 1)
                break;
            eid[n++] = (u_char)b;
        }
        if (n) {
            sess.securityEngineID = eid;
            sess.securityEngineIDLen = n;
        }
    }
    t->sessp = snmp_sess_open(&sess);
    memset(sess.securityAuthKey, 0, sizeof(sess.securityAuthKey));
    memset(sess.securityPrivKey, 0, sizeof(sess.securityPrivKey));
    if (!t->sessp)
        return WHB_ENET;
    /* Never the blocking engine-ID probe of snmp_api.c: ours is asynchronous (discover). */
    snmp_sess_session(t->sessp)->flags |= SNMP_FLAGS_DONT_PROBE;
    t->io = whb_snmp_io_new(t->poller->s->sn_base, t->sessp);
    if (!t->io) {
        snmp_sess_close(t->sessp);
        t->sessp = NULL;
        return WHB_ENOMEM;
    }
    return 0;
}

static int send_pdu(struct target *t, netsnmp_pdu *pdu)
{
    int reqid = snmp_sess_async_send(t->sessp, pdu, on_response, t);
    if (!reqid) {
        snmp_free_pdu(pdu);
        return WHB_ENET;
    }
    t->reqid = reqid;
    whb_snmp_io_rearm(t->io);
    return 0;
}

/* RFC 3414 discovery as usm_build_probe_pdu does it, without waiting for the answer. */
static int discover(struct target *t)
{
    if (!usm_get_user(NULL, 0, "")) {
        struct usmUser *u = usm_create_user();
        if (!u)
            return WHB_ENOMEM;
        u->name = strdup("");
        u->secName = strdup("");
        u->authProtocolLen = sizeof(usmNoAuthProtocol) / sizeof(oid);
        u->authProtocol = snmp_duplicate_objid(usmNoAuthProtocol, u->authProtocolLen);
        u->privProtocolLen = sizeof(usmNoPrivProtocol) / sizeof(oid);
        u->privProtocol = snmp_duplicate_objid(usmNoPrivProtocol, u->privProtocolLen);
        usm_add_user(u);
    }
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
    pdu->version = SNMP_VERSION_3;
    pdu->securityName = strdup("");
    pdu->securityNameLen = 0;
    pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
    pdu->securityModel = SNMP_SEC_MODEL_USM;
    t->discovering = 1;
    return send_pdu(t, pdu);
}

static int send_get(struct target *t)
{
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
    snmp_add_null_var(pdu, SYSUPTIME, 9);
    for (int c = 0; c < C_N; c++) {
        oid name[MAX_OID_LEN];
        size_t n = col_oid((enum col)c, name);
        name[n++] = (oid)t->cur.ifindex;
        snmp_add_null_var(pdu, name, n);
    }
    oid cause[ERRDIS_CAUSE_LEN + 2];
    memcpy(cause, ERRDIS_CAUSE, sizeof(ERRDIS_CAUSE));
    cause[ERRDIS_CAUSE_LEN] = (oid)t->cur.ifindex;
    cause[ERRDIS_CAUSE_LEN + 1] = 0;
    snmp_add_null_var(pdu, cause, ERRDIS_CAUSE_LEN + 2);
    return send_pdu(t, pdu);
}

static int send_walk(struct target *t)
{
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
    pdu->non_repeaters = 1;
    pdu->max_repetitions = WALK_REPS;
    /* GETBULK reads what follows each name: sysUpTime (no .0) gives sysUpTime.0. */
    snmp_add_null_var(pdu, SYSUPTIME, 8);
    for (int c = 0; c < C_N; c++) {
        if (t->lastlen[c]) {
            snmp_add_null_var(pdu, t->last[c], t->lastlen[c]);
        } else {
            oid name[MAX_OID_LEN];
            snmp_add_null_var(pdu, name, col_oid((enum col)c, name));
        }
    }
    return send_pdu(t, pdu);
}

static void on_later(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    pump(arg);
}

/* The switch's next request, as its bucket allows. */
static void pump(struct target *t)
{
    struct whb_switch_service *s = t->poller->s;
    if (t->busy || t->npending == 0)
        return;
    int64_t now = whb_clock_wall_ms();
    if (!t->sessp && t->unreachable_ms && now - t->unreachable_ms < REOPEN_MS) {
        WHB_STAT(s, poll_dropped, t->npending);
        t->npending = 0;
        return;
    }
    if (!whb_bucket_take(&t->bucket, s->cfg.poll_rate, s->cfg.poll_rate, now)) {
        struct timeval tv = {0, (suseconds_t)(1000000 / s->cfg.poll_rate)};
        evtimer_add(t->later, &tv);
        return;
    }
    t->cur = t->pending[0];
    memmove(t->pending, t->pending + 1, --t->npending * sizeof(t->pending[0]));
    if (!t->sessp && open_session(t) != 0) {
        t->unreachable_ms = now;
        WHB_STAT(s, poll_errors, 1);
        no_answer(t, "cannot open an SNMP session");
        pump(t);
        return;
    }
    t->busy = 1;
    WHB_STAT(s, polls, 1);
    netsnmp_session *ss = snmp_sess_session(t->sessp);
    int rc;
    if (ss->version == SNMP_VERSION_3 && ss->securityEngineIDLen == 0) {
        rc = discover(t);
    } else if (t->cur.ifindex > 0) {
        rc = send_get(t);
    } else {
        t->walking = 1;
        t->walk_pdus = t->walk_rows = 0;
        t->found = 0;
        memset(t->lastlen, 0, sizeof(t->lastlen));
        memset(t->done, 0, sizeof(t->done));
        rc = send_walk(t);
    }
    if (rc != 0) {
        t->busy = t->walking = t->discovering = 0;
        WHB_STAT(s, poll_errors, 1);
        pump(t);
    }
}

static struct target *target_for(struct whb_poller *p, const struct poll_req *req)
{
    for (unsigned i = 0; i < p->n; i++)
        if (strcmp(p->t[i].sw, req->sw) == 0)
            return &p->t[i];
    const struct whb_switch_cred *cr = whb_switch_config_find(&p->s->cfg, req->sw);
    if (!cr && req->address[0]) {
        struct sockaddr_storage ss;
        memset(&ss, 0, sizeof(ss));
        struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
        if (inet_pton(AF_INET, req->address, &v4->sin_addr) == 1)
            v4->sin_family = AF_INET;
        else if (inet_pton(AF_INET6, req->address, &v6->sin6_addr) == 1)
            v6->sin6_family = AF_INET6;
        if (ss.ss_family)
            cr = whb_switch_config_match(&p->s->cfg, (struct sockaddr *)&ss);
    }
    if (!cr || !cr->poll || p->n == p->max)
        return NULL;
    struct target *t = &p->t[p->n];
    memset(t, 0, sizeof(*t));
    t->poller = p;
    t->cr = cr;
    snprintf(t->sw, sizeof(t->sw), "%s", req->sw);
    snprintf(t->address, sizeof(t->address), "%s", cr->name[0] ? cr->address : req->address);
    t->later = evtimer_new(p->s->sn_base, on_later, t);
    if (!t->later)
        return NULL;
    p->n++;
    return t;
}

void whb_poller_request(struct whb_poller *p, const struct poll_req *req)
{
    if (!p)
        return;
    struct target *t = target_for(p, req);
    if (!t) {
        WHB_STAT(p->s, poll_dropped, 1);
        return;
    }
    struct whb_switch_service *s = p->s;
    int32_t ifindex = req->ifindex;
    if (ifindex <= 0 && req->port[0]) {
        /* Numbered already by an earlier walk, trap or poll? */
        struct whb_switch_port known;
        if (whb_switch_port_copy(s, req->sw, req->port, 0, &known) == 0 && known.ifindex > 0)
            ifindex = known.ifindex;
    }
    /* A name the last walk did not meet: a syslog port name that is not the switch's own
     * (another naming, or a flood of made-up ones); walked again only after WALK_AGAIN_MS. */
    if (ifindex <= 0 && t->walked_ms && whb_clock_wall_ms() - t->walked_ms < WALK_AGAIN_MS)
        return;
    int64_t polled = whb_switch_polled_ms(s, req->sw, ifindex > 0 ? NULL : req->port, ifindex);
    if (polled && whb_clock_wall_ms() - polled < (int64_t)s->cfg.cache_ms)
        return; /* fresh enough */
    for (unsigned i = 0; i < t->npending; i++)
        if ((ifindex > 0 && t->pending[i].ifindex == ifindex) ||
            (ifindex <= 0 && t->pending[i].ifindex <= 0))
            return; /* already asked (one walk reads every port) */
    if ((t->busy && t->walking && ifindex <= 0) ||
        (t->busy && !t->walking && t->cur.ifindex == ifindex && ifindex > 0))
        return;
    if (t->npending == PENDING_MAX) {
        WHB_STAT(s, poll_dropped, 1);
        return;
    }
    struct poll_req r = *req;
    r.ifindex = ifindex;
    t->pending[t->npending++] = r;
    pump(t);
}

struct whb_poller *whb_poller_new(struct whb_switch_service *s)
{
    struct whb_poller *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->s = s;
    p->max = s->cfg.n * 2 + 16;
    p->t = calloc(p->max, sizeof(*p->t));
    if (!p->t) {
        free(p);
        return NULL;
    }
    return p;
}

void whb_poller_free(struct whb_poller *p)
{
    if (!p)
        return;
    for (unsigned i = 0; i < p->n; i++) {
        struct target *t = &p->t[i];
        whb_snmp_io_free(t->io);
        if (t->sessp)
            snmp_sess_close(t->sessp);
        if (t->later)
            event_free(t->later);
    }
    free(p->t);
    free(p);
}
