/* Which switches the collector listens to and polls, and with which credentials: the
 * [switches] section (listeners, limits) and one [switch NAME] section per switch or
 * [switch-range CIDR] per address range, in the collector's configuration file or in the
 * files its "credentials" settings name. Secrets are taken from files only, never from the
 * command line; SNMPv3 authPriv is the default, v2c only where a section says so. */
#ifndef WHB_SWITCH_CONFIG_H
#define WHB_SWITCH_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define WHB_SWITCHES_MAX  4096 /* [switch] and [switch-range] sections */
#define WHB_SWITCH_SECRET 128

struct whb_switch_cred {
    char name[64];    /* [switch NAME]; "" for a range, whose devices are named as they say */
    char section[96]; /* "switch sw-access-1", for messages */
    uint8_t net[16];  /* IPv4 as IPv4-mapped IPv6 */
    unsigned prefix;  /* of net, in IPv6 bits: 128 for one address */
    char address[64]; /* as written: "10.20.0.11", "10.20.0.0/16" */
    unsigned snmp_port;
    int version; /* 3, or 2 for v2c (which accepts v1 traps too) */
    char community[WHB_SWITCH_SECRET];
    char user[64];
    char auth[16]; /* "SHA" (SHA-1), "SHA-224" ... "SHA-512" */
    char auth_pass[WHB_SWITCH_SECRET];
    char priv[16]; /* "AES" (AES-128), "AES-192", "AES-256" */
    char priv_pass[WHB_SWITCH_SECRET];
    char engine_id[72]; /* hex "0x8000..."; needed to accept its v3 traps (not informs) */
    int poll;           /* read the port's state by SNMP when asked */
    int syslog;         /* accept its syslog */
};

struct whb_switch_config {
    struct whb_switch_cred *creds; /* owned; whb_switch_config_free */
    unsigned n;
    char syslog_udp[80]; /* "host:port"; "" off */
    char syslog_tcp[80];
    char syslog_tls[80];      /* RFC 5425 with the collector's certificate */
    char snmp_traps[80];      /* "host:port" for traps and informs; "" off */
    char engine_id[72];       /* the collector's own, for informs; "" net-snmp's default */
    unsigned rate;            /* link messages and traps kept per second per switch (its
                                 syslog is read up to 50 times that, 20,000 at least) */
    unsigned burst;           /* and the burst above it */
    unsigned max_tcp;         /* syslog TCP/TLS connections */
    unsigned poll_timeout_ms; /* per request, and one retry */
    unsigned poll_rate;       /* polls per second per switch */
    unsigned cache_ms;        /* a port read this recently is not read again */
    unsigned max_ports;       /* per switch */
};

void whb_switch_config_defaults(struct whb_switch_config *c);
void whb_switch_config_free(struct whb_switch_config *c);

/* Whether section belongs to the switches: "switches", "switch NAME", "switch-range CIDR". */
int whb_switch_config_section(const char *section);

/* Applies one setting of such a section (from a file; "credentials = FILE" in [switches]
 * loads FILE's sections too). Returns 0, or WHB_EINVAL with why. */
int whb_switch_config_set(struct whb_switch_config *c, const char *section, const char *key,
                          const char *value, char *why, size_t whylen);

/* Loads the [switch*] sections of an INI file (what "credentials" names). */
int whb_switch_config_load(struct whb_switch_config *c, const char *path, char *why, size_t whylen);

/* Checks every section: v3 needs a user and both passphrases (8 characters at least), v2c a
 * community; listeners need switches to listen to. */
int whb_switch_config_check(const struct whb_switch_config *c, char *why, size_t whylen);

/* The section that covers addr: a [switch] whose address it is, else the longest
 * [switch-range] that holds it; NULL for a device nobody configured. */
const struct whb_switch_cred *whb_switch_config_match(const struct whb_switch_config *c,
                                                      const struct sockaddr *addr);

/* The [switch] section named name, or NULL. */
const struct whb_switch_cred *whb_switch_config_find(const struct whb_switch_config *c,
                                                     const char *name);

#endif
