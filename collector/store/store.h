/* The collector's storage interface. Backends fill a table of operations (curl's vtls shape):
 * SQLite is the embedded default; another engine would add its own table. A store handle is
 * used by one thread at a time: the writer thread and the HTTP thread open their own. */
#ifndef WHB_STORE_H
#define WHB_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "config.h"
#include "model.h"
#include "identity.h"
#include "switch/ports.h"
#include "wire.h"

struct whb_store;
struct whb_census_keeper;

/* One report as the writer stores it, with what the HTTP layer learned of its sender. */
struct whb_store_report {
    const whb_report *report;
    enum whb_identity_mode mode;
    uint8_t key_hash[WHB_IDENTITY_HASH_LEN]; /* key mode: hash of the presented key */
    int enrolling;                           /* key mode: a valid enrollment token came too */
    struct whb_source source;                /* the sender's address (IPv6 by its /64) */
    char source_ip[48];                      /* and as text, for enrollments and refusals */
    int64_t now_ms;                          /* collector time of receipt */
    unsigned grace;                          /* silent after grace x interval */
    /* Key mode: which new machines may enroll ([enrollment] require). */
    enum whb_enroll_rule enroll_rule;
    /* What one machine may store ([store] events_*); 0: no bound. */
    unsigned events_per_hour, events_burst, events_kept;
};

/* Why a report was denied, for the agent to act on (the 403 body's first word). */
enum whb_denial {
    WHB_DENY_OTHER = 0,
    WHB_DENY_NOT_ENROLLED, /* unknown machine, no valid token: the agent presents its token */
    WHB_DENY_KEY_MISMATCH, /* another key is bound to this machine: an admin must act */
};

/* What the refusals of a machine's key or name are recorded as (for `whb why`). */
#define WHB_REFUSAL_KEY    "key_mismatch" /* its id came with another key (reimaged?) */
#define WHB_REFUSAL_NAME   "name_taken"   /* another machine id claimed its name */
#define WHB_REFUSAL_RENAME "rename"       /* it tried to take a name WSUS lists for another */

struct whb_store_result {
    int status; /* 0 stored, WHB_EDENIED, WHB_EPROTO (refused, why says so) or WHB_E* */
    enum whb_denial denial;
    int conflict; /* denied: the id or name would shadow another machine's (409) */
    int quota;    /* denied: over its event quota (429 after retry_after_s) */
    unsigned retry_after_s;
    int duplicate; /* the report (boot, seq) was stored before */
    uint64_t acked_seq;
    char why[320]; /* denials: the audit line; WHB_EPROTO: the 400 cause */
};

enum whb_run_mark { WHB_RUN_START, WHB_RUN_ALIVE, WHB_RUN_STOP };
/* A machine a looked-up name matches (an ambiguous name lists them all). */
#define WHB_STORE_MATCH_MAX 8
struct whb_store_match {
    char machine_id[WHB_WIRE_MAX_ID + 1];
    char fqdn[WHB_WIRE_MAX_FQDN + 1];
};

/* One machine's enrollment, for the admin's review (whb enrollments). */
struct whb_store_enrollment {
    char machine_id[WHB_WIRE_MAX_ID + 1];
    char fqdn[WHB_WIRE_MAX_FQDN + 1];
    int64_t first_seen_ms, last_seen_ms, reviewed_ms, released_ms;
    char enrolled_from[48]; /* the address its first report came from ("" before v6) */
    int keyed;              /* a key is bound (key mode); 0: mTLS, or released */
    int on_wsus;            /* its name is on WSUS's imported list */
};
typedef int (*whb_store_enrollment_fn)(const struct whb_store_enrollment *e, void *arg);

/* The admin's actions on one machine (whb accept, release, forget). */
enum whb_store_admin {
    WHB_ADMIN_ACCEPT,  /* reviewed: it counts as proven */
    WHB_ADMIN_RELEASE, /* its key unbound: the next enrollment with the token binds its id or
                        * takes its name (a reimaged machine); its history stays until then */
    WHB_ADMIN_FORGET,  /* its row, events, gaps, addresses and refusals deleted */
};

/* Which machines each_machine visits. */
enum whb_store_filter_kind {
    WHB_FILTER_SILENT, /* past their due time, most recently silent first */
    WHB_FILTER_SWITCH, /* a = chassis id or system name, b = port ("" for all) */
    WHB_FILTER_WIFI,   /* a = SSID ("" any), b = BSSID ("" any) */
    WHB_FILTER_ALL,
    WHB_FILTER_WSUS_FAILING, /* reporting, but their WSUS probe fails */
};

struct whb_store_filter {
    enum whb_store_filter_kind kind;
    const char *a, *b;
    unsigned limit; /* 0: no limit */
    /* A keyset cursor (SILENT, SWITCH, WIFI): when set, the walk resumes after this machine
     * (the last one an earlier walk of the same filter gave), so a long list is read in
     * bounded chunks. SILENT's order is due_at then machine_id, both descending; SWITCH's is
     * port then machine_id, WIFI's BSSID then machine_id (NULL as ""), ascending. */
    const struct whb_machine_view *after;
    /* A hint (SILENT): the callback reads only machine_id and due_ms, the rest may be left
     * empty (an index-only walk). */
    int ids_only;
};

/* Return non-zero to stop the walk. */
typedef int (*whb_store_machine_fn)(const struct whb_machine_view *m, void *arg);

/* One switch (a = chassis id, b = system name) or one wireless network (a = SSID, b = BSSID). */
struct whb_store_net_group {
    const char *a, *b;
    unsigned machines, silent;
};
typedef int (*whb_store_group_fn)(const struct whb_store_net_group *g, void *arg);

/* One computer from WSUS's own list (Get-WsusComputer export). */
struct whb_wsus_computer {
    char fqdn[254];
    char ip[64];
    char target_id[40];     /* ComputerTargetId: the client's SusClientId (lower case), or "" */
    int64_t last_status_ms; /* 0: never reported to WSUS */
    int64_t last_sync_ms;
    unsigned line; /* in the admin's file, for errors; 0 unknown */
};

/* How a computer in WSUS's list was matched to an agent. */
enum whb_wsus_match_kind {
    WHB_MATCH_NONE = 0,
    WHB_MATCH_FQDN,         /* same FQDN, case and a trailing dot ignored */
    WHB_MATCH_SHORT_NAME,   /* the agent reports the short name, in the same domain */
    WHB_MATCH_IP,           /* the agent had WSUS's IP address when the computer last reported */
    WHB_MATCH_AMBIGUOUS,    /* several agents could be this computer: none is picked */
    WHB_MATCH_ID,           /* WSUS's ComputerTargetId is the agent's SusClientId */
    WHB_MATCH_DUPLICATE_ID, /* several agents have this computer's WSUS identity: a clone */
};

struct whb_wsus_match {
    enum whb_wsus_match_kind kind;
    char machine_id[65];  /* the agent, when exactly one matched */
    char candidates[600]; /* ambiguous: "fqdn (how), fqdn (how)" */
};

/* What an import changed against the list it replaced: computers added, removed and kept, and
 * the first few names (by name) of those added and removed. */
#define WHB_WSUS_CHANGE_NAMES 5
struct whb_wsus_change {
    uint64_t before, added, removed, kept;
    char added_names[WHB_WSUS_CHANGE_NAMES][254];
    char removed_names[WHB_WSUS_CHANGE_NAMES][254];
    int n_added_names, n_removed_names;
};

/* Called with each name of a walk (each_name); non-zero stops it. */
typedef int (*whb_store_name_walk_fn)(const char *name, void *arg);

/* One collector that marks its runs in the store, as its latest run left it (several share a
 * PostgreSQL store; SQLite has one). */
struct whb_store_collector {
    char id[64]; /* "" on SQLite: the collector of the store */
    int64_t started_ms, alive_ms;
    int64_t stopped_ms; /* 0: no clean stop (running, or killed at alive_ms) */
};
typedef int (*whb_store_collector_fn)(const struct whb_store_collector *c, void *arg);

struct whb_census_row;
/* Return non-zero to stop the walk. */
typedef int (*whb_store_census_fn)(const struct whb_census_row *r, void *arg);
/* One port of a switch as the store has it (each_switch_port). */
typedef int (*whb_store_switch_port_fn)(const struct whb_switch_port *p, void *arg);

/* Reads one page of the imported list, computers WSUS says have not reported since cutoff. */
typedef int (*whb_store_wsus_fn)(const struct whb_wsus_computer *c, void *arg);

/* How a host name can name a machine: its FQDN, its machine id, or its short name (the FQDN's
 * first label). */
enum whb_store_name_kind { WHB_NAME_FQDN, WHB_NAME_ID, WHB_NAME_SHORT };

/* A backend's lookup of one kind: adds the rows it finds to found[*n..max), skipping machines
 * already there (whb_store_name_seen). */
typedef int (*whb_store_name_fn)(struct whb_store *base, enum whb_store_name_kind kind,
                                 const char *key, struct whb_machine_view *found, int max, int *n);

/* What explaining one silent machine reads (explain/correlate.c fills it, for the store to read
 * it ahead): its events in [events_from, events_to], its refusals, the peers that returned
 * within [anchor - window, anchor + window], the collector's downtimes over [down_from,
 * down_to] and its switch port. */
struct whb_read_ahead {
    const struct whb_machine_view *m;
    int64_t events_from, events_to;
    int events_max, refusals_max;
    int64_t anchor, window, down_from, down_to;
};

struct whb_store_ops {
    const char *name;
    /* Creates the store's files, or tightens existing ones: 0600, or 0640 for group. */
    int (*secure)(const char *path, const char *group, char *why, size_t whylen);
    int (*open)(const char *path, struct whb_store **out, char *why, size_t whylen);
    void (*close)(struct whb_store *store);
    int (*begin)(struct whb_store *store);
    int (*commit)(struct whb_store *store);
    void (*rollback)(struct whb_store *store);
    /* Optional (NULL: none): after begin, the reports the transaction will store, in order: a
     * backend may read (and lock) their machines' rows at once, and what a new machine's name
     * clashes with. */
    int (*prepare_batch)(struct whb_store *store, const whb_report *const *reports, size_t n);
    /* Binds or checks identity, dedupes and stores one report inside the open transaction. */
    int (*put_report)(struct whb_store *store, const struct whb_store_report *in,
                      struct whb_store_result *out);
    int (*count_machines)(struct whb_store *store, int64_t now_ms, uint64_t *known,
                          uint64_t *silent);
    /* Answers 0 when the store can be read (health checks: no scan). */
    int (*ping)(struct whb_store *store);
    /* The collector's own life (runs.h), outside any report transaction. */
    int (*mark_run)(struct whb_store *store, enum whb_run_mark mark, int64_t now_ms);
    /* The collector's downtimes that overlap [from, to], oldest first. */
    int (*downtimes)(struct whb_store *s, int64_t from, int64_t to, struct whb_downtime *out,
                     int max, int *n);
    /* Optional: reads now, together, what explaining these n machines will ask, each answer
     * kept for its one use, until the next call (n 0: dropped). Saves round trips only: what
     * is asked with other arguments is read then. */
    int (*read_ahead)(struct whb_store *s, const struct whb_read_ahead *r, size_t n);

    /* Read side. host is an FQDN, a short name (the FQDN's first label) or a machine id;
     * WHB_EINVAL when it names several machines (find_machines lists them). */
    int (*get_machine)(struct whb_store *s, const char *host, struct whb_machine_view *out);
    /* Every machine host names (at most max, WHB_STORE_MATCH_MAX is enough to show). */
    int (*find_machines)(struct whb_store *s, const char *host, struct whb_store_match *out,
                         int max, int *n);
    /* The backend's lookup of one kind of name, which get_machine and find_machines share. */
    whb_store_name_fn lookup_name;
    /* The latest max events in [from, to], in ascending time. */
    int (*get_events)(struct whb_store *s, const char *machine_id, int64_t from, int64_t to,
                      struct whb_hist_event *out, int max, int *n);
    /* The latest max gaps, newest first. */
    int (*get_gaps)(struct whb_store *s, const char *machine_id, struct whb_store_gap *out, int max,
                    int *n);
    /* Neighbours of m on its switch, access point or subnet: how many went silent within
     * window of anchor (now silent, or, with_gaps, with a gap starting then). */
    int (*peer_group)(struct whb_store *s, enum whb_peer_kind kind,
                      const struct whb_machine_view *m, int64_t now, int64_t anchor, int64_t window,
                      int with_gaps, struct whb_peer_group *out);
    /* The whole fleet as a peer group (kind WHB_PEERS_FLEET): who went silent within window of
     * anchor, and who was reporting at anchor; ended: the silence's end (now while it lasts):
     * a machine first seen after the window and by then reported during it, healthy too. */
    int (*fleet_group)(struct whb_store *s, int64_t now, int64_t anchor, int64_t window,
                       int64_t ended, struct whb_peer_group *out);
    int (*each_machine)(struct whb_store *s, const struct whb_store_filter *f, int64_t now,
                        whb_store_machine_fn fn, void *arg);
    /* Machines per switch (wireless 0, wired machines) or per SSID and BSSID (wireless 1),
     * counted by the store: the network pages' summaries without a walk of the fleet. */
    int (*network_groups)(struct whb_store *s, int wireless, int64_t now, whb_store_group_fn fn,
                          void *arg);
    /* The imported WSUS list: computers listed, those WSUS shows as not reporting (no status,
     * or none since stale_before), and how many of those have an agent (so are explained). */
    int (*wsus_summary)(struct whb_store *s, int64_t stale_before, uint64_t *listed,
                        uint64_t *not_reported, uint64_t *with_agent);
    /* Online machines whose WSUS probe falls in class cls. */
    int (*wsus_failing)(struct whb_store *s, const char *cls, int64_t now, unsigned *n);
    /* A list sent in parts: part 1 opens session, each part is stored as it comes (parts in
     * order, each computer once: else WHB_EINVAL and why), the final one replaces the list. */
    int (*wsus_stage)(struct whb_store *s, const char *session, unsigned part,
                      const struct whb_wsus_computer *rows, size_t n, int64_t now, char *why,
                      size_t whylen);
    int (*wsus_finish)(struct whb_store *s, const char *session, int64_t now, uint64_t *imported,
                       struct whb_wsus_change *change);
    /* Computers of the imported list with no status since cutoff_ms, by name; total counts all. */
    int (*wsus_not_reported)(struct whb_store *s, int64_t cutoff_ms, unsigned offset,
                             unsigned limit, whb_store_wsus_fn fn, void *arg, uint64_t *total,
                             uint64_t *imported, int64_t *imported_ms);
    /* Which agent a WSUS computer is: by its Id (ComputerTargetId, the client's SusClientId),
     * then FQDN, then short name in its domain, then IP. */
    int (*wsus_match)(struct whb_store *s, const struct whb_wsus_computer *c, int64_t slack_ms,
                      struct whb_wsus_match *out);
    /* The computers of the imported list that host names: its FQDN (case and a trailing dot
     * ignored), a bare name's first label, or an IP address WSUS lists; at most max. */
    int (*wsus_find)(struct whb_store *s, const char *host, struct whb_wsus_computer *out, int max,
                     int *n);
    /* Every agent's FQDN (wsus 0) or every computer of the imported list (wsus 1), for the
     * names a mistyped one is near. */
    int (*each_name)(struct whb_store *s, int wsus, whb_store_name_walk_fn fn, void *arg);
    /* The agent that holds ip now: WHB_ENOTFOUND, or WHB_EINVAL with the holders in why. */
    int (*machine_by_ip)(struct whb_store *s, const char *ip, int64_t now, char *machine_id,
                         size_t idlen, char *why, size_t whylen);
    /* Whether a key (its hash) is bound to some machine: 1, 0, or a negative WHB_E*. */
    int (*key_known)(struct whb_store *s, const uint8_t hash[WHB_IDENTITY_HASH_LEN]);
    /* Enrollments newest first: the unreviewed ones (all: every machine), at most limit. */
    int (*enrollments)(struct whb_store *s, int all, unsigned limit, whb_store_enrollment_fn fn,
                       void *arg);
    /* One admin action on machine_id, in a transaction of its own: 0, or WHB_ENOTFOUND. The
     * key it had (had_key) goes back so that the caller drops it from the keys it knows.
     * WHB_ADMIN_ACCEPT with machine_id NULL accepts every machine not reviewed yet. */
    int (*admin)(struct whb_store *s, enum whb_store_admin action, const char *machine_id,
                 int64_t now, uint8_t key_hash[WHB_IDENTITY_HASH_LEN], int *had_key);
    /* The refusals machine_id's key or name met, newest first. */
    int (*refusals)(struct whb_store *s, const char *machine_id, struct whb_store_refusal *out,
                    int max, int *n);
    /* Every collector's latest run, by id: one that is down is visible to the others. */
    int (*collectors)(struct whb_store *s, whb_store_collector_fn fn, void *arg);
    /* Every machine's first and last report, due time and subnet, in no order, read in one
     * snapshot: the fleet census (census.h). */
    int (*fleet_rows)(struct whb_store *s, whb_store_census_fn fn, void *arg);

    /* The switches' own word (collector/switch/). Inside begin..commit: one event as the switch
     * said it (kept as an event when keep_event; a read of the port that changed nothing only
     * refreshes the port), and the port (NULL for the switch as a whole) as it stands after. */
    int (*put_switch)(struct whb_store *s, const struct whb_switch_event *ev,
                      const struct whb_switch_port *port, int keep_event);
    /* The port of switch sw named port (any of its names), or else numbered ifindex:
     * WHB_ENOTFOUND when the switch never spoke of it. */
    int (*switch_port)(struct whb_store *s, const char *sw, const char *port, int32_t ifindex,
                       struct whb_switch_port *out);
    /* The latest max events in [from, to] about that port (by name or by number) and about the
     * switch as a whole, in ascending time. */
    int (*switch_events)(struct whb_store *s, const char *sw, const char *port, int32_t ifindex,
                         int64_t from, int64_t to, struct whb_switch_event *out, int max, int *n);
    /* Every port of sw the store has, by ifIndex. */
    int (*each_switch_port)(struct whb_store *s, const char *sw, whb_store_switch_port_fn fn,
                            void *arg);
    /* Forgets the events before before_ms (the ports stay as they stand). */
    int (*prune_switch)(struct whb_store *s, int64_t before_ms);
    /* The switch whose LLDP management address is address, as the machines behind it name
     * it (their LLDP system name): WHB_ENOTFOUND when no machine saw it. */
    int (*switch_name_at)(struct whb_store *s, const char *address, char *name, size_t len);
    /* The Windows Update clients (store/sqlite_wu.c, store/pg_wu.c). Machines whose client has
     * the WSUS identity sus_id, the most recently seen first (at most max). */
    int (*wu_same_id)(struct whb_store *s, const char *sus_id, struct whb_store_match *out, int max,
                      int *n);
    /* What the fleet's clients did within window of now (model.h, struct whb_wu_fleet). */
    int (*wu_fleet)(struct whb_store *s, int64_t now, int64_t window, struct whb_wu_fleet *out);
    /* The computer of WSUS's imported list whose ComputerTargetId is id: WHB_ENOTFOUND. */
    int (*wsus_by_id)(struct whb_store *s, const char *id, struct whb_wsus_computer *out);
};

extern const struct whb_store_ops whb_store_sqlite;
extern const struct whb_store_ops whb_store_postgresql;

/* A handle carries its ops so callers need not know the backend. */
struct whb_store {
    const struct whb_store_ops *ops;
    /* Which collector marks its runs through this handle (several may share a database). */
    char collector_id[64];
    /* The fleet census this handle counts a large fleet with (census.h); NULL: none, every
     * count is the store's own. Set by whoever opened the handle, before its first use. */
    struct whb_census_keeper *census;
    /* The peer groups of one long pass over many machines (peer_cache.h); NULL: every peer
     * group is read when asked. Set and cleared by that pass. */
    struct whb_peer_cache *peer_cache;
    /* Answers read ahead (ops->read_ahead), and of them served. */
    unsigned long ahead_read, ahead_served;
};

/* The backend and its target (a file, or a libpq conninfo) the configuration names. */
const struct whb_store_ops *whb_store_backend(const struct whb_collector_config *cfg);
const char *whb_store_target(const struct whb_collector_config *cfg);
/* Opens the configured store for this collector; secure: first tighten SQLite's files (only
 * before any handle is open: closing a descriptor of the file drops the process's locks). */
int whb_store_open_config(const struct whb_collector_config *cfg, int secure,
                          struct whb_store **out, char *why, size_t whylen);

#endif
