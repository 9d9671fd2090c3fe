/* Implementation of port_name.h: a table of interface types by their long names. */
#include "port_name.h"

#include <ctype.h>
#include <string.h>

#include "error.h"

/* Long name (lower case) and the key's prefix. Order matters where abbreviations overlap:
 * Cisco's "Tw" is TwoGigabitEthernet and "Twe" TwentyFiveGigE. */
static const struct {
    const char *longname;
    const char *key;
} types[] = {
    {"twogigabitethernet", "tw"},
    {"twentyfivegige", "twe"},
    {"tengigabitethernet", "te"},
    {"gigabitethernet", "gi"},
    {"fastethernet", "fa"},
    {"fivegigabitethernet", "fi"},
    {"fortygigabitethernet", "fo"},
    {"hundredgige", "hu"},
    {"ethernet", "eth"},
    {"port-channel", "po"},
    {"vlan", "vl"},
};

/* The type whose long name is prefix, or starts with it (at least two letters). */
static const char *type_key(const char *prefix, size_t n)
{
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t ln = strlen(types[i].longname);
        if (n == ln && memcmp(prefix, types[i].longname, n) == 0)
            return types[i].key;
    }
    if (n < 2)
        return NULL;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strncmp(types[i].longname, prefix, n) == 0)
            return types[i].key;
    }
    return NULL;
}

int whb_port_key(const char *name, char key[WHB_PORT_KEY_MAX])
{
    char low[WHB_PORT_KEY_MAX];
    size_t n = 0;
    for (const char *p = name; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (n + 1 >= sizeof(low))
            return WHB_EINVAL;
        low[n++] = (char)tolower((unsigned char)*p);
    }
    low[n] = '\0';
    if (n == 0)
        return WHB_EINVAL;
    size_t letters = 0;
    while (letters < n && (isalpha((unsigned char)low[letters]) || low[letters] == '-'))
        letters++;
    /* A type prefix must be followed by the port's number ("Gi1/0/3", "Ethernet28"); a name
     * of letters only ("mgmt") stays as it is. */
    const char *k =
        letters < n && isdigit((unsigned char)low[letters]) ? type_key(low, letters) : NULL;
    if (!k) {
        memcpy(key, low, n + 1);
        return 0;
    }
    size_t kl = strlen(k), rest = n - letters;
    if (kl + rest + 1 > WHB_PORT_KEY_MAX)
        return WHB_EINVAL;
    memcpy(key, k, kl);
    memcpy(key + kl, low + letters, rest + 1);
    return 0;
}

int whb_port_same(const char *a, const char *b)
{
    char ka[WHB_PORT_KEY_MAX], kb[WHB_PORT_KEY_MAX];
    return whb_port_key(a, ka) == 0 && whb_port_key(b, kb) == 0 && strcmp(ka, kb) == 0;
}
