/* libFuzzer target: the spool reader on arbitrary file contents (a disk can hold anything). */
#include <stdint.h>
#include <stdlib.h>

#include "spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    while (off < size) {
        whb_event *ev = NULL;
        size_t n = whb_spool_record_check(data + off, size - off, &ev);
        if (!n)
            break;
        if (!ev || n > size - off)
            abort();
        whb_wire_event_free(ev);
        off += n;
    }
    return 0;
}
