/* Switches' link messages in syslog, recognised by their tag wherever the header put it:
 * one table row per message format (Cisco IOS/IOS-XE, NX-OS, Junos, ArubaOS-Switch, Arista,
 * Linux-based switches), each with a recorded sample in tests/data/switch-syslog.tsv. */
#ifndef WHB_SWITCH_LINK_MSGS_H
#define WHB_SWITCH_LINK_MSGS_H

#include <stddef.h>

#include "event.h"
#include "syslog.h"

/* A row's pattern is literal text (case-insensitive; a space matches one or more) with
 * fields: %P port, %M MAC, %I integer (ifIndex), %A / %O admin / oper status ("down(2)",
 * "up"), %W word, %C cause and %* skipped text (each ends where the pattern's next literal
 * text first occurs, or at the end of the message). */
struct whb_link_msg_row {
    const char *id;     /* "ios-link-admin-down": names the row in tests and logs */
    const char *vendor; /* who sends it */
    const char *tag;    /* "%LINK-5-CHANGED", "SNMP_TRAP_LINK_DOWN", "ports", "kernel" */
    const char *pattern;
    enum whb_switch_kind kind;
    enum whb_if_status admin, oper; /* what the message implies; %A/%O override */
};

const struct whb_link_msg_row *whb_link_msg_rows(size_t *n);

/* Recognises a link message: fills ev's kind, port, ifindex, admin, oper, cause, mac, who and
 * text (the rest is the caller's) and returns the row, or NULL for any other message. A link
 * down that says the port is administratively down becomes WHB_SW_ADMIN_DOWN. */
const struct whb_link_msg_row *whb_link_msg_match(const struct whb_syslog *m,
                                                  struct whb_switch_event *ev);

#endif
