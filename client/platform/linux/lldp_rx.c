/* LLDP reception on Linux: one AF_PACKET socket for EtherType 0x88cc on all adapters, the
 * LLDP multicast address joined per wired adapter, neighbours kept per ifindex until their
 * TTL runs out. */
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

#define MAX_NEIGHBOURS 16

struct neighbour {
    int ifindex;
    struct whb_lldp info;
    time_t expires;
};

struct whb_lldp_rx {
    int fd;
    struct neighbour nb[MAX_NEIGHBOURS];
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

static struct neighbour *slot_for(struct whb_lldp_rx *l, int ifindex)
{
    struct neighbour *free_slot = NULL;
    for (int i = 0; i < MAX_NEIGHBOURS; i++) {
        if (l->nb[i].ifindex == ifindex)
            return &l->nb[i];
        if (!l->nb[i].ifindex && !free_slot)
            free_slot = &l->nb[i];
    }
    return free_slot;
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
        struct neighbour *nb = slot_for(l, from.sll_ifindex);
        if (!nb)
            continue;
        changed |= nb->ifindex != from.sll_ifindex || memcmp(&nb->info, &info, sizeof(info)) != 0;
        nb->ifindex = from.sll_ifindex;
        nb->info = info;
        /* 802.1AB's default TTL is 120 s; hold a little longer than that. */
        nb->expires = time(NULL) + 150;
    }
    return changed;
}

void whb_lldp_rx_lookup(struct whb_lldp_rx *l, int ifindex, struct whb_lldp *out)
{
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < MAX_NEIGHBOURS; i++) {
        if (l->nb[i].ifindex != ifindex)
            continue;
        if (l->nb[i].expires < time(NULL)) {
            memset(&l->nb[i], 0, sizeof(l->nb[i]));
            return;
        }
        *out = l->nb[i].info;
        return;
    }
}
