/* The collectors an agent reports to, in order of preference: which one it uses now, when it
 * gives up on it for the next one, and when it tries the more preferred ones again. Pure logic
 * on the agent's clock, so that failover is tested without a network. */
#ifndef WHB_COLLECTORS_H
#define WHB_COLLECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "sender.h"

#define WHB_MAX_COLLECTORS     8
#define WHB_COLLECTOR_URL_MAX  512
#define WHB_COLLECTOR_FAILURES 3 /* sends in a row that got no answer before moving on */

struct whb_collectors {
    char url[WHB_MAX_COLLECTORS][WHB_COLLECTOR_URL_MAX];
    int n;
    int current;          /* index of the collector reports go to */
    unsigned failures;    /* unanswered sends in a row to the current one */
    unsigned failback_ms; /* how often the more preferred ones are tried again once moved away */
    uint64_t failback_at; /* when they are tried next; 0 while on the first */
};

/* What a send says about the collector that was asked. */
enum whb_collector_verdict {
    WHB_COLLECTOR_ANSWERED, /* an ack, or a refusal from the collector itself (400, 403, 413) */
    WHB_COLLECTOR_DOWN,     /* no answer, a timeout, 5xx, or something that is not the collector */
    WHB_COLLECTOR_UNKNOWN,  /* the send was abandoned (a power event): says nothing */
};

/* What whb_collectors_record did. */
enum whb_collector_move {
    WHB_COLLECTOR_STAYED,
    WHB_COLLECTOR_SWITCHED, /* moved on to the next one after WHB_COLLECTOR_FAILURES */
    WHB_COLLECTOR_RETURNED, /* a more preferred one answered again and is used again */
};

/* Builds the list from collector_url and collector_urls: each holds URLs separated by spaces
 * or commas; duplicates are kept once, in their first place. failback_s: seconds between
 * tries of the more preferred URLs once moved away. */
int whb_collectors_parse(struct whb_collectors *c, const char *first, const char *list,
                         unsigned failback_s, char *why, size_t whylen);

enum whb_collector_verdict whb_collectors_judge(enum whb_send_outcome outcome, long http_status);

/* The collector the next report goes to; *failback is 1 when it is the first one tried again
 * while another is current: if it does not answer, the report goes to the next ones in order
 * (whb_collectors_after) up to the current one, so the agent comes back to the most preferred
 * collector that answers, whichever it is. */
int whb_collectors_pick(const struct whb_collectors *c, uint64_t now_ms, int *failback);

/* After a failback try of collector i did not answer: the next more preferred one to try, or
 * the current one when none is left. */
int whb_collectors_after(const struct whb_collectors *c, int i);

/* Takes the verdict on a send to collector i. */
enum whb_collector_move whb_collectors_record(struct whb_collectors *c, int i,
                                              enum whb_collector_verdict v, uint64_t now_ms);

#endif
