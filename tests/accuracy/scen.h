/* Internal to the generator: what scenario.c (issue 10's scenarios) and worlds.c (issue 21's
 * worlds) share: incidents, questions with their truth, and the sets of causes the evidence
 * cannot tell apart. */
#ifndef WHB_ACC_SCEN_H
#define WHB_ACC_SCEN_H

#include "acc.h"

#define BASE_MS 1795500000000LL /* a Tuesday morning in November 2026 */
#define MIN     60000LL

/* Seen from one machine, a silence with no last gasp has all of these behind it. */
#define NOGASP_WIRED                                                                               \
    "turned_off", "cable_unplugged", "port_disabled", "removed", "lost_connectivity",              \
        "agent_crashed"
#define NOGASP_WIFI                                                                                \
    "turned_off", "wireless_association", "removed", "lost_connectivity", "agent_crashed"
/* A group of one switch's machines silent together, others reporting. */
#define GROUP_SET "port_disabled", "lost_connectivity", "turned_off"
/* Every machine of a switch silent: the switch or what is beyond it (or the room's power), not
 * "the port" - no link event has arrived to say the links went down. */
#define SWITCH_SET "lost_connectivity", "turned_off"
#define AP_SET     "wireless_association", "lost_connectivity", "turned_off"

/* The time helpers every class's scenarios share. */
static inline int64_t acc_sec(int64_t s)
{
    return s * 1000;
}

static inline int64_t acc_iv(const struct acc_world *w)
{
    return (int64_t)w->interval_s * 1000;
}

/* When the machine is surely overdue: its last report came at most one heartbeat before the
 * silence began s, the collector waits three. */
static inline int64_t acc_overdue(const struct acc_world *w, int64_t s)
{
    return s + 3 * acc_iv(w) + acc_sec(5);
}

/* A time in [lo, hi], to the second (lo when the range is empty). */
static inline int64_t acc_pick(struct acc_rng *r, int64_t lo, int64_t hi)
{
    return hi > lo ? lo + acc_rng_ms(r, 0, (hi - lo) / 1000) : lo;
}

/* A silence of minutes: shorter with short heartbeats (tests, small sites). */
static inline int64_t acc_silence_len(struct acc_rng *r, const struct acc_world *w)
{
    return w->interval_s <= 10 ? acc_rng_ms(r, 3 * 60, 12 * 60) : acc_rng_ms(r, 8 * 60, 25 * 60);
}

struct acc_incident *acc_inc(struct acc_timeline *tl, enum acc_inc_kind k, int m, int sw,
                             int64_t start, int64_t end);
/* A question: truth first, then the rest of the accepted set (NULL-terminated). For NOW, a is
 * when it is asked; for HISTORY and BACK, [a, b] is the silence. */
struct acc_item *acc_item(struct acc_timeline *tl, enum acc_phase ph, int m, int64_t a, int64_t b,
                          int capped, const char *truth, ...);
/* The answer once the switch's word (any of words, bits 1 << enum acc_word) on the item's
 * machine's port since from has reached the collector: its own set (truth first, NULL-ended). */
void acc_item_switch(struct acc_item *it, unsigned words, int64_t from, int capped,
                     const char *truth, ...);

/* Appends to tl's modifiers (what the examples print of a timeline). */
void acc_note(struct acc_timeline *tl, const char *fmt, long long a, long long b);
/* Once back, `why` must say it reports: a BACK question for each HISTORY one. */
void acc_items_back(struct acc_timeline *tl);

/* Names machine i of timeline tl (FQDN, id, MAC) and picks its OS. */
void acc_machine_name(struct acc_timeline *tl, struct acc_rng *r, int i);

/* Issue 21's worlds (worlds.c): scenario k of class cls on a fleet of its own size. */
const char *acc_worlds_make(struct acc_timeline *tl, struct acc_rng *r, enum acc_class cls,
                            unsigned k);
unsigned acc_worlds_count(enum acc_class cls);
/* For classes in files of their own: issue 21's fleet (small: 5-14 machines), and one machine's
 * own silence [s, e] of kind k with its questions (asked while silent at ask, 0: not). */
void acc_worlds_fleet(struct acc_timeline *tl, struct acc_rng *r, int small);
struct acc_item *acc_worlds_solo(struct acc_timeline *tl, enum acc_inc_kind k, int m, int64_t s,
                                 int64_t e, int64_t ask);

/* Class overlap (overlap.c): incidents overlapping in time on one switch. */
const char *acc_overlap_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_overlap_count(void);

/* Class laptops (laptops.c): scenario k on one of issue 21's fleets with two access points. */
const char *acc_laptops_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_laptops_count(void);

/* Class docks (docks.c): scenario k on one of issue 21's fleets with dock laptops. */
const char *acc_docks_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_docks_count(void);

/* Class clocks (clocks.c): wall-clock steps around one machine's own silence. */
const char *acc_clocks_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_clocks_count(void);

/* Class chains (chains.c): one machine, a second cause during the first's silence. */
const char *acc_chains_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_chains_count(void);

/* Class repeats (repeats.c): one machine silent again and again, each gap for its own cause. */
const char *acc_repeats_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_repeats_count(void);

/* Class away (away.c): a machine physically removed from the network, and back. */
const char *acc_away_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_away_count(void);

/* Class lossy (lossy.c): a machine back with its evidence partly lost. */
const char *acc_lossy_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_lossy_count(void);

/* Class collside (collside.c): the collector running but not serving, and one machine's own
 * silence meanwhile. */
const char *acc_collside_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_collside_count(void);

/* Class reimaged (reimaged.c): one name, more than one identity. */
const char *acc_reimaged_make(struct acc_timeline *tl, struct acc_rng *r, unsigned k);
unsigned acc_reimaged_count(void);

#endif
