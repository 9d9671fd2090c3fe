/* The explanation engine: a pure, deterministic function (time is an argument) from what the
 * store knows of one machine, its peers and the WSUS side, to why it has not reported status.
 * Rules are a table (rules.c); each names the reason it supports and the evidence it needs. */
#ifndef WHB_EXPLAIN_H
#define WHB_EXPLAIN_H

#include <stdint.h>

#include "explain/reasons.h"
#include "model.h"
#include "switch/ports.h"

#define WHB_EXPLAIN_MAX_EVIDENCE     16
#define WHB_EXPLAIN_MAX_ALTERNATIVES 6
#define WHB_EXPLAIN_TEXT             240

enum whb_confidence { WHB_CONFIDENCE_LOW = 0, WHB_CONFIDENCE_MEDIUM, WHB_CONFIDENCE_HIGH };

/* What a neighbour that went silent with this machine (same switch) told of that moment once
 * it was back: a link loss at the same moment is one failure; another story, two. */
struct whb_peer_story {
    int told;             /* it has reported since that silence */
    int64_t link_lost_ms; /* its carrier loss as its silence began; 0: none */
    int moved; /* it came back on another switch, subnet or access point than it went quiet on */
};

#define WHB_EXPLAIN_MAX_STORIES 8

#define WHB_EXPLAIN_MAX_DOWNTIMES 4

struct whb_explain_input {
    int64_t now_ms;
    const struct whb_machine_view *m; /* NULL: no agent ever reported from it */
    const char *host;                 /* the name asked about */
    /* No machine (m NULL) and neither an agent nor WSUS's list (as last imported) has the name:
     * the collector keeps no former names, so a computer renamed since looks the same as one
     * that never had an agent (no_agent, at most medium). */
    int name_unknown;
    const struct whb_hist_event *events; /* ascending time, the latest ones */
    int n_events;
    struct whb_peer_group peers[4];
    int n_peers;
    struct whb_downtime down[WHB_EXPLAIN_MAX_DOWNTIMES]; /* the collector's, near the silence */
    int n_down;
    /* For a gap: what its two ends looked like (may be NULL). */
    const struct whb_store_gap *gap;
    unsigned wsus_failing; /* online machines with the same WSUS failure */
    /* The Windows Update side, for a machine whose client is known (correlate.c). */
    const struct whb_wu_fleet *wu_fleet; /* NULL: not asked */
    int64_t wu_window_ms;                /* the window wu_fleet counts "at once" in */
    unsigned n_same_id;                  /* machines with its WSUS identity, itself included */
    char same_id[600];                   /* their names */
    char wsus_name_for_id[254];          /* the computer WSUS lists with that identity */
    /* For a gap (afterwards): its bounds; 0 for "now". */
    int64_t gap_start_ms, gap_end_ms;
    /* The switch's own word on the machine's port (collector/switch/): the port as it stands
     * (now only; NULL when the switch never spoke of it) and what it said around the silence,
     * ascending. None of it: the answer is what the machine and the collector say alone. */
    const struct whb_switch_port *sw_port;
    const struct whb_switch_event *sw_events;
    int n_sw_events;
    /* For a gap: the switch neighbours silent with it, and what they said on return. */
    struct whb_peer_story stories[WHB_EXPLAIN_MAX_STORIES];
    int n_stories;
    /* Undelivered heartbeats of the gap left out of events (only the first is kept there). */
    int heartbeats_skipped;
    /* What the collector refused in its name or key, newest first (issue 22): refused since
     * its last report, it is on and knocking, not cut off. */
    const struct whb_store_refusal *refusals;
    int n_refusals;
};

/* Who says so: the machine in a report at the time, the machine afterwards (spooled while it
 * was silent, told on return), the collector (from its own records and the neighbours), or
 * the switch the machine is plugged into (its syslog, traps, or a read of its port). */
enum whb_evidence_source {
    WHB_SOURCE_COLLECTOR,
    WHB_SOURCE_MACHINE,
    WHB_SOURCE_MACHINE_LATER,
    WHB_SOURCE_SWITCH
};

struct whb_evidence {
    int64_t at_ms;
    enum whb_evidence_source source;
    char text[WHB_EXPLAIN_TEXT];
};

struct whb_alternative {
    enum whb_reason reason;
    char why[WHB_EXPLAIN_TEXT];
};

struct whb_explanation {
    int reporting;           /* 1: reporting now */
    int known;               /* 0: no agent ever reported */
    int64_t silent_since_ms; /* last report, when not reporting */
    enum whb_reason reason;
    enum whb_confidence confidence;
    char confidence_why[WHB_EXPLAIN_TEXT];
    char summary[WHB_EXPLAIN_TEXT]; /* one line: "network cable unplugged on eth0 for 2 h 28 min" */
    struct whb_evidence evidence[WHB_EXPLAIN_MAX_EVIDENCE];
    int n_evidence;
    struct whb_alternative alternatives[WHB_EXPLAIN_MAX_ALTERNATIVES];
    int n_alternatives;
    char next_step[3 * WHB_EXPLAIN_TEXT];
    char source[200]; /* the Microsoft page the answer rests on, "" none */
};

/* Why the machine is (not) reporting now. */
void whb_explain_now(const struct whb_explain_input *in, struct whb_explanation *out);

/* Why the machine was silent between gap_start_ms and gap_end_ms, from the events it spooled
 * and sent on return. */
void whb_explain_gap(const struct whb_explain_input *in, struct whb_explanation *out);

const char *whb_confidence_name(enum whb_confidence c);
const char *whb_evidence_source_name(enum whb_evidence_source s);

#endif
