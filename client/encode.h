/* From the agent's model to wire messages. No allocation is kept: pointers refer into the
 * inputs, which must outlive the packing. */
#ifndef WHB_ENCODE_H
#define WHB_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "wire.h"

struct whb_report_input {
    const struct whb_identity *id;
    uint64_t seq;
    int64_t sent_at_ms;
    uint64_t mono_ms;
    unsigned interval_s;
    const struct whb_state *state;
    whb_event **events;
    int n_events;
    int last_gasp;
    const char *collector_url; /* where the report goes; NULL: not said */
    unsigned collector_rank;   /* its place in the agent's list, 0 = preferred */
};

/* Packs a report into a new buffer (caller frees); WHB_ENOMEM on failure. The collector URL
 * goes without its user information (user:password@), which is no one else's business. */
int whb_encode_report(const struct whb_report_input *in, uint8_t **buf, size_t *len);

/* Fills a wire event from an agent event; strings point into ev and boot_id. */
/* Copies url into out without user information; cut at len - 1 bytes. */
void whb_encode_public_url(const char *url, char *out, size_t len);

void whb_encode_event(const struct whb_agent_event *ev, const char *boot_id, uint64_t seq,
                      uint64_t mono_ms, whb_event *out);

#endif
