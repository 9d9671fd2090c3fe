/* Implementation of hexfile.h. */
#include "hexfile.h"

#include <ctype.h>
#include <stdio.h>

#ifndef WHB_TEST_DATA_DIR
#error "WHB_TEST_DATA_DIR must name tests/data"
#endif

long hexfile_read(const char *name, uint8_t *buf, size_t max)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", WHB_TEST_DATA_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = 0;
    int hi = -1, c;
    while ((c = fgetc(f)) != EOF && n < max) {
        if (!isxdigit(c))
            continue;
        int v = isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10);
        if (hi < 0)
            hi = v;
        else {
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    fclose(f);
    return (long)n;
}
