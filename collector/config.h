/* whb-collector configuration: defaults, the INI file (libinih), then command-line flags. */
#ifndef WHB_COLLECTOR_CONFIG_H
#define WHB_COLLECTOR_CONFIG_H

#include <stddef.h>

#include "log.h"
#include "switch/switch_config.h"

enum whb_identity_mode {
    WHB_IDENTITY_KEY = 0, /* enrollment token once, then the machine's own key (TOFU) */
    WHB_IDENTITY_MTLS,    /* verified client certificate names the report's FQDN */
};

/* Which new machines may enroll with the token (key mode). */
enum whb_enroll_rule {
    WHB_ENROLL_ANY = 0,      /* any name not bound to another machine */
    WHB_ENROLL_WSUS_NAME,    /* names on WSUS's imported list */
    WHB_ENROLL_WSUS_NAME_IP, /* names on the list, from the address WSUS has for them */
};

#define WHB_CONFIG_PATH_MAX 512

struct whb_collector_config {
    char listen_host[128]; /* address to bind; "0.0.0.0" for all */
    unsigned port;
    int tls; /* 0 only when plain HTTP is asked for explicitly */
    char cert[WHB_CONFIG_PATH_MAX];
    char key[WHB_CONFIG_PATH_MAX];
    char client_ca[WHB_CONFIG_PATH_MAX];
    enum whb_identity_mode identity;
    char enrollment_token[256]; /* read from enrollment_token_file, never logged */
    char admin_token[256];      /* read from admin_token_file: everything (docs/security.md) */
    char read_token[256];       /* read_token_file: the read API and console, read-only */
    char upload_token[256];     /* upload_token_file: POST /v1/wsus/import only (the task) */
    int trust_loopback;         /* loopback callers are admins: demos only, never by default */
    char control_socket[108];   /* Unix socket for whb on this host ("" none): admin by file
                                 * permissions, 0600 or 0660 for control_group */
    char control_group[64];
    char names[512];    /* the collector's other names (a proxy's, a CNAME) for the Host check */
    size_t max_body;    /* bytes; larger bodies get 413 */
    unsigned timeout_s; /* a whole request must arrive within this; idle closed too */
    unsigned max_connections;            /* open connections; beyond: accepted and closed at once */
    unsigned max_connections_per_source; /* of those, from one address */
    int metrics_public;                  /* /metrics and /healthz answer any caller */
    unsigned max_pending;                /* reports waiting for commit before 503 */
    unsigned loops;     /* event loops (threads) accepting and answering; 0: one per CPU, up to 8 */
    unsigned batch_max; /* reports per group commit */
    char db_path[WHB_CONFIG_PATH_MAX];
    char db_group[64];      /* group that may read the database files (0640); "" for 0600 */
    int db_postgresql;      /* [store] backend = postgresql: db_conninfo, not db_path */
    char db_conninfo[1024]; /* libpq conninfo or postgresql:// URL, never with a password */
    char collector_id[64];  /* this collector among those sharing a database (hostname) */
    unsigned interval_s;    /* heartbeat interval asked of agents */
    unsigned grace;         /* silent after grace x interval without a report */
    int to_syslog;
    enum whb_log_level log_level;
    /* WSUS's "has not reported" after this many days without status. */
    unsigned wsus_not_reported_days;
    /* The switches: [switches], [switch NAME], [switch-range CIDR] (from files only: they
     * hold credentials). Its sections are owned here: whb_config_free. */
    struct whb_switch_config switches;
    /* Enrollment in key mode (docs/security.md): new machines per source address and minute
     * (a burst of as many), and whether only computers on WSUS's imported list may enroll. */
    unsigned enroll_per_minute;
    enum whb_enroll_rule enroll_rule;
    /* What one machine may store: events per hour (a burst of events_burst), and events
     * kept (the oldest go first beyond it). */
    unsigned events_per_hour, events_burst, events_kept;
};

void whb_config_defaults(struct whb_collector_config *cfg);
/* Frees what loading allocated (the switches' sections). */
void whb_config_free(struct whb_collector_config *cfg);

/* Loads an INI file over cfg; on error writes "file:line: cause" into why. */
int whb_config_load(struct whb_collector_config *cfg, const char *path, char *why, size_t whylen);

/* Applies one "section.key = value" setting (also used for flags). */
int whb_config_set(struct whb_collector_config *cfg, const char *section, const char *key,
                   const char *value, char *why, size_t whylen);

/* Checks the combination (files present for TLS, token for key mode...). */
int whb_config_check(const struct whb_collector_config *cfg, char *why, size_t whylen);

/* Refuses a libpq conninfo or URL that carries a password (it belongs in a passfile). */
int whb_config_conninfo_check(const char *conninfo, char *why, size_t whylen);

/* Reads a one-line secret from a file into out (its line end removed): WHB_EIO when the file
 * cannot be read, WHB_EINVAL when the line is empty, WHB_ETOOBIG when it does not fit in out
 * (a secret cut short would match nothing its holders present). */
int whb_config_read_secret(const char *path, char *out, size_t outlen);

#endif
