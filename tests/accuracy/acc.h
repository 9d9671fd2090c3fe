/* The accuracy benchmark's shared types: a fleet and what happens to it (the world, with ground
 * truth), the agents simulated from what they could observe, and the answers scored. Nothing
 * here comes from collector/explain/: the generator knows the world, never the engine's rules. */
#ifndef WHB_ACC_H
#define WHB_ACC_H

#include <stddef.h>
#include <stdint.h>

#define ACC_MAX_MACHINES  48
#define ACC_MAX_SWITCHES  7
#define ACC_MAX_INCIDENTS 24
#define ACC_MAX_ITEMS     40
#define ACC_SET_MAX       8
#define ACC_NEVER         INT64_MAX

struct acc_rng {
    uint64_t s;
};
void acc_rng_seed(struct acc_rng *r, uint64_t seed, uint64_t index);
uint64_t acc_rng_next(struct acc_rng *r);
unsigned acc_rng_below(struct acc_rng *r, unsigned n);
int acc_rng_chance(struct acc_rng *r, unsigned pct);
int64_t acc_rng_ms(struct acc_rng *r, int64_t lo_s, int64_t hi_s); /* lo..hi seconds, in ms */

/* How a switch speaks to the collector (class `switch`; 0 everywhere else: the collector hears
 * nothing from any switch, as before issue 24). */
enum acc_talk {
    TALK_NONE = 0,   /* not configured: the collector never hears from it nor reads it */
    TALK_TRAPS,      /* IF-MIB linkDown/linkUp with ifIndex, ifDescr, ifAdminStatus, ifOperStatus;
                        Cisco's err-disable with its cause */
    TALK_TRAPS_BARE, /* link traps with the ifIndex alone: only a read tells shut from cable */
    TALK_TRAPS_PREV, /* linkDown whose ifOperStatus is the state it left (RFC 2863 allows it) */
    TALK_SYSLOG,     /* Cisco IOS syslog: LINK-5-CHANGED, LINK-3-UPDOWN, PM-4-ERR_DISABLE,
                        PORT_SECURITY, DOT1X-5-FAIL */
    TALK_POLL,       /* sends nothing; read by SNMP on demand */
    TALK_TIMEOUT,    /* configured for reads, never answers */
    TALK_COUNT_
};

struct acc_switch {
    char name[32], chassis[18];
    int subnet;      /* third octet of 10.20.<subnet>.0/24 */
    int talk;        /* enum acc_talk */
    int poll;        /* the collector may read its ports (SNMP credentials configured) */
    int oob;         /* its management answers out of band (reads work while its uplink is down) */
    int64_t late_ms; /* its traps or syslog reach the collector this long after the change */
};

struct acc_ap {
    char bssid[18], ssid[32];
    int subnet;
};

struct acc_machine {
    char fqdn[64], id[40], mac[18];
    int wireless, windows;
    int sw, port;     /* where it is plugged in at the start (wired) */
    int host;         /* last octet of its address */
    int64_t skew_ms;  /* its clock minus the collector's */
    int64_t start_ms; /* when its agent first starts */
    unsigned lossy;   /* % of deliveries whose ack is lost or that arrive late */
    /* Windows: its Windows Update client. */
    char sus[48];     /* SusClientId (a cloned image's machine has another's) */
    int64_t wu_ok_ms; /* its newest good scan against WSUS before the timeline (22 h cycle) */
    int wol;          /* Wake-on-LAN armed: off (orderly) or asleep, its link stays at 100 Mb/s */
    int dock;      /* a laptop on a dock (class docks): its wired adapter is the dock's, at sw/port
                      while docked, with a Wi-Fi adapter beside it (INC_UNDOCK) */
    int wifi_kept; /* a dock laptop whose Windows keeps its Wi-Fi associated while docked
                      (the policy "Minimize the number of simultaneous connections" off):
                      its traffic leaves by the Wi-Fi whenever the dock's way is down */
    int64_t wifi_fallback_ms; /* a dock laptop under Windows' default policy (one connection):
                                 its Wi-Fi associates this long after the dock's adapter lost
                                 its link, and is let go once it is back; 0: never */
    /* Class clocks: its wall clock stepped by step_ms[i] at step_at[i] (the collector's clock):
     * NTP or w32time correcting it, or a machine booting with a wrong clock. Only the wall
     * clock moves; the boot clocks the agent schedules and detects sleep with do not. */
    int64_t step_at[4], step_ms[4];
    int n_steps;
    /* Class repeats: each report of a flush takes post_ms on the way (0: all of them at once, as
     * every other class), so a link that drops mid-flush keeps the rest spooled; reports sent in
     * [held_from, held_to) wait in the path and reach the collector 12-20 s later, after the
     * agent gave up on them (no ack). */
    int64_t post_ms, held_from, held_to;
    /* Class lossy: what the agent's files lose (client/spool.c, persist.c). spool_max: its
     * spool bounded to this many bytes, heartbeats dropped first, then events refused (0: the
     * simulator's count bound, as before); in [disk_full_at, disk_free_at) no write succeeds
     * (the agent cannot start either: its run file); cache_lost: a power cut loses what was
     * written since the last fsync, torn: and leaves a torn record that the next start cuts;
     * wipe_at: its state directory (run file, spool) lost before the agent next starts. */
    unsigned spool_max;
    int64_t disk_full_at, disk_free_at, wipe_at;
    int cache_lost, torn;
    /* Class reimaged: this identity (its own machine id, key and SusClientId: a reinstall, or
     * new hardware) takes the name of identity same_name - 1; the collector refuses it (409,
     * name_taken) until the admin releases the old binding at release_at (ACC_NEVER: never).
     * fqdn_new: renamed, it reports this name from its first boot at or after renamed_at. */
    int same_name;
    int64_t release_at, renamed_at;
    char fqdn_new[64];
};

/* What happens in the world. Times are the collector's clock (ms). */
enum acc_inc_kind {
    INC_SHUTDOWN,       /* orderly: SHUTDOWN last gasp, off, new boot on return */
    INC_POWER_CUT,      /* no gasp, off, new boot */
    INC_HIBERNATE,      /* HIBERNATE gasp, RESUME code 2 */
    INC_SLEEP,          /* SUSPEND gasp, RESUME code 1 */
    INC_SLEEP_SILENT,   /* no notification: SLEEP_DETECTED on return */
    INC_FAST_STARTUP,   /* the user shut down with Fast Startup: HIBERNATE gasp, RESUME code 3 */
    INC_MODERN_STANDBY, /* SUSPEND gasp, RESUME code 4 */
    INC_CABLE,          /* the machine's cable pulled */
    INC_PORT_SHUT,      /* its switch port shut by the network team */
    INC_SWITCH_DOWN,    /* the access switch loses power: every port loses its link */
    INC_UPLINK,         /* beyond the access switch: links stay up, nothing gets through */
    INC_ROOM_POWER,     /* the switch and its machines lose power */
    INC_DHCP_LOST,      /* lease gone, link up */
    INC_ROUTE_LOST,     /* default route gone, link up */
    INC_FLAP,           /* failing adapter: errors, short flaps, then down */
    INC_WIFI_AUTH,      /* 802.1X fails for one machine */
    INC_AP_AUTH,        /* 802.1X fails for every client of the access point (RADIUS) */
    INC_MOVE,           /* unplugged, then on another switch and subnet (end: plugged in) */
    INC_ADMIN_DOWN,     /* adapter disabled on the machine */
    INC_AGENT_STOP,     /* service stopped: AGENT_STOP gasp */
    INC_AGENT_CRASH,    /* agent killed; machine stays up; restarted at the end */
    INC_COLLECTOR_KILL, /* collector killed (-9), restarted at the end */
    INC_COLLECTOR_STOP, /* collector stopped cleanly, started at the end */
    INC_WSUS_503,       /* WsusPool stopped: HTTP 503 */
    INC_WSUS_REFUSED,   /* WSUS service down: connection refused */
    INC_UPDSVC_STOPPED, /* wuauserv stopped on one machine; code 1: its start type Disabled */
    INC_WU_POLICY,    /* the update client's policy sends it elsewhere (code: enum acc_wu_route) */
    INC_WU_SCAN_FAIL, /* a scan against WSUS fails at start (code: its HRESULT) */
    INC_WU_RESTART,   /* the client asks for a restart (event 21), pending until end */
    INC_SUBNET,       /* a subnet's gateway (router, VLAN) fails: links stay up on every switch
                         of that subnet, nothing gets through */
    INC_ERR_DISABLE,  /* the switch err-disables the machine's port (code: enum acc_errdis) */
    INC_DOT1X_WIRED,  /* wired 802.1X fails: the link stays up, the port closed to traffic */
    INC_AP_POWER,     /* an access point loses power (sw: 0 the first, 1 the next): its clients
                         lose their beacons */
    INC_CARRIED,      /* a laptop carried: no access point in range in [start, end) (none when
                         start == end: a roam), then on access point to_sw (0 or 1) */
    INC_UNDOCK,       /* a docked laptop undocked for [start, end) (end past t_end: never
                         docked again), then docked at to_sw/to_port; its Wi-Fi associates
                         (with ap) code ms after the undock, never while undocked when code is
                         0 */
    INC_AWAY,         /* a Wi-Fi laptop taken off site for [start, end) (class away): whenever it
                         is on, its Wi-Fi is on another network (home, a hotel: w->away), leased,
                         with a router of its own and no route to the collector */
    /* Class collside (collside.c): the collector runs but does not serve, or serves badly. */
    INC_COLLECTOR_FULL, /* its disk full: every commit fails, reports get 503 "storage
                           unavailable" (Retry-After 5, ingest/answer.c), its alive marks fail */
    INC_COLLECTOR_BUSY, /* overloaded: its writer's queue full, 503 "collector busy, retry later"
                           (Retry-After 1) to code % of the sends of the machines in `who` */
    INC_COLLECTOR_CERT, /* its TLS certificate expired or not trusted: every agent refuses it (curl
                           code: 60 or 35); it runs, marks itself alive, stores nothing */
    INC_KIND_COUNT_
};

struct acc_incident {
    enum acc_inc_kind kind;
    int machine; /* -1 when it is not one machine's */
    int sw;      /* switch (SWITCH_DOWN, UPLINK, ROOM_POWER, PORT_SHUT: -1 = machine's) */
    int64_t start, end;
    int to_sw, to_port; /* INC_MOVE */
    unsigned code;      /* Wi-Fi: IEEE 802.11 reason/status code */
    int subnet;         /* INC_SUBNET: the third octet of the subnet */
    int unnamed;        /* Windows suspend: the System log (Kernel-Power 42) had not named the
                           transition yet when the service heard of it ("going to sleep") */
    uint64_t who;       /* INC_COLLECTOR_BUSY: the machines refused (bit m) */
};

struct acc_world {
    int64_t t0, t_end;
    unsigned interval_s;
    struct acc_switch sw[ACC_MAX_SWITCHES];
    int n_sw;
    struct acc_ap ap;
    struct acc_ap ap2;  /* the SSID's next access point, same subnet (class laptops) */
    struct acc_ap away; /* class away: the network off site, 192.168.<subnet>.0/24 */
    struct acc_machine m[ACC_MAX_MACHINES];
    int n;
    int first_sw1, first_wifi; /* machines [0, first_sw1) on switch 1, then switch 2, Wi-Fi */
    /* Sized fleets (the newer classes): access switches [0, n_access) hold machines
     * [sw_first[s], sw_first[s] + sw_count[s]); switch n_access is the floor to move to. */
    int n_access, sw_first[ACC_MAX_SWITCHES], sw_count[ACC_MAX_SWITCHES];
    struct acc_incident inc[ACC_MAX_INCIDENTS];
    int n_inc;
    /* Class reimaged: the admin imported WSUS's list (its Windows machines, with the address
     * and SusClientId each had) at wsus_list_at; 0: no list. */
    int64_t wsus_list_at;
};

/* The world at time t, as it is (not as anyone observed it). */
enum acc_power { PWR_ON, PWR_ASLEEP, PWR_OFF };
enum acc_power acc_world_power(const struct acc_world *w, int m, int64_t t,
                               const struct acc_incident **why);
/* 0 when the agent process is held down (stopped or crashed); *why says by what. */
int acc_world_agent_wanted(const struct acc_world *w, int m, int64_t t,
                           const struct acc_incident **why);

struct acc_link {
    int admin_up, carrier;
    int sw, port; /* wired: where the cable ends (-1 unplugged) */
    int has_addr, has_gw;
    int path_ok;         /* packets reach the data centre (collector, WSUS) */
    unsigned wifi_fail;  /* 802.11 code of the failure that keeps it off, 0 none */
    uint64_t crc_errors; /* cumulative */
    int kept;            /* a dock laptop, docked and on: its Wi-Fi beside associated (wifi_kept, or
                            wifi_fallback_ms after the dock's link went) */
    int kept_leased;     /* ... and leased: its traffic leaves by it when the dock's cannot */
    int foreign;         /* on another network (INC_AWAY): its DNS does not know the collector */
};
void acc_world_link(const struct acc_world *w, int m, int64_t t, struct acc_link *out);
int acc_world_collector_up(const struct acc_world *w, int64_t t);
/* Class collside (collside.c): 1 when the running collector refuses machine m's report sent at
 * t: *share is the % of sends refused (100: every one), *http the status it answers (503), or
 * *curl the agent's own refusal of its certificate, *err the agent's error text. */
int acc_world_collector_refuses(const struct acc_world *w, int m, int64_t t, unsigned *share,
                                unsigned *http, int *curl, const char **err);
/* 0 while the collector's own writes (its alive marks) fail: its disk full. */
int acc_world_collector_writes(const struct acc_world *w, int64_t t);
/* WSUS as seen from a machine with a working path: http status, curl code. */
void acc_world_wsus(const struct acc_world *w, int64_t t, unsigned *http, int *curl);
int acc_world_update_service(const struct acc_world *w, int m, int64_t t);

/* Where a Windows machine's update client scans and reports, as its policy says. */
enum acc_wu_route {
    WU_WSUS,         /* WUServer = WUStatusServer = the fleet's WSUS, UseWUServer 1 */
    WU_NO_POLICY,    /* no WSUS policy (a GPO that no longer applies) */
    WU_USE_WU_OFF,   /* WUServer set, UseWUServer 0 */
    WU_SCAN_SOURCE,  /* SetPolicyDrivenUpdateSourceForQualityUpdates 0: quality from Microsoft */
    WU_DUAL_SCAN,    /* deferral policies with WSUS: dual scan active */
    WU_MDM,          /* Intune settings left behind send updates to Windows Update */
    WU_OTHER_SERVER, /* an old WSUS server's name */
    WU_NO_STATUS,    /* WUStatusServer not set */
    WU_ROUTE_COUNT_
};
/* The update client as it is at t (what the agent reads of it). Times: the collector's clock. */
struct acc_wu {
    int route, disabled;
    int64_t ok_at, fail_at; /* newest good and failed scan against WSUS */
    unsigned fail_code;
    int64_t restart_at; /* Restart Required in this boot, 0 none */
};
void acc_world_wu(const struct acc_world *w, int m, int64_t t, struct acc_wu *out);
int acc_world_subnet(const struct acc_world *w, int m, int sw);
/* The access point a wireless machine is associated with at t (0: ap, 1: ap2, 2: the network
 * off site, class away), or -1 when none is in range (carried out of coverage, or its access
 * point without power). */
int acc_world_ap(const struct acc_world *w, int m, int64_t t);
/* A dock laptop (class docks): 1 while its dock's adapter is there (*sw, *port: the dock's
 * switch port), 0 undocked; a machine without a dock is never docked. */
int acc_world_docked(const struct acc_world *w, int m, int64_t t, int *sw, int *port);

/* Why a switch err-disables a port (INC_ERR_DISABLE's code). */
enum acc_errdis { ERRDIS_PSECURE, ERRDIS_BPDU, ERRDIS_FLAP, ERRDIS_COUNT_ };

/* The machine's switch port (where it was plugged in at the start) as the switch sees it. */
struct acc_port {
    int powered;   /* the switch runs */
    int reachable; /* the collector can reach its management (and it the collector) */
    int admin_up, oper_up;
    unsigned speed;  /* Mb/s while up */
    int errdis;      /* -1, or enum acc_errdis */
    int dot1x_fail;  /* the port is up, closed to the machine */
    int64_t sw_boot; /* when the switch last started */
};
void acc_world_port(const struct acc_world *w, int m, int64_t t, struct acc_port *out);

/* Where a fault is, and where an answer's next step sends someone (bits). An admin checking a
 * machine on site is the honest default for one silent machine; a team sent to the network,
 * the collector or the WSUS server must be sent where the fault is. */
enum acc_place {
    PLACE_NONE = 0,      /* nothing to do: the machine reports */
    PLACE_MACHINE = 1,   /* the machine or its desk (power, cable, agent, adapter) */
    PLACE_NETWORK = 2,   /* a switch, its ports or uplink, a subnet's gateway, an AP */
    PLACE_COLLECTOR = 4, /* the collector */
    PLACE_WSUS = 8,      /* the WSUS server */
    PLACE_ANY = 15,
};

/* What is asked and what the right answer is. */
/* NOW: `why` while silent; HISTORY: `history` after return; BACK: `why` once it is back. */
enum acc_phase { PHASE_NOW, PHASE_HISTORY, PHASE_BACK, PHASE_COUNT_ };

struct acc_item {
    enum acc_phase phase;
    int machine;                     /* -1: a host with no agent (no_agent) */
    int64_t ask_at;                  /* NOW: when to ask; HISTORY: filled when asked */
    int64_t inc_start, inc_end;      /* HISTORY, BACK: the silence (to find among the gaps) */
    const char *truth;               /* what an admin would call it */
    const char *accept[ACC_SET_MAX]; /* right answers (truth first) */
    int n_accept;
    int capped;      /* indistinguishable from the evidence: at most medium */
    int alt_need;    /* capped: how many others of the set must be alternatives */
    unsigned places; /* where the fault may be sent to (acc_place bits); 0: from the truth */
    int64_t wait;    /* HISTORY: how long after the return it is asked (0: the default) */
    int same_as;     /* NOW: 1 + index of an earlier question about the same silence whose
                        answer must not change (asked across a collector restart); 0 none */
    /* Filled by asking. */
    /* 1 asked; -1 not scored (gone again before asked); -2 the generator's check failed:
     * asked as silent while its reports still arrived. */
    int asked;
    char answer[40], confidence[12], alts[ACC_SET_MAX][40];
    int n_alts;
    char summary[240], step[720];
    char evidence[4][240];
    int64_t onset;     /* the collector's last report of it before the silence */
    int served_others; /* the collector ran and stored others' reports as this one went quiet */
    int n_evidence;
    int64_t gap_start; /* HISTORY: the gap that was explained */
    /* Class switch: the answer once the switch has said word (enum acc_word) of the machine's
     * port since sw_from (before the question): its own set, replacing the one above. */
    unsigned sw_word; /* bits 1 << enum acc_word: any of them */
    int64_t sw_from;
    const char *sw_accept[ACC_SET_MAX];
    int sw_n, sw_capped;
    int sw_alt_need; /* with the word, uncapped: how many others of its set must be beside */
    int sw_heard;    /* filled when asked: the word had reached the collector */
    char later[40], later_conf[12]; /* HISTORY: the same gap asked again at the end */
    /* Class reimaged: the name asked (as WSUS shows it; NULL: the machine's FQDN), and the
     * identity (1 + index) an "ambiguous" answer must name to be honest (0: none). */
    const char *ask_as;
    int must_name;
};

/* The classes of timelines: the first set (issue 10), and issue 21's worlds. */
enum acc_class {
    CLASS_EXISTING,    /* issue 10's scenarios, fleets of 8-15, heartbeats of 30/60 s */
    CLASS_RESTART,     /* collector restarts and upgrades during silences and backoff */
    CLASS_INCIDENTS,   /* several independent incidents at once */
    CLASS_AFTER,       /* neighbours' failures after a silence has ended */
    CLASS_COINCIDENCE, /* two independent silences on one switch, at realistic offsets */
    CLASS_SWITCH,      /* the switches' own word: traps, syslog, reads, late and partial */
    CLASS_LATE,        /* machines enrolled (first report) moments before a failure */
    CLASS_MOVED,       /* machines moving to another switch around a neighbour's failure */
    CLASS_LAPTOPS,     /* laptops on Wi-Fi: roaming, carried off, an access point's power */
    CLASS_OVERLAP,     /* incidents overlapping in time on one switch */
    CLASS_DOCKS,       /* laptops on docks: undocked, the lid closed, docked at another desk */
    CLASS_CLOCKS,      /* a machine's wall clock stepped around its own silence */
    CLASS_CHAINS,      /* one machine, a second cause beginning during the first's silence */
    CLASS_REPEATS,     /* one machine silent again and again, each gap for its own cause */
    CLASS_AWAY,        /* a machine physically removed from the network (home, a hotel) and back */
    CLASS_LOSSY,       /* a machine back with its evidence partly lost: spool, disk, state */
    CLASS_COLLSIDE,    /* the collector running but not serving: disk full, overload, its cert */
    CLASS_REIMAGED,    /* one name, more than one identity: reimaged, replaced, renamed */
    CLASS_COUNT_,
    CLASS_ALL = CLASS_COUNT_
};
/* What a switch said of a machine's port, as the collector stored it (class switch). */
enum acc_word {
    WORD_NONE = 0,
    WORD_SHUT,  /* administratively down: a trap, a syslog line, or a read */
    WORD_ERR,   /* err-disabled by the switch */
    WORD_LOST,  /* its link lost with the port enabled (a read, or a word that said so) */
    WORD_UP,    /* read up with its link, after the silence began */
    WORD_SLOW,  /* read up at a lower speed than before */
    WORD_DOT1X, /* wired 802.1X failed */
    WORD_COUNT_
};

const char *acc_class_name(enum acc_class c);
/* -1 when name is no class ("all" is CLASS_ALL). */
int acc_class_by_name(const char *name);
/* How many scenarios a class cycles through. */
unsigned acc_class_scenarios(enum acc_class c);

struct acc_timeline {
    uint64_t seed;
    unsigned index;
    enum acc_class cls;
    const char *scenario;
    char modifiers[80];
    struct acc_world w;
    struct acc_item items[ACC_MAX_ITEMS];
    int n_items;
};

/* Makes timeline index of seed in class cls (CLASS_ALL: every class's scenarios in turn):
 * fleet, incidents and the questions with their truth. CLASS_EXISTING makes the same
 * timelines as before the other classes existed. */
void acc_scenario_make(uint64_t seed, unsigned index, enum acc_class cls, struct acc_timeline *tl);
const char *acc_inc_name(enum acc_inc_kind k);

struct whb_store;
/* Runs the timeline through simulated agents, the real ingest and the real engine. */
int acc_timeline_run(struct acc_timeline *tl, int verbose);

/* Scoring. */
struct acc_score;
struct acc_score *acc_score_new(void);
void acc_score_free(struct acc_score *s);
void acc_score_add(struct acc_score *s, const struct acc_timeline *tl);
/* Prints the matrices and figures; returns 1 when every goal is met. */
int acc_score_print(const struct acc_score *s, unsigned examples);
void acc_item_print(const struct acc_timeline *tl, const struct acc_item *it);

#endif
