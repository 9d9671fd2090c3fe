/* Implementation of subnet.h. */
#include "store/subnet.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int whb_subnet_name(const char *cidr, size_t n, char *out, size_t len)
{
    char ip[64];
    const char *slash = memchr(cidr, '/', n);
    if (!slash || (size_t)(slash - cidr) >= sizeof(ip))
        return 0;
    memcpy(ip, cidr, (size_t)(slash - cidr));
    ip[slash - cidr] = '\0';
    int prefix = atoi(slash + 1);
    struct in_addr in;
    if (inet_pton(AF_INET, ip, &in) != 1 || prefix < 0 || prefix > 32)
        return 0;
    uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
    in.s_addr &= mask;
    inet_ntop(AF_INET, &in, ip, sizeof(ip));
    snprintf(out, len, "%.15s/%d", ip, prefix);
    return 1;
}
