/* What the agent knows of its machine, independent of the OS: the platform backends fill it,
 * the core diffs it and turns it into wire messages. Fixed-size so that the agent's memory is
 * bounded and a snapshot never allocates. */
#ifndef WHB_MODEL_H
#define WHB_MODEL_H

#include <stdint.h>

#define WHB_MAX_ADAPTERS 16
#define WHB_MAX_ADDRS    8
#define WHB_NAME_LEN     64
#define WHB_ADDR_LEN     50 /* an IPv6 address with prefix */
#define WHB_MAC_LEN      18
#define WHB_TEXT_LEN     128

enum whb_adapter_type {
    WHB_ADAPTER_UNKNOWN = 0,
    WHB_ADAPTER_ETHERNET,
    WHB_ADAPTER_WIRELESS,
    WHB_ADAPTER_OTHER
};

/* Values follow the wire's OperState (RFC 2863). */
enum whb_oper {
    WHB_OPER_UNKNOWN = 0,
    WHB_OPER_UP,
    WHB_OPER_DOWN,
    WHB_OPER_LOWER_LAYER_DOWN,
    WHB_OPER_DORMANT,
    WHB_OPER_NOT_PRESENT,
    WHB_OPER_TESTING
};

struct whb_counters {
    uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped, rx_crc_errors, rx_frame_errors;
    uint64_t carrier_changes;
};

struct whb_wifi {
    int associated;
    char ssid[33 * 4]; /* 32 octets, escaped when not printable */
    char bssid[WHB_MAC_LEN];
    int signal_dbm;
};

struct whb_lldp {
    char chassis_id[WHB_TEXT_LEN];
    char port_id[WHB_TEXT_LEN];
    char system_name[WHB_TEXT_LEN];
    char port_description[WHB_TEXT_LEN];
    char mgmt_address[48]; /* the switch's management address (IPv4 or IPv6), "" if none */
};

struct whb_adapter_state {
    char name[WHB_NAME_LEN];
    int ifindex;
    enum whb_adapter_type type;
    char mac[WHB_MAC_LEN];
    int admin_up;
    enum whb_oper oper;
    int carrier;
    uint64_t speed_mbps;
    uint32_t mtu;
    char addrs[WHB_MAX_ADDRS][WHB_ADDR_LEN];
    int n_addrs;
    char gateway[WHB_ADDR_LEN];
    char gateway_mac[WHB_MAC_LEN];
    struct whb_counters counters;
    struct whb_wifi wifi;
    struct whb_lldp lldp;
    int device_problem;
};

enum whb_power_source { WHB_POWER_UNKNOWN = 0, WHB_POWER_AC, WHB_POWER_BATTERY };

struct whb_wsus_result {
    char url[256];
    int64_t at_ms; /* 0: never probed */
    unsigned http_status;
    int curl_code;
    char error[WHB_TEXT_LEN];
    unsigned latency_ms;
    int service_known, service_running;
};

/* The Windows Update client's own state (wire: UpdateClient; the enums' values are the
 * wire's). Read, never changed. known = 0 where there is none (Linux): nothing is sent. */
#define WHB_WU_URL_LEN      256
#define WHB_WU_GUID_LEN     40 /* "{3da21691-e39d-4da6-8a4b-b43877bcb1b7}" and its NUL */
#define WHB_WU_DETAIL_LEN   96
#define WHB_WU_MAX_LOG      16
#define WHB_WU_MAX_SERVICES 4
#define WHB_WU_CLASSES      4 /* feature, quality, driver, other updates */

enum whb_wu_flag { WHB_WU_NOT_SET = 0, WHB_WU_OFF = 1, WHB_WU_ON = 2 };
enum whb_wu_source { WHB_WU_SOURCE_NOT_SET = 0, WHB_WU_SOURCE_WU = 1, WHB_WU_SOURCE_WSUS = 2 };
enum whb_start_type {
    WHB_START_UNKNOWN = 0,
    WHB_START_AUTO = 1,
    WHB_START_AUTO_DELAYED = 2,
    WHB_START_MANUAL = 3,
    WHB_START_DISABLED = 4,
    WHB_START_NOT_INSTALLED = 5,
    WHB_START_SYSTEM = 6
};

/* The newest event of one id for one update service in the client's logs. */
struct whb_wu_log_event {
    uint32_t event_id;
    int64_t at_ms;
    uint32_t error_code;
    char service_id[WHB_WU_GUID_LEN];
    char detail[WHB_WU_DETAIL_LEN];
};

struct whb_wu_service {
    char name[16];
    enum whb_start_type start_type;
    int running;
};

struct whb_wu_state {
    int known;
    /* Policy (Group Policy's registry key and its AU key) */
    char wu_server[WHB_WU_URL_LEN], wu_status_server[WHB_WU_URL_LEN];
    char target_group[WHB_TEXT_LEN];
    enum whb_wu_flag target_group_enabled, use_wu_server, no_auto_update, do_not_connect,
        disable_dual_scan, deferral_policy, use_class_source;
    unsigned detection_frequency_h;
    enum whb_wu_source policy_source[WHB_WU_CLASSES];
    /* What Windows applies (UpdatePolicy\PolicyState) */
    int policy_state_read;
    enum whb_wu_source effective_source[WHB_WU_CLASSES];
    enum whb_wu_flag dual_scan_active, deferral_active;
    /* MDM (PolicyManager\current\device\Update) */
    unsigned mdm_settings;
    char mdm_service_url[WHB_WU_URL_LEN];
    enum whb_wu_source mdm_source[WHB_WU_CLASSES];
    /* Identity at WSUS */
    char sus_client_id[WHB_WU_GUID_LEN];
    int sus_validation, sus_malformed;
    /* Its logs */
    int log_read;
    struct whb_wu_log_event log[WHB_WU_MAX_LOG];
    int n_log;
    int restart_pending;
    struct whb_wu_service services[WHB_WU_MAX_SERVICES];
    int n_services;
};

struct whb_state {
    enum whb_power_source power;
    struct whb_adapter_state adapters[WHB_MAX_ADAPTERS];
    int n_adapters;
    struct whb_wsus_result wsus;
    struct whb_wu_state wu;
};

/* Who this machine is. */
struct whb_identity {
    char machine_id[65];
    char fqdn[254];
    char domain[254];
    char os[WHB_TEXT_LEN];
    char boot_id[65];
};

/* Event kinds are the wire's EventKind numbers. */
struct whb_agent_event {
    int kind;
    int64_t at_ms;
    char adapter[WHB_NAME_LEN];
    uint32_t reason_code;
    char detail[WHB_TEXT_LEN * 2];
    int64_t since_ms;
    uint32_t http_status;
    int32_t curl_code;
};

/* Finds an adapter by name; NULL when absent. */
const struct whb_adapter_state *whb_model_find(const struct whb_state *s, const char *name);

#endif
