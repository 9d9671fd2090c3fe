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

struct whb_state {
    enum whb_power_source power;
    struct whb_adapter_state adapters[WHB_MAX_ADAPTERS];
    int n_adapters;
    struct whb_wsus_result wsus;
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
