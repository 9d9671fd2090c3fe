/* Requests to a generic netlink family and their replies, on a socket of their own (apart from
 * any multicast events), each read to its end: a plain request's ACK comes in a datagram after
 * its reply, a dump ends with NLMSG_DONE. A reply that does not come within a second is given
 * up, and what is left of it never fails the next request. */
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "error.h"
#include "linux.h"

struct whb_genl_ask {
    struct nl_sock *sock;
    int family;
    unsigned seq; /* the request's sequence number: anything else is stale */
    int done;     /* its ACK or its dump's end came */
    whb_genl_reply_fn fn;
    void *arg;
};

/* libnl's own check wants every request answered in order; one given up would fail all the
 * next ones. Only the answer to the request just sent counts. */
static int on_seq(struct nl_msg *msg, void *arg)
{
    return nlmsg_hdr(msg)->nlmsg_seq == ((struct whb_genl_ask *)arg)->seq ? NL_OK : NL_SKIP;
}

static int on_reply(struct nl_msg *msg, void *arg)
{
    struct whb_genl_ask *q = arg;
    q->fn(nlmsg_hdr(msg), q->arg);
    return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
    (void)msg;
    ((struct whb_genl_ask *)arg)->done = 1;
    return NL_STOP;
}

int whb_genl_ask_open(const char *family, struct whb_genl_ask **out)
{
    struct timeval tv = {.tv_sec = 1};
    struct whb_genl_ask *q = calloc(1, sizeof(*q));
    if (!q)
        return WHB_ENOMEM;
    q->sock = nl_socket_alloc();
    if (!q->sock || genl_connect(q->sock) || (q->family = genl_ctrl_resolve(q->sock, family)) < 0) {
        whb_genl_ask_close(q);
        return WHB_EUNSUPPORTED;
    }
    setsockopt(nl_socket_get_fd(q->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    nl_socket_modify_cb(q->sock, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq, q);
    nl_socket_modify_cb(q->sock, NL_CB_VALID, NL_CB_CUSTOM, on_reply, q);
    nl_socket_modify_cb(q->sock, NL_CB_ACK, NL_CB_CUSTOM, on_done, q);
    nl_socket_modify_cb(q->sock, NL_CB_FINISH, NL_CB_CUSTOM, on_done, q);
    *out = q;
    return 0;
}

void whb_genl_ask_close(struct whb_genl_ask *q)
{
    if (!q)
        return;
    nl_socket_free(q->sock);
    free(q);
}

/* What is left of a request given up (its reply came after the timeout) is dropped before the
 * next one, each datagram whole (a short read discards the rest). */
static void drop_stale(struct whb_genl_ask *q)
{
    char byte;
    for (int i = 0; i < 256; i++)
        if (recv(nl_socket_get_fd(q->sock), &byte, 1, MSG_DONTWAIT | MSG_TRUNC) < 0)
            break;
}

int whb_genl_ask(struct whb_genl_ask *q, uint8_t cmd, int flags, int attr, const void *val,
                 size_t len, whb_genl_reply_fn fn, void *arg)
{
    struct nl_msg *msg = nlmsg_alloc();
    drop_stale(q);
    int sent = msg && genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, q->family, 0, flags, cmd, 0) &&
               (!attr || nla_put(msg, attr, (int)len, val) == 0) && nl_send_auto(q->sock, msg) >= 0;
    if (sent)
        q->seq = nlmsg_hdr(msg)->nlmsg_seq;
    nlmsg_free(msg);
    struct nl_cb *cb = nl_socket_get_cb(q->sock);
    q->fn = fn;
    q->arg = arg;
    q->done = 0;
    /* Each round reads until a datagram ends a message (a dump's until its end); bounded. */
    for (int i = 0; sent && cb && !q->done && i < 64; i++)
        if (nl_recvmsgs_report(q->sock, cb) <= 0)
            break;
    nl_cb_put(cb);
    return q->done ? 0 : -1;
}
