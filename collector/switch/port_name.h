/* One port, many names: a Cisco switch says "GigabitEthernet1/0/3" in one syslog line and
 * "Gi1/0/3" in the next, its ifName is "Gi1/0/3", its ifDescr and LLDP port description the
 * long form; NX-OS and Arista say "Ethernet1/3", "Eth1/3" and "Et3". A port key makes them
 * compare equal. */
#ifndef WHB_SWITCH_PORT_NAME_H
#define WHB_SWITCH_PORT_NAME_H

#include <stddef.h>

#define WHB_PORT_KEY_MAX 64

/* Writes name's key into key (lower case; a known interface-type prefix, long or abbreviated,
 * replaced by its short form; spaces dropped). Returns 0, or WHB_EINVAL when the name is empty
 * or does not fit. */
int whb_port_key(const char *name, char key[WHB_PORT_KEY_MAX]);

/* Whether a and b name the same port. */
int whb_port_same(const char *a, const char *b);

#endif
