/* Internal to store/: what every backend decides the same way when it stores a report: identity,
 * the seq bound, the agent's clock mapped to the collector's, the machine's own network story and
 * the attachment a report shows. Backends read and write rows; these functions decide. */
#ifndef WHB_STORE_LOGIC_H
#define WHB_STORE_LOGIC_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A machine's row as put_report needs it (found 0: a new machine). */
struct whb_store_row {
    int found;
    char fqdn[WHB_WIRE_MAX_FQDN + 1];
    int has_key;
    uint8_t key_hash[WHB_IDENTITY_HASH_LEN];
    char boot_id[WHB_WIRE_MAX_ID + 1];
    uint64_t last_seq;
    int64_t last_seen, due_at;
    int64_t net_lost_at, net_back_at; /* the machine's own latest network loss and return */
    int64_t online_since;             /* reporting again since (the end of its last gap) */
    int has_offset;
    int64_t clock_offset, clock_offset_at; /* agent clock -> collector clock, and since when */
    int last_gasp;
    /* Where it was attached at its last report: one end of a gap. */
    char sw[128], port[128], subnet[50], bssid[18];
    char sw_name[128], ssid[132], wsus_class[32]; /* the other indexed columns */
    /* Its Windows Update client as stored: written again only when its fingerprint changes. */
    uint64_t wu_hash;
    int wu_route;
    int64_t wu_route_since;
    int64_t released_ms;   /* an admin released its key (the reimage path); 0: bound */
    int64_t quota_events;  /* events it may still store (-1: a full budget) */
    int64_t quota_at;      /* when that was counted */
    int64_t events_stored; /* its events in the store */
    /* The fingerprint of what its last full write stored beyond the columns every report moves
     * (whb_store_info_fingerprint; PostgreSQL mixes in the last_seen it wrote); 0 when not
     * known. */
    uint64_t live_fp;
};

/* A machine's event budget after a report, and its stored events (written with its row). */
struct whb_store_quota {
    int64_t events, at, stored;
};

/* The fingerprint of the wide columns a report writes (store/info_fp.c): snap is the report's
 * packed snapshot, view what it says of the machine. Never 0. */
uint64_t whb_store_info_fingerprint(const struct whb_store_report *in, const uint8_t *snap,
                                    size_t snap_len, const struct whb_machine_view *view);

/* Since when the client's route is what the view says: kept while it stays the same; 0 when
 * it has not changed since the collector first learned it. */
int64_t whb_store_wu_route_since(const struct whb_store_row *row,
                                 const struct whb_machine_view *view, int64_t now_ms);

struct whb_clock_map {
    int64_t offset, since;
    /* For the report's events. An event stamped before a step of the machine's wall clock
     * (NTP, w32time, a boot with a dead RTC battery) is mapped by the boot clock it also
     * carries, which no step moves: that far before the report's send on the collector's
     * clock (sent), when it is of the report's boot. */
    int64_t sent;
    uint64_t mono;    /* the report's boot clock when sent (0: not given) */
    const char *boot; /* the report's boot */
    /* The map the collector held before this report (has_before 0: none), and of which boot:
     * the clock an earlier run or boot stamped its times with. */
    int has_before;
    int64_t before;
    const char *before_boot;
};

/* Whether the machine came back from another boot than the one it went quiet in: another boot
 * id, unless the report's boot clock says the OS has been up since before its last report (a
 * Windows agent names the boot by its wall clock less its tick count: after a clock step, an
 * agent restarted in the same boot names another). */
int whb_store_rebooted(const struct whb_store_report *in, const struct whb_store_row *row);

/* An event's time on the collector's clock (see struct whb_clock_map). */
int64_t whb_store_event_at(const struct whb_clock_map *cm, const whb_event *e, int64_t now);
/* Its since_ms on the collector's clock (0: none); at is whb_store_event_at's. */
int64_t whb_store_event_since(const struct whb_clock_map *cm, const whb_event *e, int64_t at,
                              int64_t now);

/* When the machine itself lost and regained its network, from its own events (on the
 * collector's clock): a WSUS probe made in between says nothing about WSUS. */
struct whb_net_story {
    int64_t lost_at, back_at;
    int64_t online_since; /* reporting since: its way out demonstrably worked */
};

/* Finds the machine (id, FQDN) another machine's id or name would shadow; owner "" if none;
 * *released set when that machine's binding was released by an admin. */
typedef int (*whb_store_clash_fn)(void *ctx, const Whb__V1__Machine *m, char *owner,
                                  size_t ownerlen, char *owner_fqdn, size_t fqdnlen, int *released);

struct whb_store_put_ops;

/* Identity rules (issues 2 and 22): 0 allowed (a released binding taken over: rebound, or the
 * released machine that held the name dropped), WHB_EDENIED with out filled (a refusal of a
 * known machine's key or name is recorded), or a store error. */
int whb_store_check_identity(const struct whb_store_put_ops *ops, void *ctx,
                             const struct whb_store_report *in, const struct whb_store_row *row,
                             whb_store_clash_fn clash, struct whb_store_result *out);

/* An agent's time on the collector's clock: agent_ms + off without overflow, never before 0
 * nor after now (an event cannot have happened after its report arrived; a stamp of INT64_MAX
 * once overflowed here and the event vanished from history). */
int64_t whb_store_map_time(int64_t agent_ms, int64_t off, int64_t now);

/* 1 (and out->why) when seq is too far above the boot's last stored one. */
int whb_store_seq_jump_too_far(const struct whb_store_row *row, int same_boot, uint64_t seq,
                               int64_t now_ms, struct whb_store_result *out);

struct whb_clock_map whb_store_clock_map(const struct whb_store_report *in,
                                         const struct whb_store_row *row);

struct whb_net_story whb_store_net_story(const struct whb_store_report *in,
                                         const struct whb_store_row *row,
                                         const struct whb_clock_map *cm);

/* The attachment a report shows, on the collector's clock. */
void whb_store_report_view(const struct whb_store_report *in, const struct whb_net_story *net,
                           int64_t off, struct whb_machine_view *view);

/* When a resend says the machine was last alive (never later than now, never earlier than
 * what is stored). */
int64_t whb_store_resend_alive(const struct whb_store_report *in, const struct whb_store_row *row,
                               const struct whb_clock_map *cm);

/* What a backend does to rows when it stores a report; whb_store_put decides which, in what
 * order, for both backends. ctx is the backend's store. */
struct whb_store_put_ops {
    /* Reads the machine's row (and, where rows are locked, locks it) and applies the identity
     * rules: 0, or an error with out filled. */
    int (*bind)(void *ctx, const struct whb_store_report *in, struct whb_store_row *row,
                struct whb_store_result *out);
    /* Inserts the report's events (a resent one is ignored): *inserted says how many. */
    int (*insert_events)(void *ctx, const struct whb_store_report *in,
                         const struct whb_clock_map *cm, int64_t *inserted);
    /* The silence this report ends, with both of its ends. */
    int (*note_gap)(void *ctx, const struct whb_store_report *in, const struct whb_store_row *row,
                    const struct whb_machine_view *after);
    /* A resend: the machine was alive at alive (whb_store_resend_alive), nothing else. */
    int (*touch)(void *ctx, const struct whb_store_report *in, int64_t alive, int64_t due,
                 const struct whb_net_story *net, const struct whb_clock_map *cm,
                 const struct whb_store_quota *q);
    /* A new report: the row takes its snapshot, attachment and times (row->found 0: new). */
    int (*write)(void *ctx, const struct whb_store_report *in, const struct whb_store_row *row,
                 int64_t due, const struct whb_net_story *net, const struct whb_clock_map *cm,
                 const struct whb_machine_view *view, const struct whb_store_quota *q);
    /* Records (or counts once more) a refusal of machine owner_id's key or name. */
    int (*refuse)(void *ctx, const char *owner_id, const char *cause, const char *claimant,
                  const char *source, int64_t now);
    /* Whether fqdn is on WSUS's imported list (*listed), and the address WSUS has for it. */
    int (*wsus_listed)(void *ctx, const char *fqdn, int *listed, char *ip, size_t iplen);
    /* A released machine's row and its history go: another machine id takes its name. */
    int (*drop_machine)(void *ctx, const char *machine_id);
    /* A released machine's id enrolls again: its new key, from source, unreviewed. */
    int (*rebind)(void *ctx, const struct whb_store_report *in);
    /* Deletes the machine's count oldest events: how many went, or a negative WHB_E*. */
    int64_t (*prune)(void *ctx, const char *machine_id, int64_t count);
};

/* Stores one report inside the caller's transaction: identity, the seq bound, duplicates (a
 * (boot, seq) at or below the last stored is a resend), the gap a late report ends, events,
 * then the row. Returns out->status. */
int whb_store_put(const struct whb_store_put_ops *ops, void *ctx, const struct whb_store_report *in,
                  struct whb_store_result *out);

/* Whether found[0..n) holds machine_id. */
int whb_store_name_seen(const struct whb_machine_view *found, int n, const char *machine_id);

/* The store ops get_machine and find_machines of every backend, over its lookup_name: every
 * machine host could mean is collected, so that no machine answers for a name another one
 * also has. */
int whb_store_get_machine(struct whb_store *base, const char *host, struct whb_machine_view *out);
int whb_store_find_machines(struct whb_store *base, const char *host, struct whb_store_match *out,
                            int max, int *n);

/* Peer scans stop here: a group larger than this is reported as "at least". */
#define WHB_PEER_SCAN_MAX 1024

/* One machine on the same switch, access point or subnet, as a peer scan reads it. */
struct whb_peer_row {
    char id[WHB_WIRE_MAX_ID + 1], port[32];
    int64_t last_seen, due, first_seen;
    int gasped;
    int returned; /* now: back from a silence that began within the window (not healthy then) */
    int64_t returned_ms; /* when it came back from it (the gap's end) where it was; 0 elsewhere */
    /* Enrolled with the token and not reviewed by an admin (whb accept): such a neighbour
     * moves no answer but its own (issue 22's fake neighbours). */
    int unproven;
};

/* Marks the row of machine id (among the n peers) as returned, at end_ms. */
void whb_store_peer_returned(struct whb_peer_row *peers, unsigned n, const char *id,
                             int64_t end_ms);

/* A backend's gap lookup: when machine_id has a gap that starts in [from, to] and began in the
 * peer group kind/key (or where is not known: older rows), that gap's end, or -1 when it ended
 * elsewhere (covering 0); 1 when it has one over any moment of [from, to] (covering 1; kind
 * and key unused); 0 when not. */
typedef int64_t (*whb_store_gap_fn)(struct whb_store *base, int covering, const char *machine_id,
                                    int64_t from, int64_t to, enum whb_peer_kind kind,
                                    const char *key);

/* The gap lookup's number for a group kind, as its SQL's CASE reads it. */
int whb_store_gap_group(enum whb_peer_kind kind);

/* Starts a peer group of kind around m: its label, and the key its peers share (NULL, with
 * WHB_ENOTFOUND to return, when m has none). */
const char *whb_store_peer_start(enum whb_peer_kind kind, const struct whb_machine_view *m,
                                 struct whb_peer_group *out);

/* Counts the peers read: who went silent together near anchor, who stayed healthy (self, the
 * machine asked about, always counts; another unproven one never does). */
void whb_store_peer_tally(struct whb_store *base, whb_store_gap_fn gap, const char *self,
                          const char *key, const struct whb_peer_row *peers, unsigned n,
                          int64_t now, int64_t anchor, int64_t window, int with_gaps,
                          struct whb_peer_group *out);

struct whb_fleet_counts;
/* A backend's counts for fleet_group: among machines (until: silent_at's bound, INT64_MAX for
 * all), when no census answers; among gaps that ended before ended_before, for a silence that
 * began more than a window ago. */
struct whb_store_fleet_ops {
    int (*machines)(struct whb_store *base, int64_t now, int64_t anchor, int64_t window,
                    int64_t until, struct whb_fleet_counts *out);
    int (*gaps)(struct whb_store *base, int64_t anchor, int64_t window, int64_t ended_before,
                int64_t *gapped, int64_t *gap_subnets, int64_t *gaps_at);
    /* Proven machines first seen in (after, until]. */
    int (*newcomers)(struct whb_store *base, int64_t after, int64_t until, int64_t *n);
};

/* The store op fleet_group of every backend: the counts among machines from the census when
 * the handle has a usable one (census.h), else from the backend; then the gaps'. With a census
 * every count is of its time: a silence that ended since it is its silent machine's (the
 * census's), not a gap as well, which would count the machine twice (a fleet coming back after
 * an outage would look silent to the last machine). */
int whb_store_fleet_group(struct whb_store *base, const struct whb_store_fleet_ops *ops,
                          int64_t now, int64_t anchor, int64_t window, int64_t ended,
                          struct whb_peer_group *out);

/* A WSUS import's parts come in order: 0 when part follows the session's parts so far (found 0:
 * no open session), else WHB_EINVAL with why for the admin. */
int whb_store_wsus_part_check(const char *session, int found, unsigned parts, unsigned part,
                              char *why, size_t whylen);
/* WHB_EINVAL, with why naming both lines, for a computer listed twice in one import. */
int whb_store_wsus_dup(const struct whb_wsus_computer *row, int first_line, char *why,
                       size_t whylen);

/* "10.1.2.37/24" or "fe80::1%eth0" -> the address as inet_ntop writes it; -1 if not one. */
int whb_store_canonical_ip(const char *in, char *out, size_t len);
/* 0 for link-local and loopback addresses, which name no machine to WSUS. */
int whb_store_ip_worth_noting(const char *ip);

#endif
