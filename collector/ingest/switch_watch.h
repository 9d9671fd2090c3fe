/* Asks the switches about machines as they go silent: a timer that lists the machines whose
 * silence began in the last WATCH_RECENT_MS and, for each one wired to a switch port the
 * collector has credentials for, has the port read by SNMP (the switch service rate-limits and
 * caches). A port that is still up with its link says "not the network" without waiting for
 * anyone to ask `whb why`. */
#ifndef WHB_INGEST_SWITCH_WATCH_H
#define WHB_INGEST_SWITCH_WATCH_H

struct event_base;
struct whb_store;
struct whb_switch_service;
struct whb_switch_watch;

/* Runs on base's thread with reader (a handle of that thread). */
struct whb_switch_watch *whb_switch_watch_start(struct event_base *base, struct whb_store *reader,
                                                struct whb_switch_service *svc);
void whb_switch_watch_stop(struct whb_switch_watch *w);

#endif
