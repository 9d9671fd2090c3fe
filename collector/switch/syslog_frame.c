/* Implementation of syslog_frame.h: a byte-at-a-time state machine, so that a message split
 * anywhere across reads frames the same. */
#include "syslog_frame.h"

#include <string.h>

#include "error.h"

enum { F_START, F_COUNT, F_OCTETS, F_LINE, F_SKIP_OCTETS, F_SKIP_LINE };

/* RFC 6587's MSG-LEN has no limit; nine digits is more than any real sender writes. */
#define COUNT_DIGITS_MAX 9

void whb_syslog_framer_init(struct whb_syslog_framer *f)
{
    memset(f, 0, sizeof(*f));
    f->state = F_START;
}

static void deliver(struct whb_syslog_framer *f, whb_syslog_frame_cb cb, void *arg)
{
    if (f->have > 0)
        cb(arg, f->buf, f->have);
    f->have = 0;
}

int whb_syslog_framer_feed(struct whb_syslog_framer *f, const char *data, size_t n,
                           whb_syslog_frame_cb cb, void *arg)
{
    size_t i = 0;
    while (i < n) {
        char ch = data[i];
        switch (f->state) {
        case F_START:
            if (ch == '\n' || ch == '\r' || ch == '\0' || ch == ' ') {
                i++; /* stray separators between messages */
            } else if (ch >= '0' && ch <= '9') {
                f->state = F_COUNT;
                f->want = 0;
                f->digits = 0;
            } else {
                f->state = F_LINE;
            }
            break;
        case F_COUNT:
            i++;
            if (ch >= '0' && ch <= '9' && f->digits < COUNT_DIGITS_MAX) {
                f->want = f->want * 10 + (size_t)(ch - '0');
                f->digits++;
            } else if (ch == ' ' && f->want > 0) {
                f->state = F_OCTETS;
            } else {
                return WHB_EPROTO;
            }
            break;
        case F_OCTETS: {
            size_t room = sizeof(f->buf) - f->have, take = n - i;
            if (take > f->want)
                take = f->want;
            if (take > room)
                take = room;
            memcpy(f->buf + f->have, data + i, take);
            f->have += take;
            f->want -= take;
            i += take;
            if (f->want == 0) {
                deliver(f, cb, arg);
                f->state = F_START;
            } else if (f->have == sizeof(f->buf)) {
                f->cut++;
                deliver(f, cb, arg);
                f->state = F_SKIP_OCTETS;
            }
            break;
        }
        case F_SKIP_OCTETS: {
            size_t take = n - i < f->want ? n - i : f->want;
            f->want -= take;
            i += take;
            if (f->want == 0)
                f->state = F_START;
            break;
        }
        case F_LINE: {
            const char *lf = memchr(data + i, '\n', n - i);
            size_t take = (lf ? (size_t)(lf - (data + i)) : n - i);
            size_t room = sizeof(f->buf) - f->have;
            size_t copy = take < room ? take : room;
            memcpy(f->buf + f->have, data + i, copy);
            f->have += copy;
            i += take;
            if (lf) {
                i++;
                if (copy < take)
                    f->cut++;
                deliver(f, cb, arg);
                f->state = F_START;
            } else if (f->have == sizeof(f->buf)) {
                f->cut++;
                deliver(f, cb, arg);
                f->state = F_SKIP_LINE;
            }
            break;
        }
        case F_SKIP_LINE: {
            const char *lf = memchr(data + i, '\n', n - i);
            if (!lf)
                return 0;
            i = (size_t)(lf - data) + 1;
            f->state = F_START;
            break;
        }
        }
    }
    return 0;
}
