/* Windows Update client error codes in Microsoft's documented words, with the documented
 * mitigation where Microsoft gives one, and the page each comes from. Data, not code: one
 * table (wu_errors.c) that the engine's rules and the answers read. */
#ifndef WHB_EXPLAIN_WU_ERRORS_H
#define WHB_EXPLAIN_WU_ERRORS_H

#include <stdint.h>

/* What a code says about where the trouble is: the rules weigh it against what the agent
 * itself saw (its own probe of the WSUS URL, the policy, the services). */
enum whb_wu_err_class {
    WHB_WU_ERR_OTHER = 0,
    WHB_WU_ERR_NETWORK, /* the update source cannot be reached: name, route, time-out */
    WHB_WU_ERR_PROXY,   /* a proxy between the client and its update source */
    WHB_WU_ERR_SERVER,  /* the update server answered with an error (HTTP, SOAP) */
    WHB_WU_ERR_TLS,     /* TLS or certificates */
    WHB_WU_ERR_POLICY,  /* configuration or policy stops or redirects the scan */
    WHB_WU_ERR_SERVICE, /* a service the client needs does not run */
    WHB_WU_ERR_CLIENT,  /* the client's own state: data store, metadata, components */
};

/* The pages the words come from. */
enum whb_wu_err_source {
    WHB_WU_SRC_ERROR_REFERENCE = 0, /* Windows Update error codes by component */
    WHB_WU_SRC_COMMON_ERRORS,       /* Windows Update common errors and mitigation */
    WHB_WU_SRC_SCAN_FAILURES,       /* Troubleshoot software update scan failures */
    WHB_WU_SRC_WSUS_CONNECTION,     /* How to troubleshoot WSUS connection failures */
    WHB_WU_SRC_WSUS_CLIENTS,        /* Troubleshoot issues with WSUS client agents */
    WHB_WU_SRC_WUERROR_H,           /* the Windows SDK's wuerror.h */
    WHB_WU_SRC_WINERROR_H,          /* the Windows SDK's winerror.h / wininet.h */
    WHB_WU_SRC_GP_SETTINGS,         /* Configure Group Policy settings for Automatic Updates */
    WHB_WU_SRC_WSUS_MESSAGES,       /* WSUS Messages and Troubleshooting Tips */
    WHB_WU_SRC_COUNT
};

struct whb_wu_error {
    uint32_t code;
    const char *name;       /* Microsoft's symbol, e.g. WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT */
    const char *words;      /* Microsoft's description */
    const char *mitigation; /* Microsoft's documented mitigation; NULL: none documented */
    enum whb_wu_err_class cls;
    enum whb_wu_err_source words_from, fix_from;
};

/* The entry for code; NULL when Microsoft's pages do not list it. */
const struct whb_wu_error *whb_wu_error_find(uint32_t code);

/* The page's title and address. */
const char *whb_wu_error_source_title(enum whb_wu_err_source s);
const char *whb_wu_error_source_url(enum whb_wu_err_source s);

/* The whole table, for listings and tests. */
const struct whb_wu_error *whb_wu_error_table(unsigned *n);

#endif
