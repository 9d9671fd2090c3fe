/* libFuzzer target: WSUS's computer list as the console uploads it reaches the collector's CSV
 * reader (collector/wsuslist) from any admin's browser. The first byte picks the culture. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wsus_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const cultures[] = {NULL, "en-US", "de-DE", "en-AU", "ja-JP", "xx-XX"};
    struct whb_wsus_list l;
    char why[700];
    if (size < 1)
        return 0;
    const char *culture = cultures[data[0] % (sizeof(cultures) / sizeof(cultures[0]))];
    if (whb_wsus_csv_parse(data + 1, size - 1, culture, &l, why, sizeof(why)) == 0) {
        for (size_t i = 0; i < l.n; i++)
            if (!l.rows[i].fqdn || !l.rows[i].fqdn[0] || strlen(l.rows[i].fqdn) > 253 ||
                !l.rows[i].ip || l.rows[i].last_status_ms < 0 || l.rows[i].last_sync_ms < 0)
                abort();
        whb_wsus_list_free(&l);
    } else if (strnlen(why, sizeof(why)) == sizeof(why) || l.n || l.rows) {
        abort(); /* an error says why, and leaves nothing behind */
    }
    return 0;
}
