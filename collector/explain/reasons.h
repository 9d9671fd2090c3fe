/* The reason catalog: why a computer "has not reported status", in the words of the WSUS
 * troubleshooting page where it has them, marked as ours where it does not. One table; the
 * engine, the API, the CLI and `whb explain` all read it. */
#ifndef WHB_REASONS_H
#define WHB_REASONS_H

enum whb_reason {
    WHB_REASON_REPORTING = 0,
    WHB_REASON_TURNED_OFF,
    WHB_REASON_LOST_CONNECTIVITY,
    WHB_REASON_CABLE_UNPLUGGED,
    WHB_REASON_FAULTY_ADAPTER,
    WHB_REASON_PORT_DISABLED,
    WHB_REASON_WIRELESS_ASSOCIATION,
    WHB_REASON_HIBERNATION,
    WHB_REASON_REMOVED,
    WHB_REASON_ADAPTER_DISABLED,
    WHB_REASON_SLEEP,
    WHB_REASON_WSUS_UNAVAILABLE,
    WHB_REASON_WSUS_UNREACHABLE,
    WHB_REASON_UPDATE_SERVICE_STOPPED,
    WHB_REASON_AGENT_STOPPED,
    WHB_REASON_AGENT_CRASHED,
    WHB_REASON_COLLECTOR_UNAVAILABLE,
    WHB_REASON_IDENTITY_REFUSED,
    WHB_REASON_NO_AGENT,
    WHB_REASON_UNKNOWN,
    /* The Windows Update client's own story (explain/rules_update.c). */
    WHB_REASON_UPDATE_CLIENT_ELSEWHERE,
    WHB_REASON_WSUS_POLICY_LOST,
    WHB_REASON_DUPLICATE_WSUS_IDENTITY,
    WHB_REASON_UPDATE_SCAN_FAILING,
    WHB_REASON_UPDATE_SERVICE_DISABLED,
    WHB_REASON_RESTART_PENDING,
    WHB_REASON_CLOCK_OFF,
    WHB_REASON_COUNT_
};

enum whb_audience { WHB_AUDIENCE_ADMIN, WHB_AUDIENCE_NETWORK, WHB_AUDIENCE_WSUS };

struct whb_reason_info {
    enum whb_reason reason;
    const char *id;         /* stable, for scripts: "cable_unplugged" */
    const char *term;       /* the documented wording, or ours */
    int documented;         /* 1: on the WSUS troubleshooting page */
    enum whb_reason parent; /* the four network causes sit under lost connectivity */
    enum whb_audience audience;
    const char *next_step; /* what to do; the engine adds the specifics */
};

const struct whb_reason_info *whb_reason_info(enum whb_reason r);
/* By stable id; NULL when unknown. */
const struct whb_reason_info *whb_reason_by_id(const char *id);

#endif
