/* New machines per source address ([enrollment] per_source_per_minute): a token bucket per
 * source (IPv6 by its /64), as many as the rate for a burst, refilled at the rate. The
 * enrollment token is readable by every domain user (it is deployed by Group Policy): this is
 * what keeps one of them from enrolling 20,000 machines in seconds. Checked before a body is
 * decoded (answer.c). Shared by the loops, locked. */
#ifndef WHB_INGEST_ENROLL_H
#define WHB_INGEST_ENROLL_H

#include <stdint.h>

#include "collector.h"

struct whb_enroll_limit;

/* per_minute 0: no limit (NULL is returned and every call allows). */
struct whb_enroll_limit *whb_enroll_limit_new(unsigned per_minute);
void whb_enroll_limit_free(struct whb_enroll_limit *l);

/* Takes one enrollment for source at now: 0, or the seconds until one is allowed. */
unsigned whb_enroll_limit_take(struct whb_enroll_limit *l, const struct whb_source *source,
                               int64_t now_ms);

#endif
