/* Implementation of log.h. The only global mutable state in the product is here. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifndef _WIN32
#include <syslog.h>
#endif

static struct {
    const char *ident;
    int to_syslog;
    enum whb_log_level level;
    whb_log_sink sink;
} log_conf = {"whb", 0, WHB_LOG_INFO, NULL};

void whb_log_init(const char *ident, int to_syslog, enum whb_log_level level)
{
    log_conf.ident = ident;
    log_conf.level = level;
#ifndef _WIN32
    log_conf.to_syslog = to_syslog;
    if (to_syslog)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
#else
    (void)to_syslog;
#endif
}

void whb_log_set_sink(whb_log_sink sink)
{
    log_conf.sink = sink;
}

int whb_log_level_parse(const char *name, enum whb_log_level *out)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum whb_log_level)i;
            return 0;
        }
    }
    return -1;
}

void whb_log_close(void)
{
#ifndef _WIN32
    if (log_conf.to_syslog)
        closelog();
#endif
}

static void log_emit(enum whb_log_level level, int with_errno, const char *fmt, va_list ap);

static void log_emit_fmt(enum whb_log_level level, const char *fmt, ...) WHB_PRINTF(2, 3);

static void log_emit_fmt(enum whb_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_emit(level, 0, fmt, ap);
    va_end(ap);
}

static void log_emit_line(enum whb_log_level level, const char *line, unsigned suppressed)
{
    if (suppressed)
        log_emit_fmt(level, "%s (and %u more like it, not logged)", line, suppressed);
    else
        log_emit_fmt(level, "%s", line);
}

static void log_emit(enum whb_log_level level, int with_errno, const char *fmt, va_list ap)
{
    static const char *const tags[] = {"error", "warning", "info", "debug"};
    int saved = errno;
    char line[1024];

    if (level > log_conf.level)
        return;
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    if (n < 0)
        return;
    if (with_errno && (size_t)n < sizeof(line))
        snprintf(line + n, sizeof(line) - (size_t)n, ": %s", strerror(saved));
    /* One event, one line: a newline from a peer's string must not forge a second one. */
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';

    if (log_conf.sink)
        log_conf.sink(level, line);
#ifndef _WIN32
    if (log_conf.to_syslog) {
        static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
        syslog(prio[level], "%s", line);
        errno = saved;
        return;
    }
#endif
    fprintf(stderr, "%s: %s: %s\n", log_conf.ident, tags[level], line);
    errno = saved;
}

/* Rate limits, one per call site (keyed by its format string). A full table recycles the
 * quietest entry; a spin lock is enough, since a line is written at most a few times a second. */
#define RATE_SITES 32

static struct {
    atomic_flag busy;
    struct rate_site {
        const char *fmt;
        time_t window;
        unsigned written, suppressed;
    } sites[RATE_SITES];
} rate = {ATOMIC_FLAG_INIT, {{0}}};

/* Returns 1 when the line may be written; *suppressed is how many were held back before it. */
static int rate_allow(const char *fmt, unsigned *suppressed)
{
    time_t now = time(NULL), window = now - now % WHB_LOG_WINDOW_S;
    int allow;
    while (atomic_flag_test_and_set_explicit(&rate.busy, memory_order_acquire))
        ;
    struct rate_site *site = NULL, *oldest = &rate.sites[0];
    for (int i = 0; i < RATE_SITES && !site; i++) {
        if (rate.sites[i].fmt == fmt)
            site = &rate.sites[i];
        else if (rate.sites[i].window < oldest->window)
            oldest = &rate.sites[i];
    }
    if (!site) {
        site = oldest;
        *site = (struct rate_site){fmt, window, 0, 0};
    }
    if (site->window != window) {
        site->window = window;
        site->written = 0;
    }
    *suppressed = 0;
    allow = site->written < WHB_LOG_BURST;
    if (allow) {
        site->written++;
        *suppressed = site->suppressed;
        site->suppressed = 0;
    } else {
        site->suppressed++;
    }
    atomic_flag_clear_explicit(&rate.busy, memory_order_release);
    return allow;
}

void whb_log_limited(enum whb_log_level level, const char *fmt, ...)
{
    unsigned suppressed;
    char line[1024];
    va_list ap;
    if (level > log_conf.level || !rate_allow(fmt, &suppressed))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_emit_line(level, line, suppressed);
}

#define WHB_LOG_FN_(fn, level, with_errno)                                                         \
    void fn(const char *fmt, ...)                                                                  \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_emit(level, with_errno, fmt, ap);                                                      \
        va_end(ap);                                                                                \
    }

WHB_LOG_FN_(whb_log_error, WHB_LOG_ERROR, 0)
WHB_LOG_FN_(whb_log_warn, WHB_LOG_WARN, 1)
WHB_LOG_FN_(whb_log_warnx, WHB_LOG_WARN, 0)
WHB_LOG_FN_(whb_log_info, WHB_LOG_INFO, 0)
WHB_LOG_FN_(whb_log_debug, WHB_LOG_DEBUG, 0)
