/* What a switch said about one of its ports, whichever way it said it (trap, syslog, poll):
 * the one shape the receivers produce and the port table, the store and the engine read. */
#ifndef WHB_SWITCH_EVENT_H
#define WHB_SWITCH_EVENT_H

#include <stddef.h>
#include <stdint.h>

/* IF-MIB's values (RFC 2863): 0 where the switch did not say. */
enum whb_if_status {
    WHB_IF_UNKNOWN = 0,
    WHB_IF_UP = 1,
    WHB_IF_DOWN = 2,
    WHB_IF_TESTING = 3,
    WHB_IF_OPER_UNKNOWN = 4,
    WHB_IF_DORMANT = 5,
    WHB_IF_NOT_PRESENT = 6,
    WHB_IF_LOWER_LAYER_DOWN = 7,
};

#define WHB_SWITCH_KINDS(X)                                                                        \
    X(LINK_DOWN, "link_down")         /* the port lost its link (admin as said, or unknown) */     \
    X(LINK_UP, "link_up")             /* the port has its link */                                  \
    X(ADMIN_DOWN, "admin_down")       /* shut by an operator */                                    \
    X(ERR_DISABLED, "err_disabled")   /* the switch disabled the port itself (cause) */            \
    X(ERR_RECOVER, "err_recover")     /* it tries the err-disabled port again */                   \
    X(PORT_SECURITY, "port_security") /* a port-security violation (mac) */                        \
    X(DOT1X_FAIL, "dot1x_fail")       /* wired 802.1X authentication failed (mac) */               \
    X(CONFIG, "config")               /* someone changed the configuration (who) */                \
    X(POLL, "poll")                   /* the port's state as read by SNMP */                       \
    X(NO_ANSWER, "no_answer")         /* the switch did not answer a poll */

enum whb_switch_kind {
    WHB_SW_NONE = 0,
#define WHB_SW_ENUM_(name, text) WHB_SW_##name,
    WHB_SWITCH_KINDS(WHB_SW_ENUM_)
#undef WHB_SW_ENUM_
        WHB_SW_KIND_COUNT_
};

enum whb_switch_source { WHB_SWSRC_SYSLOG = 1, WHB_SWSRC_TRAP, WHB_SWSRC_POLL };

#define WHB_SWITCH_NAME_MAX  64
#define WHB_SWITCH_PORT_MAX  64
#define WHB_SWITCH_CAUSE_MAX 48
#define WHB_SWITCH_TEXT_MAX  240

struct whb_switch_event {
    enum whb_switch_kind kind;
    enum whb_switch_source source;
    char sw[WHB_SWITCH_NAME_MAX];     /* the switch as configured, or as it names itself */
    char port[WHB_SWITCH_PORT_MAX];   /* as the switch names it: "GigabitEthernet1/0/3" */
    int32_t ifindex;                  /* 0: not said */
    enum whb_if_status admin, oper;   /* as said; WHB_IF_UNKNOWN where not */
    int64_t at_ms;                    /* when the collector heard it (its own clock) */
    int64_t since_ms;                 /* poll: when the port entered its oper state (0: ?) */
    uint32_t uptime_cs;               /* trap, poll: the switch's sysUpTime (0: not said) */
    uint32_t speed_mbps;              /* poll: ifHighSpeed (0: not said) */
    char cause[WHB_SWITCH_CAUSE_MAX]; /* err-disable cause: "psecure-violation", "bpduguard" */
    char mac[18];                     /* a client's MAC, "00:13:1a:41:54:4e", where said */
    char who[WHB_SWITCH_NAME_MAX];    /* CONFIG: the user who configured */
    char alias[WHB_SWITCH_NAME_MAX];  /* poll: ifAlias, the operator's description */
    char text[WHB_SWITCH_TEXT_MAX];   /* the switch's own words, printable ASCII only */
};

const char *whb_switch_kind_name(enum whb_switch_kind k);
/* The kind a name stands for (as stored); WHB_SW_NONE for none. */
enum whb_switch_kind whb_switch_kind_by_name(const char *name);
/* "syslog", "trap", "poll". */
const char *whb_switch_source_name(enum whb_switch_source s);
enum whb_switch_source whb_switch_source_by_name(const char *name); /* 0 for none */
/* "up", "down", "testing", "unknown", "dormant", "notPresent", "lowerLayerDown"; "" for 0. */
const char *whb_if_status_name(enum whb_if_status s);

/* Copies at most outlen - 1 bytes of in[0..n) into out: printable ASCII kept, anything else
 * (control bytes, UTF-8) as '?', so that nothing a switch sends can reach a terminal or a log
 * line as anything but text. */
void whb_switch_text(char *out, size_t outlen, const char *in, size_t n);

/* Writes a MAC in the form 00:13:1a:41:54:4e from Cisco's 0013.1a41.544e, 00-13-1A-..., or
 * colons; returns 0, or WHB_EINVAL when in is not a MAC. */
int whb_switch_mac(const char *in, size_t n, char out[18]);

#endif
