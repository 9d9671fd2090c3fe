/* Reads the recorded inputs in tests/data (hex text) for parser tests. */
#ifndef WHB_TEST_HEXFILE_H
#define WHB_TEST_HEXFILE_H

#include <stddef.h>
#include <stdint.h>

/* Decodes tests/data/<name> into buf; returns the byte count, or -1. */
long hexfile_read(const char *name, uint8_t *buf, size_t max);

#endif
