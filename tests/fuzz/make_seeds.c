/* Writes valid reports into DIR as a starting corpus for the fuzz targets. */
#include <stdio.h>
#include <stdlib.h>

#include "sample.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds DIR\n");
        return 2;
    }
    for (unsigned i = 0; i < 8; i++) {
        struct sample *s = sample_new(i, i + 1, i * 3);
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
        free(buf);
        sample_free(s);
    }
    return 0;
}
