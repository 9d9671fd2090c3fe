/* Internal to the Linux backend: the pieces linux.c multiplexes with poll(). */
#ifndef WHB_LINUX_H
#define WHB_LINUX_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "platform/platform.h"

/* The first line of a small file (sysfs, /etc, /proc) without its newline; "" if unreadable. */
void whb_linux_read_line(const char *path, char *buf, size_t len);

/* rtnetlink (libnl-route): a socket that wakes us on link, address, route and neighbour
 * changes, and the snapshot of every adapter. */
struct whb_netlink;
int whb_netlink_open(struct whb_netlink **out);
void whb_netlink_close(struct whb_netlink *nl);
int whb_netlink_fd(struct whb_netlink *nl);
/* Drains pending notifications; returns 1 when any arrived. Each link notification is kept,
 * with the time it was read, for whb_netlink_links. */
int whb_netlink_drain(struct whb_netlink *nl, int64_t now_ms);
/* Moves the link notifications kept so far (oldest first, at most max) into evs as
 * WHB_OS_LINK events; returns how many. */
int whb_netlink_links(struct whb_netlink *nl, struct whb_os_event *evs, int max);
/* How many link notifications are kept, not yet moved out. */
unsigned whb_netlink_pending(const struct whb_netlink *nl);
/* How long the kept notifications (and the snapshot after them) must still wait, in ms, 0 when
 * they may be told: an adapter going down is held WHB_NETLINK_SETTLE_MS in case it is being
 * deleted (its RTM_DELLINK then drops it). */
#define WHB_NETLINK_SETTLE_MS 500
int whb_netlink_hold_ms(const struct whb_netlink *nl, int64_t now_ms);
int whb_netlink_snapshot(struct whb_netlink *nl, const char *sysfs_root, struct whb_state *out);
/* Parses one RTM_NEWLINK message (bytes as the kernel sent them) into an adapter. */
int whb_netlink_parse_link(const void *msg, size_t len, const char *sysfs_root,
                           struct whb_adapter_state *out);

/* Requests to a generic netlink family (libnl-genl) on a socket of their own, each read to its
 * end; a second without an answer gives it up. */
struct nlmsghdr;
struct whb_genl_ask;
typedef void (*whb_genl_reply_fn)(const struct nlmsghdr *reply, void *arg);
/* WHB_EUNSUPPORTED when the kernel has no such family. */
int whb_genl_ask_open(const char *family, struct whb_genl_ask **out);
void whb_genl_ask_close(struct whb_genl_ask *q);
/* Sends cmd (flags: 0, or NLM_F_DUMP) with one attribute (none when attr is 0) and gives each
 * reply to fn; 0 once the request's ACK or its dump's end came, -1 on an error reply, a
 * timeout, or a reply without an end. */
int whb_genl_ask(struct whb_genl_ask *q, uint8_t cmd, int flags, int attr, const void *val,
                 size_t len, whb_genl_reply_fn fn, void *arg);

/* nl80211 (libnl-genl): MLME events (connect results, disconnects with reason codes, roams)
 * and the association of a wireless adapter. */
struct whb_nl80211;
int whb_nl80211_open(struct whb_nl80211 **out);
void whb_nl80211_close(struct whb_nl80211 *w);
int whb_nl80211_fd(struct whb_nl80211 *w);
/* Reads pending events into evs (at most max); returns how many. A connect, disconnect or
 * roam among them adds a WHB_OS_CHANGED after them: the association is in the snapshot. */
int whb_nl80211_read(struct whb_nl80211 *w, struct whb_os_event *evs, int max);
/* 1 when an nl80211 message is a connect result, disconnect or roam: the association (and so
 * the snapshot) may differ. */
int whb_nl80211_moves_association(const void *msg, size_t len);
/* Asks the kernel for the association of the interface ifindex: its SSID, BSSID and signal when
 * it is a station associated with an access point; out is all zero otherwise (or w NULL). */
void whb_nl80211_query(struct whb_nl80211 *w, int ifindex, struct whb_wifi *out);
/* Parses one NL80211_CMD_NEW_INTERFACE reply; 1 when the interface is a station (its SSID, when
 * it has one, goes into out->ssid), 0 otherwise. */
int whb_nl80211_parse_iface(const void *msg, size_t len, struct whb_wifi *out);
/* Parses one NL80211_CMD_NEW_SCAN_RESULTS entry; 1 when it is the BSS the station is associated
 * with (out gets its BSSID, signal, associated = 1, and its SSID if out has none). */
int whb_nl80211_parse_bss(const void *msg, size_t len, struct whb_wifi *out);
/* Parses one nl80211 generic netlink message into an event; 1 when it is one we report. */
int whb_nl80211_parse(const void *msg, size_t len, struct whb_os_event *ev);

/* LLDP on wired adapters (AF_PACKET, needs CAP_NET_RAW). */
struct whb_lldp_rx;
int whb_lldp_rx_open(struct whb_lldp_rx **out);
void whb_lldp_rx_close(struct whb_lldp_rx *l);
int whb_lldp_rx_fd(struct whb_lldp_rx *l);
/* Reads one frame; returns 1 when a neighbour changed. */
int whb_lldp_rx_read(struct whb_lldp_rx *l);
/* Copies what was learned on ifindex into out; ages out neighbours past their TTL. */
void whb_lldp_rx_lookup(struct whb_lldp_rx *l, const struct whb_adapter_state *a,
                        struct whb_lldp *out);
/* Forgets every neighbour (after a resume). */
void whb_lldp_rx_forget(struct whb_lldp_rx *l);
/* Joins the LLDP multicast group on a wired adapter. */
void whb_lldp_rx_watch(struct whb_lldp_rx *l, int ifindex);

/* logind over sd-bus: PrepareForSleep / PrepareForShutdown with a delay inhibitor. */
struct whb_logind;
int whb_logind_open(struct whb_logind **out);
void whb_logind_close(struct whb_logind *l);
int whb_logind_fd(struct whb_logind *l);
int whb_logind_read(struct whb_logind *l, struct whb_os_event *evs, int max);
/* Releases the delay inhibitor so the sleep or shutdown can go on; takes a new one. */
void whb_logind_release(struct whb_logind *l);

/* The local control socket used by the systemd-sleep hook and `whb-agent --notify`. */
struct whb_control;
int whb_control_open(const char *path, struct whb_control **out);
void whb_control_close(struct whb_control *c);
int whb_control_fd(struct whb_control *c);
/* Accepts one client and reads its command into ev; 1 when ev is filled. */
int whb_control_read(struct whb_control *c, struct whb_os_event *ev);
/* Answers the client that waits on ev->reply and closes it. */
void whb_control_reply(struct whb_os_event *ev, const char *text);
/* Client side: sends "pre suspend" etc. and waits (bounded) for the answer. */
int whb_control_notify(const char *path, const char *command, int timeout_ms);

#endif
