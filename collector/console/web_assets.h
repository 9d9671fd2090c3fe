/* The console's files, carried in the binary: the table cmake/embed_web.cmake generates from
 * collector/web/ at build time. */
#ifndef WHB_WEB_ASSETS_H
#define WHB_WEB_ASSETS_H

#include <stddef.h>

struct whb_web_asset {
    const char *path; /* "/index.html" */
    const char *type; /* Content-Type */
    const unsigned char *bytes;
    size_t len;
    const char *etag; /* quoted, from the file's SHA-256 */
};

extern const struct whb_web_asset whb_web_assets[];
extern const unsigned whb_web_asset_count;

#endif
