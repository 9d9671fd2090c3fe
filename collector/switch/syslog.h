/* Syslog message headers: RFC 5424 (with structured data) and RFC 3164 as switches really
 * send it, which is often not RFC 3164 at all (Cisco IOS puts a sequence number and its own
 * time stamp where the header should be). The parser finds what it can and never fails on a
 * header it does not know: the link messages are recognised by their tag in the text
 * (link_msgs.h), not by the header. All pointers point into the caller's buffer. */
#ifndef WHB_SWITCH_SYSLOG_H
#define WHB_SWITCH_SYSLOG_H

#include <stddef.h>

/* RFC 5425 section 4.3.1: receivers should take 2048 octets and may take 8192. */
#define WHB_SYSLOG_MAX 8192

struct whb_slice {
    const char *p;
    size_t n;
};

struct whb_syslog {
    int pri;               /* facility * 8 + severity; 13 (user.notice) when the message had none */
    int version;           /* 1: RFC 5424; 0: anything else */
    struct whb_slice host; /* HOSTNAME where the header has one */
    struct whb_slice app;  /* RFC 5424 APP-NAME, or RFC 3164's TAG without [pid] */
    struct whb_slice msgid; /* RFC 5424 only */
    struct whb_slice sd;    /* RFC 5424 STRUCTURED-DATA, brackets included; empty for "-" */
    struct whb_slice msg;   /* the free text: RFC 5424's MSG (after a BOM), or all that follows
                               the header (the whole text after PRI when no header was read) */
};

/* Parses buf[0..len). Returns 0, or WHB_EPROTO for input that is no syslog message at all:
 * empty, a malformed PRI, or an RFC 5424 header cut short or with broken structured data. */
int whb_syslog_parse(const char *buf, size_t len, struct whb_syslog *out);

/* The value of PARAM inside the SD-ELEMENT whose SD-ID starts with id_prefix (e.g. "junos@"),
 * unescaped into out; returns 0, or WHB_ENOTFOUND. */
int whb_syslog_sd_param(const struct whb_syslog *m, const char *id_prefix, const char *param,
                        char *out, size_t outlen);

#endif
