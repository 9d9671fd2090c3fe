/* libFuzzer target for the collector's front door: the scan before decoding, report decoding
 * and validation, with malloc and into an arena (the event loops' way), which must agree.
 * Whatever is accepted must pack again and decode to the same thing, and must have passed the
 * scan; the seeds (make_seeds) include singular fields sent many times and floods of unknown
 * fields, which the scan refuses before protobuf-c merges anything. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    whb_report *r = NULL, *in = NULL;
    char why[256], scan_why[256] = "", arena_why[256] = "";
    _Alignas(max_align_t) unsigned char room[256]; /* small: the chunks are fuzzed too */
    struct whb_wire_arena arena;
    whb_wire_arena_init(&arena, room, sizeof(room));
    int in_rc = whb_wire_report_unpack_in(&arena, data, size, &in, arena_why, sizeof(arena_why));
    int scanned = whb_wire_report_prescan(data, size, scan_why, sizeof(scan_why));
    if (scanned && !scan_why[0])
        abort(); /* every refusal has a cause */
    if (whb_wire_report_unpack(data, size, &r, why, sizeof(why)) != 0) {
        if (strlen(why) == 0)
            abort(); /* every refusal has a cause */
        if (!in_rc || strcmp(why, arena_why) || arena.used || arena.chunks)
            abort(); /* the arena refuses the same, and is left empty */
        return 0;
    }
    if (in_rc)
        abort();
    if (scanned)
        abort(); /* decoded what the scan refused */
    size_t len = 0;
    uint8_t *again = whb_wire_report_pack(r, &len);
    whb_report *back = NULL;
    if (!again || whb_wire_report_unpack(again, len, &back, why, sizeof(why)) != 0)
        abort();
    size_t in_len = 0;
    uint8_t *in_again = whb_wire_report_pack(in, &in_len);
    if (!in_again || in_len != len || memcmp(in_again, again, len))
        abort(); /* the arena decoded the same report */
    free(in_again);
    whb_wire_arena_reset(&arena);
    if (back->seq != r->seq || back->n_events != r->n_events ||
        strcmp(back->machine->fqdn, r->machine->fqdn) != 0)
        abort();
    whb_wire_report_free(back);
    whb_wire_report_free(r);
    free(again);
    return 0;
}
