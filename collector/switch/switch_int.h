/* Internal to switch/: the service the receivers and the poller share. */
#ifndef WHB_SWITCH_INT_H
#define WHB_SWITCH_INT_H

#include <pthread.h>

#include "switch.h"

struct event;
struct event_base;
struct whb_syslog_recv;
struct whb_trap_recv;
struct whb_poller;

/* Source address -> configured section, remembered: matching walks every section. */
#define WHB_SOURCE_CACHE 256
struct whb_source_cache {
    struct {
        uint8_t addr[16];
        const struct whb_switch_cred *cred; /* NULL: nobody configured it */
        int used;
    } e[WHB_SOURCE_CACHE];
};

struct poll_req {
    char sw[WHB_SWITCH_NAME_MAX];
    char address[64];
    char port[WHB_SWITCH_PORT_MAX];
    int32_t ifindex;
};
#define WHB_POLL_QUEUE 256

struct whb_switch_service {
    struct whb_switch_config cfg; /* a copy; its creds owned here */
    struct whb_switch_hooks hooks;
    char tls_cert[512], tls_key[512];

    pthread_mutex_t lock; /* the table */
    struct whb_switch_ports *table;
    struct whb_switch_stats stats; /* updated with atomics */

    struct event_base *sl_base, *sn_base; /* syslog thread, net-snmp thread */
    struct event *sl_stop, *sn_stop;
    pthread_t sl_thread, sn_thread;
    int sl_started, sn_started;
    struct whb_syslog_recv *syslog;
    struct whb_trap_recv *traps;
    struct whb_poller *poller;
    struct whb_source_cache sl_cache, sn_cache; /* one per thread */

    pthread_mutex_t qlock; /* poll requests from other threads */
    struct poll_req q[WHB_POLL_QUEUE];
    unsigned qhead, qn;
    struct event *qev;

    unsigned bound[4];
};

#define WHB_STAT(s, field, n) __atomic_fetch_add(&(s)->stats.field, (n), __ATOMIC_RELAXED)

/* Applies ev to the port table and hands it to the sink; at_ms set to now when 0. Returns
 * what whb_switch_ports_apply returned. */
int whb_switch_emit(struct whb_switch_service *s, struct whb_switch_event *ev);

/* The section that covers from (through the thread's cache), or NULL. */
const struct whb_switch_cred *whb_switch_source(struct whb_switch_service *s,
                                                struct whb_source_cache *cache,
                                                const struct sockaddr *from);

/* The name events carry for a device: its [switch] name, the namer's, or its address. */
void whb_switch_name(struct whb_switch_service *s, const struct whb_switch_cred *cred,
                     const struct sockaddr *from, char *out, size_t outlen);

/* When the port was last read by SNMP (0: never); under the table's lock. */
int64_t whb_switch_polled_ms(struct whb_switch_service *s, const char *sw, const char *port,
                             int32_t ifindex);

/* Receivers and poller, each on its thread's base. */
struct whb_syslog_recv *whb_syslog_recv_start(struct whb_switch_service *s, char *why,
                                              size_t whylen);
void whb_syslog_recv_stop(struct whb_syslog_recv *r);

/* net-snmp set up once per process (numeric OIDs only, no files read or written, its log
 * lines into ours), users made from the sections; then the receiver and the poller. */
int whb_snmp_lib_init(const struct whb_switch_config *cfg, char *why, size_t whylen);
struct whb_trap_recv *whb_trap_recv_start(struct whb_switch_service *s, char *why, size_t whylen);
void whb_trap_recv_stop(struct whb_trap_recv *r);
struct whb_poller *whb_poller_new(struct whb_switch_service *s);
void whb_poller_request(struct whb_poller *p, const struct poll_req *req);
void whb_poller_free(struct whb_poller *p);

/* libevent and one net-snmp single session (snmp_sess_*): reads when its socket is
 * readable, its retries and timeouts on a timer. */
struct whb_snmp_io;
struct whb_snmp_io *whb_snmp_io_new(struct event_base *base, void *sessp);
/* After sending: the timer follows the session's next timeout. */
void whb_snmp_io_rearm(struct whb_snmp_io *io);
void whb_snmp_io_free(struct whb_snmp_io *io);

/* The sender's address from net-snmp's transport data (UDP over IPv4 or IPv6). */
int whb_snmp_source(const void *data, int len, struct sockaddr_storage *out);

#endif
