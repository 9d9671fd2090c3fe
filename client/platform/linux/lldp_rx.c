/* LLDP reception on Linux: one AF_PACKET socket for EtherType 0x88cc on all adapters, the
 * LLDP multicast address joined per wired adapter, neighbours kept per ifindex until their
 * TTL runs out or the adapter's link goes down (lldp_table.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "linux.h"
#include "lldp.h"
#include "lldp_table.h"

/* 802.1AB's default TTL is 120 s; hold a little longer than that. */
#define HOLD_S 150

struct whb_lldp_rx {
    int fd;
    struct whb_lldp_table table;
};

int whb_lldp_rx_open(struct whb_lldp_rx **out)
{
    struct whb_lldp_rx *l = calloc(1, sizeof(*l));
    if (!l)
        return WHB_ENOMEM;
    l->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(WHB_LLDP_ETHERTYPE));
    if (l->fd < 0) {
        int e = errno;
        free(l);
        return e == EPERM || e == EACCES ? WHB_EDENIED : WHB_EIO;
    }
    *out = l;
    return 0;
}

void whb_lldp_rx_close(struct whb_lldp_rx *l)
{
    if (!l)
        return;
    close(l->fd);
    free(l);
}

int whb_lldp_rx_fd(struct whb_lldp_rx *l)
{
    return l->fd;
}

void whb_lldp_rx_watch(struct whb_lldp_rx *l, int ifindex)
{
    static const uint8_t lldp_mc[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
    struct packet_mreq mr = {.mr_ifindex = ifindex, .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6};
    memcpy(mr.mr_address, lldp_mc, 6);
    /* Joining twice is harmless; failure only means frames to that group may be filtered. */
    setsockopt(l->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
}

int whb_lldp_rx_read(struct whb_lldp_rx *l)
{
    uint8_t frame[1600];
    struct sockaddr_ll from;
    socklen_t fl = sizeof(from);
    int changed = 0;
    for (int i = 0; i < 32; i++) {
        ssize_t n = recvfrom(l->fd, frame, sizeof(frame), 0, (struct sockaddr *)&from, &fl);
        if (n <= 0)
            break;
        if (from.sll_pkttype == PACKET_OUTGOING)
            continue;
        struct whb_lldp info;
        if (whb_lldp_decode_frame(frame, (size_t)n, &info))
            continue;
        changed |= whb_lldp_table_put(&l->table, from.sll_ifindex, &info, time(NULL), HOLD_S);
    }
    return changed;
}

void whb_lldp_rx_lookup(struct whb_lldp_rx *l, const struct whb_adapter_state *a,
                        struct whb_lldp *out)
{
    whb_lldp_table_get(&l->table, a->ifindex, a->carrier, a->counters.carrier_changes, time(NULL),
                       out);
}

void whb_lldp_rx_forget(struct whb_lldp_rx *l)
{
    whb_lldp_table_forget_all(&l->table);
}
