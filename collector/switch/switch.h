/* The switches' own word in the collector: syslog (UDP, TCP, TLS) and SNMP notifications
 * received, ports read by SNMP on demand, all turned into switch events (event.h) that keep a
 * table of every port's state (ports.h) and go to the caller's sink (the store). Two threads
 * of its own, so that a switch's flood never slows the agents' reports: one for syslog, one
 * for everything net-snmp does (its library is not thread-safe). */
#ifndef WHB_SWITCH_H
#define WHB_SWITCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "event.h"
#include "ports.h"
#include "switch_config.h"

struct whb_switch_service;

/* Called on the service's threads, once per event, after the port table has it: port is the
 * port as it stands after the event (NULL for an event about the switch as a whole); changed:
 * the event changed what the table knew (a read of the port that found it as it was did not). */
typedef void (*whb_switch_sink)(void *arg, const struct whb_switch_event *ev,
                                const struct whb_switch_port *port, int changed);

/* The name of a device that only a [switch-range] covers (the collector knows it from the
 * agents' LLDP: the system name beside that management address); 0, or nonzero for none,
 * and then the device is called by its address. */
typedef int (*whb_switch_namer)(void *arg, const struct sockaddr *addr, char *name, size_t len);

struct whb_switch_hooks {
    whb_switch_sink sink;
    void *sink_arg;
    whb_switch_namer namer;
    void *namer_arg;
    const char *tls_cert, *tls_key; /* the collector's, for syslog over TLS (RFC 5425) */
};

struct whb_switch_stats {
    uint64_t syslog_msgs;    /* framed messages from configured switches */
    uint64_t syslog_link;    /* of those, recognised (link, err-disable, 802.1X, config) */
    uint64_t syslog_unknown; /* from nobody configured: dropped */
    uint64_t syslog_rate;    /* over a switch's rate: dropped */
    uint64_t syslog_cut;     /* longer than WHB_SYSLOG_MAX */
    uint64_t syslog_bad;     /* no syslog message at all, or a stream that lost its framing */
    uint64_t tcp_refused;    /* connections over max_tcp or from nobody configured */
    uint64_t traps;          /* notifications accepted */
    uint64_t traps_denied;   /* from nobody configured, or with the wrong credentials */
    uint64_t traps_rate;     /* over a switch's rate */
    uint64_t informs_answered;
    uint64_t polls, poll_timeouts, poll_errors, poll_dropped;
    uint64_t table_full; /* events the port table had no room for */
};

/* Starts listening and polling as cfg says (cfg is copied). Returns NULL with why. */
struct whb_switch_service *whb_switch_start(const struct whb_switch_config *cfg,
                                            const struct whb_switch_hooks *hooks, char *why,
                                            size_t whylen);
/* Stops both threads and frees everything; NULL is a no-op. */
void whb_switch_stop(struct whb_switch_service *s);

/* Asks, from any thread, that the port be read by SNMP now: by ifIndex, or by name (the
 * ifIndex found by walking the switch's ifName/ifDescr). address: where the switch answers
 * when no [switch] section names it (from the agents' LLDP management address), else NULL.
 * Returns 0 when queued, WHB_EBUSY when the queue is full, WHB_ENOTFOUND when no section
 * gives credentials for that switch. The answer arrives as an event. */
int whb_switch_poll(struct whb_switch_service *s, const char *sw, const char *address,
                    const char *port, int32_t ifindex);

/* Copies the port's state as the switches last said it; 0, or WHB_ENOTFOUND. */
int whb_switch_port_copy(struct whb_switch_service *s, const char *sw, const char *port,
                         int32_t ifindex, struct whb_switch_port *out);
/* Copies up to max ports of sw; returns how many there are. */
unsigned whb_switch_ports_copy(struct whb_switch_service *s, const char *sw,
                               struct whb_switch_port *out, unsigned max);

void whb_switch_get_stats(struct whb_switch_service *s, struct whb_switch_stats *out);

/* The ports actually bound (a configured port 0 takes a free one). */
enum whb_switch_listener { WHB_SWL_UDP, WHB_SWL_TCP, WHB_SWL_TLS, WHB_SWL_TRAP };
unsigned whb_switch_bound_port(struct whb_switch_service *s, enum whb_switch_listener l);

#endif
