/* SNMP notifications received in the collector's process, as net-snmp's snmptrapd does it
 * (apps/snmptrapd.c: netsnmp_transport_open_server, a session with isAuthoritative unknown so
 * that traps use the sender's engine and informs ours, a pre-parse hook, a callback): each
 * one authenticated against the section of the address it came from, answered when it is an
 * inform, rate-limited per switch, decoded (trap.h) and emitted; a link trap that leaves the
 * port's status or name unsaid has the port read by SNMP. */
#include <event2/event.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "log.h"
#include "ratelimit.h"
#include "switch_int.h"
#include "trap.h"

struct whb_trap_recv {
    struct whb_switch_service *s;
    void *sessp;
    struct whb_snmp_io *io;
    struct whb_buckets rate;
};

/* Drops datagrams from nobody configured before net-snmp decrypts anything. */
static int pre_parse(netsnmp_session *session, netsnmp_transport *t, void *data, int len)
{
    (void)t;
    struct whb_trap_recv *r = session->callback_magic;
    struct sockaddr_storage from;
    if (whb_snmp_source(data, len, &from) != 0 ||
        !whb_switch_source(r->s, &r->s->sn_cache, (struct sockaddr *)&from)) {
        WHB_STAT(r->s, traps_denied, 1);
        return 0;
    }
    return 1;
}

static int same_secret(const void *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    return alen == blen && blen > 0 && CRYPTO_memcmp(a, b, blen) == 0;
}

/* Whether the credentials the notification came with are its section's. */
static int authentic(const netsnmp_pdu *pdu, const struct whb_switch_cred *cr)
{
    if (pdu->version == SNMP_VERSION_3)
        return cr->version == 3 && pdu->securityModel == SNMP_SEC_MODEL_USM &&
               pdu->securityLevel == SNMP_SEC_LEVEL_AUTHPRIV && pdu->securityName &&
               strlen(cr->user) == pdu->securityNameLen &&
               memcmp(pdu->securityName, cr->user, pdu->securityNameLen) == 0;
    if (pdu->version == SNMP_VERSION_1 || pdu->version == SNMP_VERSION_2c)
        return cr->version == 2 && pdu->community &&
               same_secret(pdu->community, pdu->community_len, cr->community);
    return 0;
}

static void answer_inform(struct whb_trap_recv *r, netsnmp_pdu *pdu)
{
    netsnmp_pdu *reply = snmp_clone_pdu(pdu);
    if (!reply)
        return;
    reply->command = SNMP_MSG_RESPONSE;
    reply->errstat = 0;
    reply->errindex = 0;
    if (!snmp_sess_send(r->sessp, reply)) {
        snmp_free_pdu(reply);
        whb_log_limited(WHB_LOG_WARN, "switch: cannot answer an inform");
        return;
    }
    WHB_STAT(r->s, informs_answered, 1);
}

static int on_notification(int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu,
                           void *magic)
{
    (void)session;
    (void)reqid;
    struct whb_trap_recv *r = magic;
    if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
        return 1;
    if (pdu->command != SNMP_MSG_TRAP && pdu->command != SNMP_MSG_TRAP2 &&
        pdu->command != SNMP_MSG_INFORM)
        return 1;
    struct sockaddr_storage from;
    const struct whb_switch_cred *cr = NULL;
    if (whb_snmp_source(pdu->transport_data, pdu->transport_data_length, &from) == 0)
        cr = whb_switch_source(r->s, &r->s->sn_cache, (struct sockaddr *)&from);
    if (!cr || !authentic(pdu, cr)) {
        WHB_STAT(r->s, traps_denied, 1);
        whb_log_limited(WHB_LOG_WARN,
                        "switch: a notification with credentials not configured for its "
                        "sender was dropped");
        return 1;
    }
    /* Answered before the rate limit: a sender that is not answered sends again. */
    if (pdu->command == SNMP_MSG_INFORM)
        answer_inform(r, pdu);
    if (!whb_buckets_take(&r->rate, (struct sockaddr *)&from, whb_clock_wall_ms())) {
        WHB_STAT(r->s, traps_rate, 1);
        return 1;
    }
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    int needs = whb_trap_decode(pdu, &ev);
    if (needs < 0) {
        if (needs == WHB_EPROTO)
            whb_log_limited(WHB_LOG_INFO, "switch: a link notification named no interface");
        return 1; /* not about a port */
    }
    WHB_STAT(r->s, traps, 1);
    ev.source = WHB_SWSRC_TRAP;
    whb_switch_name(r->s, cr, (struct sockaddr *)&from, ev.sw, sizeof(ev.sw));
    whb_switch_emit(r->s, &ev);
    /* What the notification left unsaid is read; after a link up, its speed. */
    if ((needs || ev.kind == WHB_SW_LINK_UP) && cr->poll) {
        struct poll_req req;
        memset(&req, 0, sizeof(req));
        snprintf(req.sw, sizeof(req.sw), "%s", ev.sw);
        snprintf(req.address, sizeof(req.address), "%s", cr->name[0] ? cr->address : "");
        if (!req.address[0])
            whb_switch_name(r->s, NULL, (struct sockaddr *)&from, req.address, sizeof(req.address));
        req.ifindex = ev.ifindex;
        whb_poller_request(r->s->poller, &req);
    }
    return 1;
}

struct whb_trap_recv *whb_trap_recv_start(struct whb_switch_service *s, char *why, size_t whylen)
{
    struct whb_trap_recv *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    r->s = s;
    whb_buckets_init(&r->rate, s->cfg.rate, s->cfg.burst);
    char spec[100];
    snprintf(spec, sizeof(spec), "udp:%s", s->cfg.snmp_traps);
    if (s->cfg.snmp_traps[0] == '[')
        snprintf(spec, sizeof(spec), "udp6:%s", s->cfg.snmp_traps);
    netsnmp_transport *t = netsnmp_transport_open_server("snmptrap", spec);
    if (!t) {
        snprintf(why, whylen, "cannot listen for SNMP notifications on %s", s->cfg.snmp_traps);
        free(r);
        return NULL;
    }
    netsnmp_session sess;
    snmp_sess_init(&sess);
    sess.peername = SNMP_DEFAULT_PEERNAME;
    sess.version = SNMP_DEFAULT_VERSION;
    sess.community_len = SNMP_DEFAULT_COMMUNITY_LEN;
    sess.retries = SNMP_DEFAULT_RETRIES;
    sess.timeout = SNMP_DEFAULT_TIMEOUT;
    sess.callback = on_notification;
    sess.callback_magic = r;
    sess.isAuthoritative = SNMP_SESS_UNKNOWNAUTH;
    r->sessp = snmp_sess_add(&sess, t, pre_parse, NULL);
    if (!r->sessp) {
        snprintf(why, whylen, "cannot open the SNMP notification session");
        free(r);
        return NULL;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(t->sock, (struct sockaddr *)&ss, &sl) == 0)
        s->bound[WHB_SWL_TRAP] =
            ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)&ss)->sin_port);
    r->io = whb_snmp_io_new(s->sn_base, r->sessp);
    if (!r->io) {
        snprintf(why, whylen, "cannot watch the SNMP notification socket");
        whb_trap_recv_stop(r);
        return NULL;
    }
    return r;
}

void whb_trap_recv_stop(struct whb_trap_recv *r)
{
    if (!r)
        return;
    whb_snmp_io_free(r->io);
    if (r->sessp)
        snmp_sess_close(r->sessp);
    free(r);
}
