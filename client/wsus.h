/* The WSUS probe: can this machine reach its update server, and what does it answer? */
#ifndef WHB_WSUS_H
#define WHB_WSUS_H

#include "model.h"

/* GETs url with a timeout and fills out (status, curl error, latency); at_ms is set by the
 * caller's clock. A result class changes when reachability or the status class changes. */
void whb_wsus_probe(const char *url, long timeout_ms, const char *ca_file,
                    struct whb_wsus_result *out);

/* "ok", "http_503", "unreachable" ...: results in the same class need no event. */
void whb_wsus_class(const struct whb_wsus_result *r, char *buf, unsigned len);

#endif
