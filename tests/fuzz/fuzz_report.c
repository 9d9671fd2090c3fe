/* libFuzzer target for the collector's front door: the scan before decoding, report decoding
 * and validation. Whatever is accepted must pack again and decode to the same thing, and must
 * have passed the scan; the seeds (make_seeds) include singular fields sent many times and
 * floods of unknown fields, which the scan refuses before protobuf-c merges anything. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    whb_report *r = NULL;
    char why[256], scan_why[256] = "";
    int scanned = whb_wire_report_prescan(data, size, scan_why, sizeof(scan_why));
    if (scanned && !scan_why[0])
        abort(); /* every refusal has a cause */
    if (whb_wire_report_unpack(data, size, &r, why, sizeof(why)) != 0) {
        if (strlen(why) == 0)
            abort(); /* every refusal has a cause */
        return 0;
    }
    if (scanned)
        abort(); /* decoded what the scan refused */
    size_t len = 0;
    uint8_t *again = whb_wire_report_pack(r, &len);
    whb_report *back = NULL;
    if (!again || whb_wire_report_unpack(again, len, &back, why, sizeof(why)) != 0)
        abort();
    if (back->seq != r->seq || back->n_events != r->n_events ||
        strcmp(back->machine->fqdn, r->machine->fqdn) != 0)
        abort();
    whb_wire_report_free(back);
    whb_wire_report_free(r);
    free(again);
    return 0;
}
