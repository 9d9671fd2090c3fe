/* The ports as their switches last described them: one table on the switch thread, fed by
 * every event (trap, syslog, poll) and read for `whb port`, the faceplate and the engine.
 * Bounded: at most max_switches switches of at most max_ports ports each; what does not fit
 * is refused (WHB_EBUSY) and counted by the caller, never grown. */
#ifndef WHB_SWITCH_PORTS_H
#define WHB_SWITCH_PORTS_H

#include <stdint.h>

#include "event.h"
#include "port_name.h"

struct whb_switch_port {
    char name[WHB_SWITCH_PORT_MAX]; /* "" while only a trap's ifIndex names it */
    char key[WHB_PORT_KEY_MAX];     /* port_name.h */
    int32_t ifindex;                /* 0 while only syslog names it */
    enum whb_if_status admin, oper;
    int64_t changed_ms;    /* when oper entered its state (ifLastChange, or when heard) */
    int64_t heard_ms;      /* the switch's last word about this port */
    uint32_t state_uptime; /* sysUpTime of the word that set admin/oper (0: none said) */
    uint32_t speed_mbps, prev_speed_mbps; /* ifHighSpeed now, and before its last change */
    int64_t speed_changed_ms;
    int err_disabled;                 /* the switch disabled the port itself; until link up */
    char cause[WHB_SWITCH_CAUSE_MAX]; /* the err-disable cause */
    int64_t cause_ms;
    char violation_mac[18]; /* the last port-security violation: the MAC and when */
    int64_t violation_ms;
    char dot1x_mac[18]; /* the last failed 802.1X authentication: the client and when */
    int64_t dot1x_ms;
    char alias[WHB_SWITCH_NAME_MAX];
    enum whb_switch_kind last_kind;
    enum whb_switch_source last_source;
    char text[WHB_SWITCH_TEXT_MAX]; /* the switch's last words about it */
    int dead;                       /* merged into another entry (ifIndex and name met) */
    int64_t word_ms;  /* the last state the switch sent itself (trap, syslog), not read */
    int admin_unsure; /* its link went in a word that did not say whether the port was shut:
                         admin is what it was before, until something says it */
};

struct whb_switch_info {
    char name[WHB_SWITCH_NAME_MAX];
    int64_t heard_ms;                     /* its last word of any kind */
    int64_t answered_ms, no_answer_ms;    /* its last answer to a poll, its last silence */
    char config_who[WHB_SWITCH_NAME_MAX]; /* who last configured it, and when */
    int64_t config_ms;
    unsigned n_ports;
};

struct whb_switch_ports;

struct whb_switch_ports *whb_switch_ports_new(unsigned max_switches, unsigned max_ports);
void whb_switch_ports_free(struct whb_switch_ports *t);

/* Applies one event. Returns 1 when the port's (or switch's) state changed, 0 when the event
 * told nothing new or came too late to change it (a trap whose sysUpTime is older than what a
 * poll already read), WHB_EINVAL for an event that names neither switch nor port, or
 * WHB_EBUSY when the table is full. */
int whb_switch_ports_apply(struct whb_switch_ports *t, const struct whb_switch_event *ev);

/* Applies ev as the switch service does with every event: whb_switch_ports_apply, then copies
 * the port as it stands after it into *port (*have_port 1; 0 for an event about the switch as
 * a whole or one the table refused) and, for a trap that names the port by number only, puts
 * the port's name, when known, into ev->port. Returns what whb_switch_ports_apply returned. */
int whb_switch_ports_take(struct whb_switch_ports *t, struct whb_switch_event *ev,
                          struct whb_switch_port *port, int *have_port);

/* The port named port (any of its names) or, when port is NULL or "", numbered ifindex. */
const struct whb_switch_port *whb_switch_ports_get(const struct whb_switch_ports *t, const char *sw,
                                                   const char *port, int32_t ifindex);
const struct whb_switch_info *whb_switch_ports_switch(const struct whb_switch_ports *t,
                                                      const char *sw);

/* Calls cb for each live port of sw in the order first heard; returns how many. */
typedef void (*whb_switch_port_cb)(void *arg, const struct whb_switch_port *p);
unsigned whb_switch_ports_each(const struct whb_switch_ports *t, const char *sw,
                               whb_switch_port_cb cb, void *arg);

#endif
