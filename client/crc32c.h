/* CRC-32C (Castagnoli), the checksum of spool records. */
#ifndef WHB_CRC32C_H
#define WHB_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t whb_crc32c(uint32_t crc, const void *data, size_t len);

#endif
