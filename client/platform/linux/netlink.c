/* rtnetlink through libnl-route: change notifications and the adapter snapshot. Counters
 * come from the kernel's link statistics, speed from sysfs (ethtool's source). */
/* glibc's net/if.h must come before the kernel's headers, which then skip their copies. */
#include <net/if.h>
#include <dirent.h>
#include <linux/if_arp.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "linux.h"
#include "log.h"

/* Link notifications read but not yet given to the core: each one, not only the last, so that
 * a carrier that went and came back between two waits is two events. */
#define LINKS_KEPT 128

struct link_seen {
    char name[WHB_NAME_LEN];
    int admin_up, carrier;
    int64_t at_ms;
};

struct whb_netlink {
    struct nl_sock *events; /* subscribed to the multicast groups */
    struct nl_sock *query;  /* for dumps */
    struct link_seen links[LINKS_KEPT];
    unsigned first, count;
    int64_t now_ms; /* of the drain under way */
    int any;
};

/* Drops the kept notifications of adapter name (the rest keep their order). */
static void forget_links(struct whb_netlink *nl, const char *name)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < nl->count; i++) {
        const struct link_seen *l = &nl->links[(nl->first + i) % LINKS_KEPT];
        if (strcmp(l->name, name))
            nl->links[(nl->first + kept++) % LINKS_KEPT] = *l;
    }
    nl->count = kept;
}

static int on_msg(struct nl_msg *msg, void *arg)
{
    struct whb_netlink *nl = arg;
    struct nlmsghdr *h = nlmsg_hdr(msg);
    nl->any = 1;
    if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) ||
        h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
        return NL_OK;
    const struct ifinfomsg *ifi = nlmsg_data(h);
    struct nlattr *name = nlmsg_find_attr(h, sizeof(*ifi), IFLA_IFNAME);
    if (!name || (ifi->ifi_flags & IFF_LOOPBACK))
        return NL_OK;
    if (h->nlmsg_type == RTM_DELLINK) {
        /* An adapter that goes away (unplugged, deleted) says "down" first: not an adapter
         * disabled on the machine. Its notifications not told yet go; the snapshot says it is
         * gone. */
        char gone[IFNAMSIZ];
        nla_strlcpy(gone, name, sizeof(gone));
        forget_links(nl, gone);
        return NL_OK;
    }
    if (nl->count == LINKS_KEPT) { /* the oldest goes: the snapshot still catches up */
        nl->first = (nl->first + 1) % LINKS_KEPT;
        nl->count--;
    }
    struct link_seen *l = &nl->links[(nl->first + nl->count++) % LINKS_KEPT];
    nla_strlcpy(l->name, name, sizeof(l->name));
    l->admin_up = (ifi->ifi_flags & IFF_UP) != 0;
    l->carrier = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
    l->at_ms = nl->now_ms;
    return NL_OK;
}

int whb_netlink_open(struct whb_netlink **out)
{
    struct whb_netlink *nl = calloc(1, sizeof(*nl));
    if (!nl)
        return WHB_ENOMEM;
    nl->events = nl_socket_alloc();
    nl->query = nl_socket_alloc();
    if (!nl->events || !nl->query)
        goto fail;
    nl_socket_disable_seq_check(nl->events);
    if (nl_connect(nl->events, NETLINK_ROUTE) || nl_connect(nl->query, NETLINK_ROUTE))
        goto fail;
    if (nl_socket_add_memberships(nl->events, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
                                  RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
                                  RTNLGRP_NEIGH, 0))
        goto fail;
    nl_socket_set_nonblocking(nl->events);
    nl_socket_set_buffer_size(nl->events, 1 << 20, 0);
    *out = nl;
    return 0;
fail:
    whb_netlink_close(nl);
    return WHB_EIO;
}

void whb_netlink_close(struct whb_netlink *nl)
{
    if (!nl)
        return;
    nl_socket_free(nl->events);
    nl_socket_free(nl->query);
    free(nl);
}

int whb_netlink_fd(struct whb_netlink *nl)
{
    return nl_socket_get_fd(nl->events);
}

unsigned whb_netlink_pending(const struct whb_netlink *nl)
{
    return nl->count;
}

int whb_netlink_hold_ms(const struct whb_netlink *nl, int64_t now_ms)
{
    /* An adapter being deleted (unplugged, its driver or veth removed) is first closed: the
     * kernel says "down" and only then RTM_DELLINK, moments later, and more under load. A down
     * told at once is "disabled on the machine" when it was removed. */
    for (unsigned i = 0; i < nl->count; i++) {
        const struct link_seen *l = &nl->links[(nl->first + i) % LINKS_KEPT];
        int64_t age = now_ms - l->at_ms;
        if (!l->admin_up && age >= 0 && age < WHB_NETLINK_SETTLE_MS && if_nametoindex(l->name))
            return (int)(WHB_NETLINK_SETTLE_MS - age);
    }
    return 0;
}

int whb_netlink_links(struct whb_netlink *nl, struct whb_os_event *evs, int max)
{
    int n = 0;
    while (nl->count && n < max) {
        const struct link_seen *l = &nl->links[nl->first];
        if (!if_nametoindex(l->name)) { /* gone since (its RTM_DELLINK not read yet) */
            nl->first = (nl->first + 1) % LINKS_KEPT;
            nl->count--;
            continue;
        }
        struct whb_os_event *e = &evs[n++];
        memset(e, 0, sizeof(*e));
        e->kind = WHB_OS_LINK;
        snprintf(e->event.adapter, sizeof(e->event.adapter), "%s", l->name);
        e->event.at_ms = l->at_ms;
        e->link_admin_up = l->admin_up;
        e->link_carrier = l->carrier;
        nl->first = (nl->first + 1) % LINKS_KEPT;
        nl->count--;
    }
    return n;
}

int whb_netlink_drain(struct whb_netlink *nl, int64_t now_ms)
{
    nl->any = 0;
    nl->now_ms = now_ms;
    nl_socket_modify_cb(nl->events, NL_CB_VALID, NL_CB_CUSTOM, on_msg, nl);
    /* Bounded: a storm of changes must not starve the loop. */
    for (int i = 0; i < 256; i++) {
        int rc = nl_recvmsgs_default(nl->events);
        if (rc < 0) {
            /* Overrun (ENOBUFS) loses notifications: a full snapshot catches up. */
            if (rc == -NLE_NOMEM)
                nl->any = 1;
            break;
        }
    }
    return nl->any;
}

static void read_sysfs(const char *root, const char *ifname, const char *file, char *buf,
                       size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/class/net/%s/%s", root, ifname, file);
    whb_linux_read_line(path, buf, len);
}

/* The first line of a small file (sysfs, /etc, /proc), without its newline; "" if unreadable. */
void whb_linux_read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

static enum whb_adapter_type adapter_type(const char *root, const char *ifname, unsigned arptype)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/class/net/%s/wireless", root, ifname);
    if (stat(path, &st) == 0)
        return WHB_ADAPTER_WIRELESS;
    snprintf(path, sizeof(path), "%s/class/net/%s/phy80211", root, ifname);
    if (stat(path, &st) == 0)
        return WHB_ADAPTER_WIRELESS;
    return arptype == ARPHRD_ETHER ? WHB_ADAPTER_ETHERNET : WHB_ADAPTER_OTHER;
}

static enum whb_oper oper_of(uint8_t op)
{
    switch (op) {
    case IF_OPER_UP:
        return WHB_OPER_UP;
    case IF_OPER_DOWN:
        return WHB_OPER_DOWN;
    case IF_OPER_LOWERLAYERDOWN:
        return WHB_OPER_LOWER_LAYER_DOWN;
    case IF_OPER_DORMANT:
        return WHB_OPER_DORMANT;
    case IF_OPER_NOTPRESENT:
        return WHB_OPER_NOT_PRESENT;
    case IF_OPER_TESTING:
        return WHB_OPER_TESTING;
    default:
        return WHB_OPER_UNKNOWN;
    }
}

static void adapter_from_link(struct rtnl_link *link, const char *root, struct whb_adapter_state *a)
{
    char buf[64];
    memset(a, 0, sizeof(*a));
    snprintf(a->name, sizeof(a->name), "%s", rtnl_link_get_name(link));
    a->ifindex = rtnl_link_get_ifindex(link);
    a->type = adapter_type(root, a->name, rtnl_link_get_arptype(link));
    struct nl_addr *mac = rtnl_link_get_addr(link);
    if (mac)
        nl_addr2str(mac, a->mac, sizeof(a->mac));
    a->admin_up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
    a->oper = oper_of(rtnl_link_get_operstate(link));
    a->carrier = rtnl_link_get_carrier(link) != 0 && a->admin_up;
    a->mtu = rtnl_link_get_mtu(link);
    a->counters.rx_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_ERRORS);
    a->counters.tx_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_ERRORS);
    a->counters.rx_dropped = rtnl_link_get_stat(link, RTNL_LINK_RX_DROPPED);
    a->counters.tx_dropped = rtnl_link_get_stat(link, RTNL_LINK_TX_DROPPED);
    a->counters.rx_crc_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_CRC_ERR);
    a->counters.rx_frame_errors = rtnl_link_get_stat(link, RTNL_LINK_RX_FRAME_ERR);
    uint32_t changes = 0;
    if (rtnl_link_get_carrier_changes(link, &changes) == 0)
        a->counters.carrier_changes = changes;
    read_sysfs(root, a->name, "speed", buf, sizeof(buf));
    long speed = atol(buf);
    a->speed_mbps = a->carrier && speed > 0 ? (uint64_t)speed : 0;
}

struct parse_ctx {
    const char *root;
    struct whb_adapter_state *out;
    int done;
};

static void on_link_obj(struct nl_object *obj, void *arg)
{
    struct parse_ctx *ctx = arg;
    adapter_from_link((struct rtnl_link *)obj, ctx->root, ctx->out);
    ctx->done = 1;
}

int whb_netlink_parse_link(const void *msg, size_t len, const char *sysfs_root,
                           struct whb_adapter_state *out)
{
    struct parse_ctx ctx = {sysfs_root, out, 0};
    if (len < sizeof(struct nlmsghdr) || ((const struct nlmsghdr *)msg)->nlmsg_len > len)
        return WHB_EPROTO;
    struct nl_msg *m = nlmsg_convert((struct nlmsghdr *)msg);
    if (!m)
        return WHB_ENOMEM;
    nlmsg_set_proto(m, NETLINK_ROUTE);
    int rc = nl_msg_parse(m, on_link_obj, &ctx);
    nlmsg_free(m);
    return rc == 0 && ctx.done ? 0 : WHB_EPROTO;
}

struct addr_ctx {
    struct whb_state *s;
};

static struct whb_adapter_state *by_index(struct whb_state *s, int ifindex)
{
    for (int i = 0; i < s->n_adapters; i++)
        if (s->adapters[i].ifindex == ifindex)
            return &s->adapters[i];
    return NULL;
}

static void on_addr(struct nl_object *obj, void *arg)
{
    struct rtnl_addr *ad = (struct rtnl_addr *)obj;
    struct whb_adapter_state *a = by_index(((struct addr_ctx *)arg)->s, rtnl_addr_get_ifindex(ad));
    struct nl_addr *local = rtnl_addr_get_local(ad);
    if (!a || !local || a->n_addrs >= WHB_MAX_ADDRS)
        return;
    /* Link-local IPv6 says nothing about the network the machine is on. */
    if (rtnl_addr_get_family(ad) == AF_INET6 && rtnl_addr_get_scope(ad) == RT_SCOPE_LINK)
        return;
    nl_addr2str(local, a->addrs[a->n_addrs], WHB_ADDR_LEN);
    if (!strchr(a->addrs[a->n_addrs], '/'))
        snprintf(a->addrs[a->n_addrs] + strlen(a->addrs[a->n_addrs]),
                 WHB_ADDR_LEN - strlen(a->addrs[a->n_addrs]), "/%u", rtnl_addr_get_prefixlen(ad));
    a->n_addrs++;
}

static void on_route(struct nl_object *obj, void *arg)
{
    struct rtnl_route *r = (struct rtnl_route *)obj;
    struct nl_addr *dst = rtnl_route_get_dst(r);
    if (rtnl_route_get_table(r) != RT_TABLE_MAIN || (dst && nl_addr_get_prefixlen(dst) != 0))
        return;
    if (rtnl_route_get_nnexthops(r) < 1)
        return;
    struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);
    struct whb_adapter_state *a =
        by_index(((struct addr_ctx *)arg)->s, rtnl_route_nh_get_ifindex(nh));
    struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);
    if (a && gw && !a->gateway[0])
        nl_addr2str(gw, a->gateway, sizeof(a->gateway));
}

static void on_neigh(struct nl_object *obj, void *arg)
{
    struct rtnl_neigh *n = (struct rtnl_neigh *)obj;
    struct whb_adapter_state *a = by_index(((struct addr_ctx *)arg)->s, rtnl_neigh_get_ifindex(n));
    char ip[WHB_ADDR_LEN];
    if (!a || !a->gateway[0] || !rtnl_neigh_get_dst(n) || !rtnl_neigh_get_lladdr(n))
        return;
    nl_addr2str(rtnl_neigh_get_dst(n), ip, sizeof(ip));
    if (strcmp(ip, a->gateway) == 0)
        nl_addr2str(rtnl_neigh_get_lladdr(n), a->gateway_mac, sizeof(a->gateway_mac));
}

int whb_netlink_snapshot(struct whb_netlink *nl, const char *root, struct whb_state *out)
{
    struct nl_cache *links = NULL, *addrs = NULL, *routes = NULL, *neighs = NULL;
    struct addr_ctx ctx = {out};
    int rc = WHB_EIO;
    memset(out, 0, sizeof(*out));
    if (rtnl_link_alloc_cache(nl->query, AF_UNSPEC, &links) < 0)
        goto out;
    for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
        struct rtnl_link *l = (struct rtnl_link *)o;
        if (rtnl_link_get_flags(l) & IFF_LOOPBACK || out->n_adapters >= WHB_MAX_ADAPTERS)
            continue;
        adapter_from_link(l, root, &out->adapters[out->n_adapters++]);
    }
    if (rtnl_addr_alloc_cache(nl->query, &addrs) >= 0)
        nl_cache_foreach(addrs, on_addr, &ctx);
    if (rtnl_route_alloc_cache(nl->query, AF_UNSPEC, 0, &routes) >= 0)
        nl_cache_foreach(routes, on_route, &ctx);
    if (rtnl_neigh_alloc_cache(nl->query, &neighs) >= 0)
        nl_cache_foreach(neighs, on_neigh, &ctx);
    rc = 0;
out:
    nl_cache_free(links);
    nl_cache_free(addrs);
    nl_cache_free(routes);
    nl_cache_free(neighs);
    return rc;
}
