/* Implementation of settings.h. */
#include "settings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define F(field)                                                                                   \
    offsetof(struct whb_agent_config, field), sizeof(((struct whb_agent_config *)0)->field)

const struct whb_setting whb_settings[] = {
    {"collector_url", "CollectorUrl", WHB_SETTING_TEXT, F(collector_url), 0, 0, NULL, "",
     "URL the agent reports to, e.g. https://whb.corp.example:8443/v1/report (flag given "
     "again: the next collectors)"},
    {"collector_urls", "CollectorUrls", WHB_SETTING_LIST, F(collector_urls), 0, 0, NULL, "",
     "More collectors, in order (spaces or commas between): the next after 3 unanswered sends"},
    {"collector_failback", "CollectorFailbackSeconds", WHB_SETTING_UINT, F(collector_failback_s), 5,
     86400, NULL, "300", "Once moved away, seconds between tries of the more preferred collectors"},
    {"interval", "HeartbeatIntervalSeconds", WHB_SETTING_UINT, F(interval_s), 1, 86400, NULL, "60",
     "Seconds between heartbeats (the collector's ack may change it)"},
    {"wsus_url", "WsusProbeUrl", WHB_SETTING_TEXT, F(wsus_url), 0, 0, NULL, "",
     "WSUS URL to probe; empty: the WUServer policy on Windows, no probe elsewhere"},
    {"wsus_interval", "WsusProbeIntervalSeconds", WHB_SETTING_UINT, F(wsus_interval_s), 5, 86400,
     NULL, "900", "Seconds between WSUS probes (also probed after a network change)"},
    {"identity", "IdentityMode", WHB_SETTING_CHOICE, F(identity), 0, 0, "key|mtls", "key",
     "key: enrollment token once, then the machine's own key; mtls: client certificate"},
    {"enrollment_token", "EnrollmentToken", WHB_SETTING_TEXT, F(enrollment_token), 0, 0, NULL, "",
     "Token presented once to enroll this machine (key mode)"},
    {"ca_file", "CaFile", WHB_SETTING_TEXT, F(ca_file), 0, 0, NULL, "",
     "PEM file of CAs trusted for the collector; empty: the system store"},
    {"client_cert", "ClientCertificate", WHB_SETTING_TEXT, F(client_cert), 0, 0, NULL, "",
     "mtls: client certificate (PEM path; on Windows the machine store subject)"},
    {"client_key", NULL, WHB_SETTING_TEXT, F(client_key), 0, 0, NULL, "",
     "mtls: private key of the client certificate (PEM path)"},
    {"spool_max", "SpoolMaxBytes", WHB_SETTING_UINT, F(spool_max), 65536, 67108864, NULL, "4194304",
     "Bytes the on-disk spool may hold while the collector is unreachable"},
    {"log_level", "LogLevel", WHB_SETTING_CHOICE, F(log_level), 0, 0, "error|warn|info|debug",
     "info", "Log detail"},
    {"state_dir", NULL, WHB_SETTING_TEXT, F(state_dir), 0, 0, NULL, "/var/lib/whb-agent",
     "Directory for the spool, the machine key and the run marker"},
    {"fqdn", NULL, WHB_SETTING_TEXT, F(fqdn), 0, 0, NULL, "",
     "Override the machine's fully qualified name"},
    {"machine_id", NULL, WHB_SETTING_TEXT, F(machine_id), 0, 0, NULL, "",
     "Override the machine id (default /etc/machine-id; MachineGuid on Windows)"},
    {"platform", NULL, WHB_SETTING_CHOICE, F(platform), 0, 0, "native|replay", "native",
     "native: observe this machine; replay: play a recorded scenario (tests, demos)"},
    {"replay_file", NULL, WHB_SETTING_TEXT, F(replay_file), 0, 0, NULL, "",
     "Scenario file for platform = replay"},
    {"allow_plain_http", NULL, WHB_SETTING_UINT, F(allow_plain_http), 0, 1, NULL, "0",
     "1 to allow an http:// collector URL (loopback demos only)"},
    {"control_socket", NULL, WHB_SETTING_TEXT, F(control_socket), 0, 0, NULL, "",
     "Local socket for the sleep hook; default: <state_dir>/control"},
    {"event_log", NULL, WHB_SETTING_TEXT, F(event_log), 0, 0, NULL, "",
     "Append '<boot> <seq> <kind>' for every event created (fault soak); empty: off"},
    {"update_events_file", NULL, WHB_SETTING_TEXT, F(update_events_file), 0, 0, NULL, "",
     "Windows: the Windows Update client's events read from this file (rendered event XML, one "
     "a line, appended to while running) instead of the event log: for tests where there is "
     "none (wine)"},
};

const size_t whb_settings_count = sizeof(whb_settings) / sizeof(whb_settings[0]);

const struct whb_setting *whb_setting_find(const char *key)
{
    for (size_t i = 0; i < whb_settings_count; i++)
        if (strcmp(whb_settings[i].key, key) == 0)
            return &whb_settings[i];
    return NULL;
}

int whb_setting_set(struct whb_agent_config *cfg, const struct whb_setting *s, const char *value,
                    char *why, size_t whylen)
{
    char *field = (char *)cfg + s->offset;
    if (s->type == WHB_SETTING_UINT) {
        char *end;
        errno = 0;
        unsigned long n = strtoul(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-' || n < s->min || n > s->max) {
            snprintf(why, whylen, "%s: '%s' is not a number in %u..%u", s->key, value, s->min,
                     s->max);
            return WHB_EINVAL;
        }
        *(unsigned *)field = (unsigned)n;
        return 0;
    }
    if (s->type == WHB_SETTING_CHOICE) {
        size_t n = strlen(value);
        const char *c = s->choices;
        int found = 0;
        while (c && *c && !found) {
            size_t len = strcspn(c, "|");
            found = len == n && strncmp(c, value, n) == 0;
            c += len + (c[len] == '|');
        }
        if (!found) {
            snprintf(why, whylen, "%s: '%s' is not one of %s", s->key, value, s->choices);
            return WHB_EINVAL;
        }
    }
    if (strlen(value) >= s->size) {
        snprintf(why, whylen, "%s: value too long (max %zu)", s->key, s->size - 1);
        return WHB_EINVAL;
    }
    memcpy(field, value, strlen(value) + 1);
    return 0;
}

int whb_setting_append(struct whb_agent_config *cfg, const struct whb_setting *s, const char *value,
                       char *why, size_t whylen)
{
    char *field = (char *)cfg + s->offset;
    size_t have = strlen(field), add = strlen(value);
    if (s->type != WHB_SETTING_LIST || !have)
        return whb_setting_set(cfg, s, value, why, whylen);
    if (have + 1 + add >= s->size) {
        snprintf(why, whylen, "%s: value too long (max %zu)", s->key, s->size - 1);
        return WHB_EINVAL;
    }
    field[have] = ' ';
    memcpy(field + have + 1, value, add + 1);
    return 0;
}

void whb_settings_defaults(struct whb_agent_config *cfg)
{
    char why[128];
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < whb_settings_count; i++)
        whb_setting_set(cfg, &whb_settings[i], whb_settings[i].def, why, sizeof(why));
}
