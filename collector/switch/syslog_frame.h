/* Syslog over a byte stream (TCP, TLS): RFC 6587 octet counting ("MSG-LEN SP MSG", also RFC
 * 5425's framing) and non-transparent framing (a message per line), told apart per message
 * by its first byte as rsyslog does: a digit starts a count. Bounded: a message longer than
 * WHB_SYSLOG_MAX is handed on cut at that length and the rest of it skipped. */
#ifndef WHB_SWITCH_SYSLOG_FRAME_H
#define WHB_SWITCH_SYSLOG_FRAME_H

#include <stddef.h>

#include "syslog.h"

typedef void (*whb_syslog_frame_cb)(void *arg, const char *msg, size_t len);

struct whb_syslog_framer {
    int state;
    size_t want;       /* octets still to come of a counted message */
    size_t have;       /* bytes held in buf */
    unsigned digits;   /* of the count being read */
    unsigned long cut; /* messages handed on cut short */
    char buf[WHB_SYSLOG_MAX];
};

void whb_syslog_framer_init(struct whb_syslog_framer *f);

/* Feeds n bytes; calls cb for each complete message. Returns 0, or WHB_EPROTO when the stream
 * cannot be framed any more (a count that is not one): the caller closes the connection. */
int whb_syslog_framer_feed(struct whb_syslog_framer *f, const char *data, size_t n,
                           whb_syslog_frame_cb cb, void *arg);

#endif
