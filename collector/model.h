/* The collector's shared model: what the store reads out and the engine reasons over (a machine
 * as its last report left it, its stored events, its silences that ended, its neighbours as a
 * group, the collector's own downtimes). The store and the engine both include this; neither
 * includes the other's header for these types. */
#ifndef WHB_MODEL_H
#define WHB_MODEL_H

#include <stdint.h>

/* One stored event, as the engine reads it (kinds are the wire's EventKind numbers). */
struct whb_hist_event {
    int64_t at_ms;
    int kind;
    char adapter[64];
    uint32_t reason_code;
    char detail[256];
    int64_t since_ms;
    uint32_t http_status;
    int32_t curl_code;
    int64_t received_ms; /* when the collector got it: long after at_ms = told on return */
};

/* Where a machine's Windows Update client scans and reports, as the collector reads its
 * policy (store/attach_wu.c). */
enum whb_wu_route {
    WHB_WU_ROUTE_UNKNOWN = 0,      /* no update client state: not Windows, or an older agent */
    WHB_WU_ROUTE_WSUS,             /* its WSUS server, for every class of updates */
    WHB_WU_ROUTE_MICROSOFT,        /* Microsoft's servers, for every or some classes */
    WHB_WU_ROUTE_OTHER_SERVER,     /* a WSUS server other than the one its agent probes */
    WHB_WU_ROUTE_STATUS_ELSEWHERE, /* scans its WSUS server, reports its status elsewhere */
};

/* A machine's Windows Update client, as its last report told it; times on the collector's
 * clock. */
struct whb_wu_view {
    int known;
    char sus_client_id[40];               /* its identity at WSUS: a lower-case GUID, or "" */
    char server[256], status_server[256]; /* WUServer and WUStatusServer, or MDM's server */
    enum whb_wu_route route;
    char route_why[200];    /* "no WSUS policy: WUServer is not set", ... */
    int64_t route_since_ms; /* since when the route is what it is (this collector saw) */
    int64_t scan_ok_ms;     /* its newest good scan against its WSUS server (event 26) */
    int64_t scan_fail_ms;   /* its newest failed scan against it (event 25) */
    uint32_t scan_error;    /* that failure's error code */
    int64_t ms_scan_ms;     /* its newest scan against Windows Update or Microsoft Update */
    char disabled[64];      /* services it needs that are disabled: "wuauserv, BITS" */
    int64_t restart_ms;     /* a restart it needs (event 21) is pending since */
};

/* A machine as its last report left it. */
struct whb_machine_view {
    char machine_id[65];
    char fqdn[254];
    int64_t first_seen_ms, last_seen_ms, due_ms;
    unsigned interval_s;
    int last_gasp;
    /* Where it was attached: the adapter with the default route (else the first with a link). */
    char primary_if[64];
    int wireless; /* primary adapter is wireless */
    int carrier, admin_up;
    char sw_chassis[128], sw_name[128], sw_port[128];
    char sw_mgmt[48]; /* the switch's management address from LLDP, where SNMP reads it */
    char ssid[132], bssid[18];
    int wifi_associated, signal_dbm;
    char subnet[50];
    int on_battery;
    /* WSUS as the machine saw it. */
    char wsus_class[32]; /* "" not probed, "ok", "http_503", "unreachable:7" */
    char wsus_url[256];
    unsigned wsus_http;
    int wsus_curl;
    int64_t wsus_at_ms;
    int64_t wsus_since_ms; /* its first probe of this class: since when WSUS answers it so */
    int update_service;    /* -1 unknown, 0 stopped, 1 running */
    char os[64];           /* as the agent names it: "Windows 11 Enterprise (build 22631)" */
    /* The collector its last report was sent to, as the agent names it ("" from agents before
     * they said), and that collector's place in the agent's list (0: its first choice; more:
     * it failed over). */
    char collector_url[512];
    unsigned collector_rank;
    int64_t clock_offset_ms; /* collector's clock - agent's (receipt - send, least delay) */
    struct whb_wu_view wu;
};

/* The fleet's Windows Update clients around a time: what many of them did at once. */
struct whb_wu_fleet {
    unsigned clients;          /* machines whose client the collector knows */
    unsigned failing_503;      /* newest scan within the window failed with 0x80244022 (503) */
    unsigned moved;            /* left their WSUS server (route changed) within the window */
    char moved_subnet[50];     /* the subnet most of those share, "" none */
    unsigned moved_subnet_n;   /* how many of them in it */
    char majority_server[256]; /* the WUServer most clients have */
    unsigned majority_n;
};

enum whb_peer_kind { WHB_PEERS_SWITCH, WHB_PEERS_ACCESS_POINT, WHB_PEERS_SUBNET, WHB_PEERS_FLEET };

/* The machine's neighbours on one shared piece of network, for correlation. */
#define WHB_PEER_IDS_MAX 10

struct whb_peer_group {
    enum whb_peer_kind kind;
    char label[200];   /* "switch sw-access-1 (00:11:..)", "AP a0:b1.. (Corp)", "10.1.2.0/24" */
    unsigned total;    /* machines in the group, this one included */
    unsigned together; /* of them silent, with silence that began within the window of
                          this machine's (this one included) */
    unsigned healthy;  /* reporting at the time asked about (now, or the gap's start) */
    unsigned groups;   /* fleet: distinct subnets among those silent together */
    char ports[200];   /* switch: the ports of those silent together */
    /* The first of those silent together (this one included), to ask what they said later. */
    char together_ids[WHB_PEER_IDS_MAX][65];
    unsigned n_ids;
    /* Of those silent together, the others back from that silence where they had been (now
     * reporting, or, for a past one, their gap ended), and when the last of them came back. */
    unsigned back;
    int64_t back_ms;
};

/* A time the collector itself was not storing reports. */
struct whb_downtime {
    int64_t from_ms, to_ms; /* last alive mark (or clean stop) -> next start */
    int clean;              /* it was stopped, not killed or crashed */
};

/* A silence that has ended, with what its two ends looked like. */
/* A refusal a machine's key or name met (store.h's WHB_REFUSAL_* causes), how often, who
 * claimed it: a reimaged machine, or someone else presenting its name or key. */
struct whb_store_refusal {
    char cause[24];
    uint64_t count;
    int64_t first_ms, last_ms;
    char claimant[200]; /* the machine id (and name) that was refused */
    char source[48];    /* from where, the last time */
};

struct whb_store_gap {
    int64_t start_ms, end_ms;
    int last_gasp; /* the last report before it was a last gasp */
    int rebooted;  /* the first report after it came from another boot */
    char before_sw[128], before_port[128], before_subnet[50], before_bssid[18];
    char after_sw[128], after_sw_name[128], after_port[128], after_subnet[50], after_bssid[18];
};

#endif
