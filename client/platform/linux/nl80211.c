/* nl80211 through libnl-genl: MLME events (the wireless adapter's connect results and
 * disconnects, with the IEEE 802.11 status or reason code the AP or the driver gave; roams),
 * and the queries a snapshot asks of the association (parsed in nl80211_state.c). */
#include <linux/nl80211.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "linux.h"
#include "whb.pb-c.h"

struct whb_nl80211 {
    struct nl_sock *sock;       /* the "mlme" multicast group */
    struct whb_genl_ask *query; /* the snapshot's questions, apart from the events */
    struct whb_os_event *evs;
    int max, n;
    int changed; /* an event changed the association: a new snapshot is due */
};

static void mac_str(const uint8_t *m, char *out, size_t len)
{
    snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void ifname_of(struct nlattr **tb, char *out, size_t len)
{
    char name[IF_NAMESIZE] = "";
    out[0] = '\0';
    if (!tb[NL80211_ATTR_IFINDEX])
        return;
    unsigned idx = nla_get_u32(tb[NL80211_ATTR_IFINDEX]);
    if (if_indextoname(idx, name))
        snprintf(out, len, "%s", name);
    else
        snprintf(out, len, "if%u", idx);
}

static int parse_attrs(struct nlmsghdr *nlh, struct whb_os_event *ev)
{
    struct nlattr *tb[NL80211_ATTR_MAX + 1];
    struct genlmsghdr *gh = nlmsg_data(nlh);
    char bssid[WHB_MAC_LEN] = "";
    if (genlmsg_parse(nlh, 0, tb, NL80211_ATTR_MAX, NULL) < 0)
        return 0;
    memset(ev, 0, sizeof(*ev));
    ev->kind = WHB_OS_WIFI;
    ifname_of(tb, ev->event.adapter, sizeof(ev->event.adapter));
    if (tb[NL80211_ATTR_MAC] && nla_len(tb[NL80211_ATTR_MAC]) == 6)
        mac_str(nla_data(tb[NL80211_ATTR_MAC]), bssid, sizeof(bssid));
    int timed_out = tb[NL80211_ATTR_TIMED_OUT] != NULL;

    switch (gh->cmd) {
    case NL80211_CMD_CONNECT: {
        uint16_t status = tb[NL80211_ATTR_STATUS_CODE] ? nla_get_u16(tb[NL80211_ATTR_STATUS_CODE])
                                                       : (timed_out ? 1 : 0);
        if (status == 0 && !timed_out) {
            ev->event.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED;
            snprintf(ev->event.detail, sizeof(ev->event.detail), "connected to bssid %s", bssid);
        } else {
            ev->event.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED;
            ev->event.reason_code = status;
            snprintf(ev->event.detail, sizeof(ev->event.detail),
                     "connect to bssid %s failed: status %u%s", bssid[0] ? bssid : "-", status,
                     timed_out ? " (timed out)" : "");
        }
        return 1;
    }
    case NL80211_CMD_DISCONNECT: {
        uint16_t reason =
            tb[NL80211_ATTR_REASON_CODE] ? nla_get_u16(tb[NL80211_ATTR_REASON_CODE]) : 0;
        ev->event.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED;
        ev->event.reason_code = reason;
        snprintf(ev->event.detail, sizeof(ev->event.detail), "disconnected by %s: reason %u",
                 tb[NL80211_ATTR_DISCONNECTED_BY_AP] ? "the access point" : "this machine", reason);
        return 1;
    }
    case NL80211_CMD_AUTHENTICATE:
    case NL80211_CMD_ASSOCIATE:
        if (!timed_out)
            return 0;
        ev->event.kind = WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED;
        snprintf(ev->event.detail, sizeof(ev->event.detail), "%s with bssid %s timed out",
                 gh->cmd == NL80211_CMD_AUTHENTICATE ? "authentication" : "association",
                 bssid[0] ? bssid : "-");
        return 1;
    default:
        return 0;
    }
}

/* A whole generic netlink message in [msg, msg + len): its length, or 0. */
static size_t genl_len(const void *msg, size_t len)
{
    const struct nlmsghdr *h = msg;
    if (len < NLMSG_HDRLEN + GENL_HDRLEN || h->nlmsg_len > len ||
        h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
        return 0;
    return h->nlmsg_len;
}

int whb_nl80211_parse(const void *msg, size_t len, struct whb_os_event *ev)
{
    if (!genl_len(msg, len))
        return 0;
    const struct nlmsghdr *h = msg;
    /* libnl's parser wants a writable, aligned copy. */
    struct nlmsghdr *copy = malloc(h->nlmsg_len);
    if (!copy)
        return 0;
    memcpy(copy, msg, h->nlmsg_len);
    int rc = parse_attrs(copy, ev);
    free(copy);
    return rc;
}

int whb_nl80211_moves_association(const void *msg, size_t len)
{
    if (!genl_len(msg, len))
        return 0;
    uint8_t cmd = ((const struct genlmsghdr *)((const uint8_t *)msg + NLMSG_HDRLEN))->cmd;
    return cmd == NL80211_CMD_CONNECT || cmd == NL80211_CMD_ROAM || cmd == NL80211_CMD_DISCONNECT;
}

static int on_msg(struct nl_msg *msg, void *arg)
{
    struct whb_nl80211 *w = arg;
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    /* The association the snapshot reports follows each of these; a roam has no event of its
     * own (nor has it on Windows): the snapshot's new BSSID tells it. */
    w->changed |= whb_nl80211_moves_association(nlh, nlh->nlmsg_len);
    if (w->n < w->max && parse_attrs(nlh, &w->evs[w->n]))
        w->n++;
    return NL_OK;
}

struct query {
    struct whb_wifi *wifi;
    int station; /* the interface asked about is a station */
};

static void on_reply(const struct nlmsghdr *nlh, void *arg)
{
    struct query *q = arg;
    if (whb_nl80211_parse_iface(nlh, nlh->nlmsg_len, q->wifi))
        q->station = 1;
    else
        whb_nl80211_parse_bss(nlh, nlh->nlmsg_len, q->wifi);
}

void whb_nl80211_query(struct whb_nl80211 *w, int ifindex, struct whb_wifi *out)
{
    struct whb_wifi found = {0};
    struct query q = {&found, 0};
    uint32_t idx = (uint32_t)ifindex;
    memset(out, 0, sizeof(*out));
    if (!w || !w->query)
        return;
    /* Only a station has an access point; the associated BSS is the one the kernel marks so. */
    if (whb_genl_ask(w->query, NL80211_CMD_GET_INTERFACE, 0, NL80211_ATTR_IFINDEX, &idx,
                     sizeof(idx), on_reply, &q) == 0 &&
        q.station &&
        whb_genl_ask(w->query, NL80211_CMD_GET_SCAN, NLM_F_DUMP, NL80211_ATTR_IFINDEX, &idx,
                     sizeof(idx), on_reply, &q) == 0 &&
        found.associated)
        *out = found;
}

int whb_nl80211_open(struct whb_nl80211 **out)
{
    struct whb_nl80211 *w = calloc(1, sizeof(*w));
    if (!w)
        return WHB_ENOMEM;
    w->sock = nl_socket_alloc();
    if (!w->sock || genl_connect(w->sock))
        goto fail;
    int grp = genl_ctrl_resolve_grp(w->sock, "nl80211", "mlme");
    /* No nl80211 family: this machine has no wireless stack. */
    if (grp < 0 || nl_socket_add_membership(w->sock, grp))
        goto fail;
    nl_socket_disable_seq_check(w->sock);
    nl_socket_set_nonblocking(w->sock);
    nl_socket_modify_cb(w->sock, NL_CB_VALID, NL_CB_CUSTOM, on_msg, w);
    /* Without it events still come; snapshots then leave the association empty. */
    whb_genl_ask_open("nl80211", &w->query);
    *out = w;
    return 0;
fail:
    whb_nl80211_close(w);
    return WHB_EUNSUPPORTED;
}

void whb_nl80211_close(struct whb_nl80211 *w)
{
    if (!w)
        return;
    nl_socket_free(w->sock);
    whb_genl_ask_close(w->query);
    free(w);
}

int whb_nl80211_fd(struct whb_nl80211 *w)
{
    return nl_socket_get_fd(w->sock);
}

int whb_nl80211_read(struct whb_nl80211 *w, struct whb_os_event *evs, int max)
{
    if (max <= 0)
        return 0;
    w->evs = evs;
    w->max = max - 1; /* room for the snapshot's turn */
    w->n = 0;
    w->changed = 0;
    for (int i = 0; i < 64 && w->n < w->max; i++)
        if (nl_recvmsgs_default(w->sock) < 0)
            break;
    /* After the events: the snapshot then finds the association they left (a roam's BSSID). */
    if (w->changed)
        evs[w->n++] = (struct whb_os_event){.kind = WHB_OS_CHANGED};
    return w->n;
}
