/* Writes valid reports, and requests as agents send them, into DIR as a starting corpus for
 * the fuzz targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

/* The report with its snapshot field sent `copies` more times, and `unknown` unknown fields:
 * the repeated-field case (issue 22), which the scan before decoding must refuse. */
static int write_repeated(const char *dir, unsigned copies, unsigned unknown)
{
    struct sample *s = sample_new(9, 3, 2);
    size_t len, slen;
    uint8_t *buf = sample_pack(s, &len), *snap = whb_wire_snapshot_pack(&s->snapshot, &slen);
    char path[512];
    snprintf(path, sizeof(path), "%s/report-repeated-%u-%u.bin", dir, copies, unknown);
    FILE *f = fopen(path, "wb");
    int rc = !f || !buf || !snap || fwrite(buf, 1, len, f) != len;
    for (unsigned i = 0; !rc && i < copies; i++) {
        unsigned char head[2] = {8 << 3 | 2, (unsigned char)slen};
        rc = slen > 127 || fwrite(head, 1, 2, f) != 2 || fwrite(snap, 1, slen, f) != slen;
    }
    for (unsigned i = 0; !rc && i < unknown; i++)
        rc = fwrite("\x9a\x06\x01x", 1, 4, f) != 4; /* field 99, one byte */
    if (f)
        fclose(f);
    free(buf);
    free(snap);
    sample_free(s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds DIR\n");
        return 2;
    }
    for (unsigned i = 0; i < 8; i++) {
        struct sample *s = sample_new(i, i + 1, i * 3);
        /* Half of them as Windows agents send them, with the update client's state. */
        if (i % 2)
            sample_add_update_client(s, "0b6a3c5e-4f1d-4e8a-9c2b-7d5e6f708192",
                                     i == 3 ? 0x8024401cu : 0, i == 5);
        size_t len;
        uint8_t *buf = sample_pack(s, &len);
        char path[512];
        snprintf(path, sizeof(path), "%s/report-%u.bin", argv[1], i);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(buf, 1, len, f) != len) {
            perror(path);
            return 1;
        }
        fclose(f);
        /* The same report as an HTTP request (fuzz_report_http: its first byte is the size
         * of the pieces), pipelined behind another for odd i, with 100-continue for i 2. */
        snprintf(path, sizeof(path), "%s/request-%u.bin", argv[1], i);
        f = fopen(path, "wb");
        if (!f)
            return 1;
        for (unsigned k = 0; k < 1 + i % 2; k++) {
            if (k == 0)
                fputc((int)(1 + i * 7), f);
            fprintf(f,
                    "POST /v1/report HTTP/1.%u\r\nHost: c\r\nAuthorization: Bearer %064u\r\n"
                    "X-Whb-Enrollment: tok \r\n%sContent-Length: %zu\r\n\r\n",
                    i == 3 ? 0u : 1u, i, i == 2 ? "Expect: 100-continue\r\n" : "", len);
            fwrite(buf, 1, len, f);
        }
        if (i == 5)
            fputs("GET /healthz HTTP/1.1\r\nHost: c\r\n\r\n", f);
        if (i == 6)
            fputs("POST /v1/report HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\r\nabc\r\n0\r\n\r\n",
                  f);
        fclose(f);
        free(buf);
        sample_free(s);
    }
    if (write_repeated(argv[1], 1, 0) || write_repeated(argv[1], 40, 0) ||
        write_repeated(argv[1], 0, 40) || write_repeated(argv[1], 3, 3)) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
