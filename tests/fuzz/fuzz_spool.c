/* libFuzzer target: the spool reader on arbitrary file contents (a disk can hold anything).
 * Frame by frame, the resync step never overreads and returns only valid events; the whole
 * reader (as whb_spool_open runs it on a file) never fails on bad contents, keeps exactly the
 * good records and leaves a clean file behind. And the text cleaner's output is always valid
 * event text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"
#include "text.h"

static void frames(const uint8_t *data, size_t size)
{
    size_t off = 0;
    while (off < size) {
        whb_event *ev = NULL;
        size_t skipped = 0;
        size_t n = whb_spool_next_frame(data + off, size - off, &skipped, &ev);
        if (skipped > size - off)
            abort();
        if (!n) {
            if (ev || skipped != size - off)
                abort();
            break;
        }
        if (!ev || n > size - off - skipped)
            abort();
        whb_wire_event_free(ev);
        off += skipped + n;
    }
}

static void whole_file(const uint8_t *data, size_t size)
{
    static char dir[64], path[96];
    struct whb_spool *sp;
    struct whb_spool_stats st;
    whb_event *evs[64];
    int n = 0;
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/whb-fuzz-spool-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof(path), "%s/spool", dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    if (whb_spool_open(path, 1 << 20, &sp))
        abort(); /* bad contents are never fatal */
    whb_spool_stats(sp, &st);
    if (whb_spool_peek(sp, evs, 64, &n) || (unsigned)n != (st.records < 64 ? st.records : 64))
        abort();
    for (int i = 0; i < n; i++)
        whb_wire_event_free(evs[i]);
    whb_spool_close(sp);
    /* What was damaged is gone from the file: a second look finds it clean. */
    if (whb_spool_open(path, 1 << 20, &sp))
        abort();
    struct whb_spool_stats again;
    whb_spool_stats(sp, &again);
    if (again.damaged || again.truncated_bytes || again.records != st.records)
        abort();
    whb_spool_close(sp);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char clean[WHB_WIRE_MAX_TEXT];
    frames(data, size);
    whole_file(data, size);
    whb_text_clean(clean, sizeof(clean), (const char *)data, size);
    if (!whb_wire_text_ok(clean, WHB_WIRE_MAX_TEXT))
        abort();
    return 0;
}
