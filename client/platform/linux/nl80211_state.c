/* The wireless adapter's association as nl80211 tells it when asked: the SSID from the
 * interface (NL80211_CMD_GET_INTERFACE), the BSSID and signal from the BSS the kernel marks
 * associated in its scan results (NL80211_CMD_GET_SCAN, as `iw dev X link` finds it). Pure
 * parsers of the kernel's replies; nl80211.c sends the queries. */
#include <linux/nl80211.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"
#include "text.h"

#define WLAN_EID_SSID 0

/* 32 octets at most, escaped where not printable (as the Windows backend does). */
static void ssid_text(const uint8_t *s, size_t n, char *out, size_t len)
{
    whb_text_escape(s, n < 32 ? n : 32, out, len);
}

/* libnl's parser wants a writable, aligned copy of one whole message of the expected command. */
static struct nlmsghdr *copy_genl(const void *msg, size_t len, uint8_t cmd)
{
    const struct nlmsghdr *h = msg;
    if (len < NLMSG_HDRLEN + GENL_HDRLEN || h->nlmsg_len > len ||
        h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
        return NULL;
    const struct genlmsghdr *gh = (const void *)((const uint8_t *)msg + NLMSG_HDRLEN);
    if (gh->cmd != cmd)
        return NULL;
    struct nlmsghdr *copy = malloc(h->nlmsg_len);
    if (copy)
        memcpy(copy, msg, h->nlmsg_len);
    return copy;
}

int whb_nl80211_parse_iface(const void *msg, size_t len, struct whb_wifi *out)
{
    struct nlattr *tb[NL80211_ATTR_MAX + 1];
    struct nlmsghdr *nlh = copy_genl(msg, len, NL80211_CMD_NEW_INTERFACE);
    int station = 0;
    if (!nlh)
        return 0;
    if (genlmsg_parse(nlh, 0, tb, NL80211_ATTR_MAX, NULL) == 0 && tb[NL80211_ATTR_IFTYPE] &&
        nla_len(tb[NL80211_ATTR_IFTYPE]) >= 4) {
        uint32_t type = nla_get_u32(tb[NL80211_ATTR_IFTYPE]);
        /* An access point's interface has an SSID too: it is not one this machine joined. */
        station = type == NL80211_IFTYPE_STATION || type == NL80211_IFTYPE_P2P_CLIENT;
    }
    if (station && tb[NL80211_ATTR_SSID])
        ssid_text(nla_data(tb[NL80211_ATTR_SSID]), (size_t)nla_len(tb[NL80211_ATTR_SSID]),
                  out->ssid, sizeof(out->ssid));
    free(nlh);
    return station;
}

/* The SSID element of a BSS's information elements, for kernels whose interface reply has no
 * NL80211_ATTR_SSID. */
static void ssid_from_ies(const uint8_t *ie, size_t len, char *out, size_t out_len)
{
    while (len >= 2 && (size_t)ie[1] + 2 <= len) {
        if (ie[0] == WLAN_EID_SSID) {
            ssid_text(ie + 2, ie[1], out, out_len);
            return;
        }
        len -= (size_t)ie[1] + 2;
        ie += ie[1] + 2;
    }
}

int whb_nl80211_parse_bss(const void *msg, size_t len, struct whb_wifi *out)
{
    struct nlattr *tb[NL80211_ATTR_MAX + 1], *bss[NL80211_BSS_MAX + 1];
    struct nlmsghdr *nlh = copy_genl(msg, len, NL80211_CMD_NEW_SCAN_RESULTS);
    int ours = 0;
    if (!nlh)
        return 0;
    if (genlmsg_parse(nlh, 0, tb, NL80211_ATTR_MAX, NULL) < 0 || !tb[NL80211_ATTR_BSS] ||
        nla_parse_nested(bss, NL80211_BSS_MAX, tb[NL80211_ATTR_BSS], NULL) < 0)
        goto done;
    /* Authenticated is not yet associated; an IBSS is no access point. */
    if (!bss[NL80211_BSS_STATUS] || nla_len(bss[NL80211_BSS_STATUS]) < 4 ||
        nla_get_u32(bss[NL80211_BSS_STATUS]) != NL80211_BSS_STATUS_ASSOCIATED ||
        !bss[NL80211_BSS_BSSID] || nla_len(bss[NL80211_BSS_BSSID]) != 6)
        goto done;
    const uint8_t *m = nla_data(bss[NL80211_BSS_BSSID]);
    snprintf(out->bssid, sizeof(out->bssid), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
             m[3], m[4], m[5]);
    out->associated = 1;
    /* mBm (1/100 dBm), signed, the kernel's latest from this BSS. */
    if (bss[NL80211_BSS_SIGNAL_MBM] && nla_len(bss[NL80211_BSS_SIGNAL_MBM]) >= 4)
        out->signal_dbm = (int32_t)nla_get_u32(bss[NL80211_BSS_SIGNAL_MBM]) / 100;
    if (!out->ssid[0] && bss[NL80211_BSS_INFORMATION_ELEMENTS])
        ssid_from_ies(nla_data(bss[NL80211_BSS_INFORMATION_ELEMENTS]),
                      (size_t)nla_len(bss[NL80211_BSS_INFORMATION_ELEMENTS]), out->ssid,
                      sizeof(out->ssid));
    ours = 1;
done:
    free(nlh);
    return ours;
}
