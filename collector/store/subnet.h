/* How the store names a subnet ("10.1.2.0/24"): ingest files machines under it, and the explain
 * rules compare an event's address with it, so both must name it the same way. */
#ifndef WHB_SUBNET_H
#define WHB_SUBNET_H

#include <stddef.h>

/* "10.1.2.37/24" (the first n bytes of cidr) -> "10.1.2.0/24"; 0 when it is no IPv4 address
 * with a prefix (out untouched). */
int whb_subnet_name(const char *cidr, size_t n, char *out, size_t len);

#endif
