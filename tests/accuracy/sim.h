/* Internal to the benchmark: the simulated agents and the collector side they deliver to. */
#ifndef WHB_ACC_SIM_H
#define WHB_ACC_SIM_H

#include "acc.h"

struct whb_store;

/* The collector: a real SQLite store fed through the real put_report, reports queued in flight
 * until their receipt time, and the collector's own runs (starts, alive marks, stops). */
struct acc_feed;
int acc_feed_open(const struct acc_world *w, struct acc_feed **out, char *why, size_t whylen);
void acc_feed_close(struct acc_feed *f);
struct whb_store *acc_feed_store(struct acc_feed *f);
/* Queues a packed report (ownership passes) to arrive at arrive_ms. */
void acc_feed_send(struct acc_feed *f, int machine, int64_t arrive_ms, uint8_t *buf, size_t len);
/* Ingests what has arrived by t, in receipt order, one transaction. */
int acc_feed_drain(struct acc_feed *f, int64_t t, int verbose);
/* 1 when the collector ran throughout [from, to] and stored a report of another machine than
 * machine in it: it was serving the fleet. */
int acc_feed_served_others(const struct acc_feed *f, const struct acc_world *w, int machine,
                           int64_t from, int64_t to);
/* The collector's own life at t: start, alive, stop marks (one place to wire the runs API). */
int acc_feed_collector(struct acc_feed *f, const struct acc_world *w, int64_t t, int verbose);

/* One event as the agent spools it. */
struct acc_ev {
    uint64_t seq;
    char boot[40];
    int64_t at_ms, since_ms;
    uint64_t mono_ms;
    int kind;
    unsigned code, http;
    int curl;
    char adapter[40]; /* the adapter, or the update client's subject (service, serviceGuid) */
    char detail[128];
    unsigned size; /* class lossy: its bytes in the spool file (frame and payload) */
    int synced;    /* on disk for sure: it or a later record was fsync'd (client/agent.c) */
};

/* What the agent's last snapshot holds. */
struct acc_obs {
    int admin_up, carrier, assoc, service;
    char addr[24], gw[16];
    uint64_t crc, carrier_changes;
    int lldp_sw, lldp_port; /* -1: no neighbour */
    int ap;                 /* wireless: the access point associated with (0-2), -1 none */
    int docked;             /* a dock laptop: the dock's adapter is there (the fields above are
                               its); else they are its Wi-Fi's */
    int kept, kept_leased;  /* docked, its Wi-Fi beside associated; leased (acc_link) */
};

#define ACC_SPOOL_MAX 8192

struct acc_agent {
    int m;
    uint64_t beside_changes; /* a dock laptop's Wi-Fi beside: its carrier changes */
    /* The machine: boots and the agent's files, which survive the process. */
    int boot_no;
    char boot[40];
    int64_t boot_t;
    int64_t boot_minute; /* Windows: the minute its first agent start in this boot named the
                            boot by (wall clock less the tick count); -1: not started yet */
    enum acc_power power;
    enum acc_inc_kind asleep_by;
    int64_t asleep_at;
    int run_status; /* 0 none, 1 running, 2 stopped: the agent's run file */
    char run_boot[40];
    int64_t run_alive;
    uint64_t next_seq, reserved;
    struct acc_ev *spool;
    int n_spool;
    /* The process. */
    int running;
    struct acc_obs obs;
    int64_t next_heartbeat, next_wsus, retry_at, next_lldp, next_wifi_retry;
    int want_flush, failing, wifi_failing;
    int beacons_lost; /* disconnected for lost beacons: the driver tells the next connect */
    unsigned attempt;
    uint64_t rng, loss_rng;
    char failure_class[32], wsus_class[32];
    int64_t failure_event_at, suspend_at;
    int lldp_sw, lldp_port;
    int64_t lldp_expires;
    int64_t wsus_at;
    unsigned wsus_http;
    int wsus_curl;
    struct acc_wu wu;    /* Windows: the update client as last read */
    const char *ev_if;   /* the adapter the next events are of (NULL: the machine's own) */
    unsigned torn_bytes; /* class lossy: a torn tail the next start cuts and tells */
    char coll_boot[40];  /* the boot and highest seq the collector stored of it: what its ack */
    uint64_t coll_seq;   /* names when it takes a report for a resend (class lossy) */
    int wiped;           /* class lossy: its state directory was lost (once) */
    /* For the benchmark (not the agent's): last acknowledged delivery, collector time. */
    int64_t last_ok;
    /* When its last acknowledged report reached the collector: the agent sends the next only
     * after that one's ack (one report at a time), so the next cannot arrive before it. */
    int64_t acked_arrival;
};

void acc_agent_init(struct acc_agent *a, const struct acc_world *w, int m);
void acc_agent_free(struct acc_agent *a);
void acc_agent_step(struct acc_agent *a, const struct acc_world *w, int64_t t, struct acc_feed *f,
                    int verbose);

/* Asking the real engine. */
void acc_ask_now(struct whb_store *st, const struct acc_timeline *tl, struct acc_item *it,
                 int64_t t);
/* 1 when the collector has a report of the machine received at or after since. */
int acc_ask_heard(struct whb_store *st, const struct acc_timeline *tl, int machine, int64_t since);
void acc_ask_history(struct whb_store *st, const struct acc_timeline *tl, struct acc_item *it,
                     int64_t t, int again);

/* The switches' side of the collector (class switch): their words (traps decoded by the
 * collector's own decoder, syslog lines by its parser) and the reads it makes (on a machine's
 * silence, on `why`, after a word that left something unsaid), each through the port table
 * (whb_switch_ports_take) into the store (put_switch) as the collector's switch writer does. */
struct acc_talker;
struct acc_talker *acc_talker_new(const struct acc_world *w);
void acc_talker_free(struct acc_talker *k);
int acc_talker_step(struct acc_talker *k, const struct acc_world *w, struct whb_store *st,
                    int64_t t, int verbose);
/* `why` was asked of machine m at t: a silent wired machine's port is read. */
void acc_talker_asked(struct acc_talker *k, const struct acc_world *w, int m, int64_t t);
/* 1 when the collector had stored one of words (bits 1 << enum acc_word) of m's port in
 * [from, to]. */
int acc_talker_said(const struct acc_talker *k, const struct acc_world *w, int m, unsigned words,
                    int64_t from, int64_t to);

#endif
