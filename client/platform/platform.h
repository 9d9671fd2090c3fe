/* The interface between the agent's core and the OS. Backends fill one const table each
 * (curl's vtls shape): linux, windows, and replay (recorded events, for tests and demos).
 * The core includes no OS header; everything it needs from the OS comes through here. */
#ifndef WHB_PLATFORM_H
#define WHB_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct whb_platform;

/* What a backend can observe; the core says once in the log what it cannot. */
enum whb_platform_cap {
    WHB_CAP_LINK_EVENTS = 1 << 0, /* adapter changes arrive as events, not by polling */
    WHB_CAP_WIRELESS = 1 << 1,
    WHB_CAP_LLDP = 1 << 2,
    WHB_CAP_POWER = 1 << 3,         /* sleep/shutdown notifications with time for a last gasp */
    WHB_CAP_SERVICE_STATE = 1 << 4, /* Windows Update service state */
};

struct whb_platform_config {
    const char *state_dir;
    const char *fqdn;               /* override; NULL to ask the OS */
    const char *machine_id;         /* override; NULL to ask the OS */
    const char *replay_file;        /* replay backend */
    const char *control_path;       /* local socket for the sleep hook ("pre suspend" ...) */
    void *service;                  /* Windows: the bridge from the service control handler */
    const char *update_events_file; /* Windows: recorded update client events (tests) */
};

/* Things that happen to the machine that a snapshot cannot show. */
enum whb_os_event_kind {
    WHB_OS_CHANGED = 1, /* adapters may differ: take a new snapshot */
    WHB_OS_SUSPEND,     /* about to sleep: send the last gasp, then whb_platform_ops.power_done */
    WHB_OS_HIBERNATE,
    WHB_OS_SHUTDOWN,
    WHB_OS_RESUME,
    WHB_OS_WIFI, /* a wireless event: ev.event holds it (disconnect, failure...) */
    WHB_OS_STOP, /* the service is asked to stop */
    WHB_OS_LINK, /* an adapter's link as the OS told it at event.at_ms (link_* below) */
};

struct whb_os_event {
    enum whb_os_event_kind kind;
    struct whb_agent_event event;    /* for WHB_OS_WIFI, and the time of any event */
    void *reply;                     /* opaque: who waits for power_done (hook connection) */
    int link_admin_up, link_carrier; /* WHB_OS_LINK: event.adapter's state then */
};

struct whb_platform_ops {
    const char *name;
    int (*open)(const struct whb_platform_config *cfg, struct whb_platform **out);
    void (*close)(struct whb_platform *p);
    unsigned (*caps)(struct whb_platform *p);
    int (*identity)(struct whb_platform *p, struct whb_identity *out);
    int (*snapshot)(struct whb_platform *p, struct whb_state *out);
    /* Waits at most timeout_ms; fills up to max events, sets *n. Returns 0 or WHB_E*. */
    int (*wait)(struct whb_platform *p, int timeout_ms, struct whb_os_event *evs, int max, int *n);
    /* The last gasp for a power event is out (or spooled): let the OS go on. */
    void (*power_done)(struct whb_platform *p, struct whb_os_event *ev);
    /* Clocks: wall time, time awake since boot, and time since boot including sleep. Their
     * difference grows by exactly the time asleep. */
    int64_t (*wall_ms)(struct whb_platform *p);
    void (*uptime_ms)(struct whb_platform *p, uint64_t *awake, uint64_t *with_sleep);
    /* Optional (NULL): adds what only the OS knows to an event before it is recorded, e.g.
     * Windows' reason for a resume or an unclean stop, or a link lost in Modern Standby. */
    void (*annotate)(struct whb_platform *p, struct whb_agent_event *ev);
    /* Optional (NULL: never): a power notification is waiting to be read. Asked while a
     * report is being sent, so that the last gasp does not wait behind the network. */
    int (*power_pending)(struct whb_platform *p);
    /* Optional (NULL: nothing to do): reads the OS's pending link notifications now, with
     * their time, for the next wait to return (WHB_OS_LINK). Called a few times a second
     * while a report is being sent: a slow collector must not hide link flaps (issue 22: a
     * 10 s send merged them, 2 of 8 were recorded). */
    void (*capture)(struct whb_platform *p);
    /* Optional (NULL: none): the machine's own certificate for mTLS when no path or thumbprint
     * is configured (Windows: the one AD CS autoenrollment gave it, naming fqdn), as what the
     * sender takes for a client certificate. 0, or WHB_ENOTFOUND. */
    int (*machine_cert)(struct whb_platform *p, const char *fqdn, char *out, size_t len);
};

extern const struct whb_platform_ops whb_platform_replay;
#ifdef _WIN32
extern const struct whb_platform_ops whb_platform_windows;
#define WHB_PLATFORM_NATIVE whb_platform_windows
#else
extern const struct whb_platform_ops whb_platform_linux;
#define WHB_PLATFORM_NATIVE whb_platform_linux
#endif

/* A handle carries its ops. */
struct whb_platform {
    const struct whb_platform_ops *ops;
};

#endif
