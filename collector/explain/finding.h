/* Internal to explain/: what a rule finds, and the time windows and event lookups every rule
 * shares. The windows are what keeps an answer honest: evidence for a silence must lie inside
 * it (or be the machine's own account of it on return), and a pattern before it must lead
 * right up to it. */
#ifndef WHB_EXPLAIN_FINDING_H
#define WHB_EXPLAIN_FINDING_H

#include "compat.h"
#include "explain/explain.h"
#include "store/store.h"

#define K(name)  WHB__V1__EVENT_KIND__EVENT_KIND_##name
#define MIN_MS   60000LL
#define SLACK_MS 5000LL /* clock mapping and send latency */
/* Agents' times map to the collector's with the least delay seen (store): a little late at
 * worst, never early. A non-power cause must come after the last report that went through. */
#define AFTER_LAST_MS 500LL
/* How long a report may wait in the path and still be stored (the agent gave up on it after
 * its send timeout): what the machine spooled in that time came after it. */
#define LATE_REPORT_MS 30000LL
#define LEADUP_MS      (30 * MIN_MS) /* a pattern (flaps, errors, failures) before a silence */
/* The agent waits this long for a report to go through before it records the failure
 * (client/agent.c SEND_TIMEOUT_MS), plus the slack. */
#define SEND_WAIT_MS (10000LL + SLACK_MS)
/* Agents retry after failures within one heartbeat interval (client/backoff.c): once the
 * collector is back, a machine its downtime silenced reports within an interval, a send's wait
 * and the slack. Silent longer, something else keeps it silent. */
#define RETURN_MS(interval) ((interval) + SEND_WAIT_MS + SLACK_MS)
/* Neighbours are "together" when their silences began within the detection resolution: a
 * report every interval, so two machines silenced at the same instant last reported up to an
 * interval apart (plus the slack of send latency and the agents' loops). */
#define TOGETHER_MS(interval) ((interval) + SLACK_MS)
/* A group of silences is a pattern only when chance makes it unlikely (whb_chance_together). */
#define CHANCE_MAX 0.01

struct finding {
    int score; /* 0: the rule does not apply */
    enum whb_confidence conf;
    char why[WHB_EXPLAIN_TEXT];
    char summary[WHB_EXPLAIN_TEXT];
    char step[WHB_EXPLAIN_TEXT]; /* specifics added to the catalog's next step */
    struct whb_evidence ev[6];
    int n_ev;
    enum whb_reason also[6]; /* reasons the evidence cannot rule out: always alternatives */
    int n_also;
    enum whb_reason ruled_out[6]; /* reasons its evidence excludes: never alternatives */
    int n_out;
};

/* The silence being explained: [start, end] on the collector's clock. */
struct span {
    int64_t start, end;
    int64_t interval; /* ms between reports */
    int past;         /* a gap that has ended (the machine told its story on return) */
    int announced;    /* its last report before the silence was flagged a last gasp */
    /* The collector's downtime that began before the machine's next report was due (it may
     * have silenced it), or NULL: one that began later found the machine already silent. */
    const struct whb_downtime *down;
    /* A collector downtime that began within the detection resolution of its last report (or
     * down): every machine went quiet then, so neighbours quiet "with it" say nothing of the
     * network. */
    int down_near;
    int64_t cause_until; /* a cause later than this did not start the silence */
    /* A past gap that began with the collector refusing the machine's reports (its
     * DELIVERY_FAILED, whb_refused_by_collector), or NULL. */
    const struct whb_hist_event *refused;
};

struct span whb_explain_span(const struct whb_explain_input *in);

void whb_say(char *buf, const char *fmt, ...) WHB_PRINTF(2, 3);
/* "s" unless n is one: "%u machine%s", n, whb_s(n). */
static inline const char *whb_s(long long n)
{
    return n == 1 ? "" : "s";
}
void whb_evidence(struct finding *f, int64_t at, enum whb_evidence_source src, const char *fmt, ...)
    WHB_PRINTF(4, 5);
/* Evidence from one of the machine's events: its source follows from when it arrived. */
void whb_evidence_event(struct finding *f, const struct whb_explain_input *in,
                        const struct whb_hist_event *e, const char *fmt, ...) WHB_PRINTF(4, 5);
void whb_hit(struct finding *f, int score, enum whb_confidence conf);
void whb_also(struct finding *f, enum whb_reason r);
void whb_rule_out(struct finding *f, enum whb_reason r);

/* The first or last event of kind with at in [from, to]; kind 0 matches the causes of a
 * silence (power, link, wireless, address, undelivered reports). */
const struct whb_hist_event *whb_first_in(const struct whb_explain_input *in, int kind,
                                          int64_t from, int64_t to);
const struct whb_hist_event *whb_last_in(const struct whb_explain_input *in, int kind, int64_t from,
                                         int64_t to);
int whb_count_in(const struct whb_explain_input *in, int kind, int64_t from, int64_t to);

/* The first cause of the silence: what silenced the machine, or NULL. */
const struct whb_hist_event *whb_first_cause(const struct whb_explain_input *in);
/* A DELIVERY_FAILED that says the machine reached the collector, which refused its report: an
 * error status from it (5xx: its store failing, its queue full), or a TLS handshake the agent
 * broke off over the collector's certificate (curl 35, 51, 60, 83, 90, 91). */
int whb_refused_by_collector(const struct whb_hist_event *e);
/* The power event that was the machine's last word before the silence, or NULL. */
const struct whb_hist_event *whb_last_gasp(const struct whb_explain_input *in);
/* The window in which a cause must fall to explain the start of the silence. */
int64_t whb_cause_until(const struct span *s);
/* A send stamped up to this moment is the last report the collector stored, whose answer may
 * have been lost (stored, then the power went): no sign of the machine during the silence. */
int64_t whb_sends_from(const struct span *s);

/* The collector's downtime that silenced this machine, or NULL. */
const struct whb_downtime *whb_collector_down(const struct whb_explain_input *in);

/* How likely k machines of a group of n went quiet within window_ms of one another by chance,
 * each on its own (0..1). */
double whb_chance_together(unsigned k, unsigned n, int64_t window_ms);
/* A group of k silent together of n is a shared failure, not a coincidence: three at least (a
 * pair is the commonest coincidence, which only the switch's own word can settle) and
 * unlikely by chance at the group's size. */
int whb_pattern(unsigned k, unsigned n, int64_t window_ms);

const struct whb_peer_group *whb_peers(const struct whb_explain_input *in, enum whb_peer_kind kind);

/* Words for IEEE 802.11 reason (disconnect) and status (association) codes. */
const char *whb_ieee80211_words(int disconnect, unsigned code);

#endif
