/* The agent's settings: one table gives each its INI key (and --flag), its Group Policy value
 * name under HKLM\SOFTWARE\Policies\whb\Agent, its type, bounds, default and help. The INI
 * reader, the flag parser, --help, the Windows policy reader and the ADMX check all read it. */
#ifndef WHB_SETTINGS_H
#define WHB_SETTINGS_H

#include <stddef.h>

#define WHB_POLICY_KEY "SOFTWARE\\Policies\\whb\\Agent"

struct whb_agent_config {
    char collector_url[512];
    char collector_urls[2048]; /* more collectors, in order: spaces or commas between */
    unsigned collector_failback_s;
    unsigned interval_s;
    char wsus_url[512];
    unsigned wsus_interval_s;
    char identity[8]; /* key | mtls */
    char enrollment_token[256];
    char ca_file[512];
    char client_cert[512];
    char client_key[512];
    unsigned spool_max;
    char log_level[8];
    char state_dir[512];
    char fqdn[254];
    char machine_id[65];
    char platform[16]; /* native | replay */
    char replay_file[512];
    unsigned allow_plain_http;
    char control_socket[512];
    char event_log[512];          /* tests/soak: every created event, one line each */
    char update_events_file[512]; /* Windows tests: recorded update client events */
    void *service;                /* not a setting: the Windows service bridge, when a service */
    int look_only;                /* not a setting: --once, which must write nothing */
};

enum whb_setting_type {
    WHB_SETTING_TEXT,
    WHB_SETTING_UINT,
    WHB_SETTING_CHOICE,
    WHB_SETTING_LIST, /* words separated by spaces or commas; a REG_MULTI_SZ policy */
};

struct whb_setting {
    const char *key;    /* INI key in [agent]; the flag is --key with '_' as '-' */
    const char *policy; /* registry value name, NULL when not set by Group Policy */
    enum whb_setting_type type;
    size_t offset, size;
    unsigned min, max;   /* UINT bounds */
    const char *choices; /* CHOICE: "a|b" */
    const char *def;
    const char *help;
};

extern const struct whb_setting whb_settings[];
extern const size_t whb_settings_count;

const struct whb_setting *whb_setting_find(const char *key);
void whb_settings_defaults(struct whb_agent_config *cfg);
/* Sets one value from text (INI, flag or policy); writes a cause into why on error. */
int whb_setting_set(struct whb_agent_config *cfg, const struct whb_setting *s, const char *value,
                    char *why, size_t whylen);
/* Adds words to a LIST setting (a flag given several times); other types are set. */
int whb_setting_append(struct whb_agent_config *cfg, const struct whb_setting *s, const char *value,
                       char *why, size_t whylen);
/* Loads [agent] from an INI file. */
int whb_settings_load(struct whb_agent_config *cfg, const char *path, char *why, size_t whylen);

#endif
