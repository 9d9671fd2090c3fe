/* Names for switches that only a [switch-range] section covers: the name the machines behind a
 * switch give it (their LLDP system name) beside its LLDP management address, so that a trap or
 * a syslog line from 10.20.5.9 is about "sw-floor-3" and meets the machines on its ports. A
 * store handle of its own behind a lock (the switch service asks from two threads), and a
 * small cache: a flood from one switch costs no query per message. */
#ifndef WHB_INGEST_SWITCH_NAMES_H
#define WHB_INGEST_SWITCH_NAMES_H

#include <stddef.h>
#include <sys/socket.h>

#include "config.h"

struct whb_switch_names;

int whb_switch_names_open(const struct whb_collector_config *cfg, struct whb_switch_names **out,
                          char *why, size_t whylen);
void whb_switch_names_close(struct whb_switch_names *n);

/* A whb_switch_namer (switch/switch.h): arg is the whb_switch_names. */
int whb_switch_names_lookup(void *arg, const struct sockaddr *addr, char *name, size_t len);

#endif
