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
    char admin_token[256];      /* read from admin_token_file; guards the read API */
    size_t max_body;            /* bytes; larger bodies get 413 */
    unsigned timeout_s;         /* a whole request must arrive within this; idle closed too */
    unsigned max_connections;   /* open connections; beyond: accepted and closed at once */
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
