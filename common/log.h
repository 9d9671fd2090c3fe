/* A tiny logging layer used everywhere (the openntpd idea): stderr in the foreground,
 * syslog as a daemon, one line per event. *_warn adds strerror(errno), *_warnx does not. */
#ifndef WHB_LOG_H
#define WHB_LOG_H

#include "compat.h"

enum whb_log_level { WHB_LOG_ERROR = 0, WHB_LOG_WARN, WHB_LOG_INFO, WHB_LOG_DEBUG };

/* Where lines go besides stderr/syslog: the Windows agent points this at the Event Log. */
typedef void (*whb_log_sink)(enum whb_log_level level, const char *line);

void whb_log_init(const char *ident, int to_syslog, enum whb_log_level level);
void whb_log_set_sink(whb_log_sink sink);
int whb_log_level_parse(const char *name, enum whb_log_level *out);
void whb_log_close(void);

void whb_log_error(const char *fmt, ...) WHB_PRINTF(1, 2);
void whb_log_warn(const char *fmt, ...) WHB_PRINTF(1, 2);
void whb_log_warnx(const char *fmt, ...) WHB_PRINTF(1, 2);
void whb_log_info(const char *fmt, ...) WHB_PRINTF(1, 2);
void whb_log_debug(const char *fmt, ...) WHB_PRINTF(1, 2);

/* For lines a peer can cause (audits, refusals, accept errors): each call site, told apart by
 * its format string, writes at most WHB_LOG_BURST lines per WHB_LOG_WINDOW_S seconds; the
 * next line written says how many were held back. fmt must be a string literal. */
#define WHB_LOG_BURST    10
#define WHB_LOG_WINDOW_S 10
void whb_log_limited(enum whb_log_level level, const char *fmt, ...) WHB_PRINTF(2, 3);

#endif
