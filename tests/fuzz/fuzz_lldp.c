/* libFuzzer target: LLDP frames come from whatever is on the wire. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lldp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct whb_lldp l;
    if (whb_lldp_decode_frame(data, size, &l) == 0) {
        /* Decoded text is bounded and terminated. */
        if (strnlen(l.chassis_id, sizeof(l.chassis_id)) == sizeof(l.chassis_id) ||
            strnlen(l.port_id, sizeof(l.port_id)) == sizeof(l.port_id))
            abort();
    }
    whb_lldp_decode(data, size, &l);
    return 0;
}
