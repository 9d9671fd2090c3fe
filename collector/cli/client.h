/* The CLI's side of the read API: GET or POST with libcurl (one connection kept alive across
 * calls), JSON back with jansson; transport failures in words that say what to change. */
#ifndef WHB_CLI_CLIENT_H
#define WHB_CLI_CLIENT_H

#include <jansson.h>

struct whb_cli {
    const char *url;    /* collector base URL, e.g. https://whb.corp.example:8443 */
    const char *ca;     /* CA file for the collector's certificate; NULL: the system's store */
    const char *socket; /* the collector's control socket (on its host); NULL: url */
    char token[256];    /* admin, read or upload token; "" on the control socket */
    void *curl;         /* the connection, reused */
};

/* Returns the decoded document and the HTTP status; NULL with why when the collector could not
 * be reached or did not answer JSON. */
json_t *whb_cli_call(struct whb_cli *c, const char *method, const char *path, const char *body,
                     long *status, char *why, size_t whylen);

void whb_cli_close(struct whb_cli *c);

#endif
