/* Small durable facts of the agent: whether the last run stopped cleanly and when it was last
 * alive, the reserved range of sequence numbers for this boot, the machine's key, and whether
 * the collector has enrolled it. */
#ifndef WHB_PERSIST_H
#define WHB_PERSIST_H

#include <stdint.h>

struct whb_persist;

struct whb_previous_run {
    int unclean;           /* the last run did not stop cleanly */
    int same_boot;         /* ... and it was in this boot (the agent died, not the machine) */
    int64_t last_alive_ms; /* wall time last known alive */
};

int whb_persist_open(const char *state_dir, const char *boot_id, int64_t now_ms,
                     struct whb_persist **out, struct whb_previous_run *prev);
void whb_persist_close(struct whb_persist *p);

/* A sequence number never used before in this boot, even across agent restarts: numbers are
 * reserved in blocks on disk before use. Never 0: when the reservation cannot be written (a
 * full disk) the number is handed out all the same; one reused after a crash is caught by the
 * collector's ack (WHB_SENT_SEQ_BEHIND). */
uint64_t whb_persist_next_seq(struct whb_persist *p);

int whb_persist_alive(struct whb_persist *p, int64_t now_ms);
int whb_persist_stopped(struct whb_persist *p, int64_t now_ms);

/* Numbers go on above seq from now on (the collector has stored seq of this boot: the run
 * file that reserved it was lost); the new reservation is on disk when this returns 0. */
int whb_persist_seq_above(struct whb_persist *p, uint64_t seq);

/* The highest sequence number handed out so far (0 before the first). */
uint64_t whb_persist_last_seq(const struct whb_persist *p);

/* The machine's key as hex (64 chars + NUL), made on first use and kept readable by the
 * agent only. A key file that exists but is not exactly 64 hex digits (a line break may
 * follow) is WHB_ECORRUPT: the collector has the old key bound to this machine, so a new key
 * could never be accepted; the agent refuses to start and says what to do. */
int whb_persist_key(const char *state_dir, char hex[65]);

int whb_persist_enrolled(const char *state_dir);
/* Remembers (or forgets, when the collector no longer knows us) the enrollment. */
int whb_persist_set_enrolled(const char *state_dir, int enrolled);

/* The heartbeat interval the collector last asked for (0 when none is known), so that the
 * first report after a restart carries it: the collector sets its deadline from it. */
unsigned whb_persist_interval(const char *state_dir);
int whb_persist_set_interval(const char *state_dir, unsigned interval_s);

#endif
