/* The wall clock for evidence, and how times are written (intervals come from the platform). */
#ifndef WHB_CLOCK_H
#define WHB_CLOCK_H

#include <stdint.h>

int64_t whb_clock_wall_ms(void);

/* A monotonic clock in ns, for durations and timeouts: a wall clock step does not move it. */
int64_t whb_clock_mono_ns(void);

/* Formats ms since the epoch as "2026-11-25T09:12:04Z" (UTC) into buf (>= 21 bytes). */
void whb_clock_format_iso(int64_t ms, char *buf, unsigned len);

/* Formats a duration as "2 h 28 min", "45 s", "3 d 4 h". */
void whb_clock_format_duration(int64_t ms, char *buf, unsigned len);

#endif
