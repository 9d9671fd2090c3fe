/* Implementation of table.h. */
#include "table.h"

#include <stdio.h>
#include <string.h>

/* Length of the UTF-8 sequence at s and its code point; 0 when it is not valid UTF-8. */
static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    size_t k = c < 0x80             ? 0
               : (c & 0xe0) == 0xc0 ? 1
               : (c & 0xf0) == 0xe0 ? 2
               : (c & 0xf8) == 0xf0 ? 3
                                    : 9;
    if (k == 9)
        return 0;
    unsigned v = k == 0 ? c : k == 1 ? c & 0x1f : k == 2 ? c & 0x0f : c & 0x07;
    for (size_t j = 1; j <= k; j++) {
        if ((s[j] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[j] & 0x3f);
    }
    if ((k == 1 && v < 0x80) || (k == 2 && v < 0x800) || (k == 3 && v < 0x10000) || v > 0x10ffff ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return k + 1;
}

/* Code points a terminal would act on rather than show. */
static int unsafe(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
           cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0xfeff;
}

char *whb_table_clean(const char *s, char *out, size_t len)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    if (!len)
        return out;
    while (*p) {
        unsigned cp = 0;
        size_t n = utf8_next(p, &cp);
        char esc[16];
        const char *w = (const char *)p;
        size_t wl = n;
        if (n == 0) {
            snprintf(esc, sizeof(esc), "\\x%02x", *p);
            w = esc, wl = strlen(esc), n = 1;
        } else if (unsafe(cp)) {
            snprintf(esc, sizeof(esc), cp < 0x100 ? "\\x%02x" : "\\u{%04x}", cp);
            w = esc, wl = strlen(esc);
        }
        if (o + wl >= len)
            break;
        memcpy(out + o, w, wl);
        o += wl;
        p += n;
    }
    out[o] = '\0';
    return out;
}

const char *whb_table_cell(const char *s)
{
    static char ring[24][1024];
    static unsigned next;
    char *out = ring[next++ % 24];
    return whb_table_clean(s, out, sizeof(ring[0]));
}
