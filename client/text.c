/* Implementation of text.h. What comes out always passes whb_wire_text_ok() (given a dst no
 * larger than the wire's bound), so an event can never fail validation because of its text. */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the UTF-8 sequence at p (n bytes available) and its code point; 0 when invalid. */
static size_t utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t extra;
    uint32_t c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xe0) == 0xc0)
        extra = 1, c &= 0x1f;
    else if ((c & 0xf0) == 0xe0)
        extra = 2, c &= 0x0f;
    else if ((c & 0xf8) == 0xf0)
        extra = 3, c &= 0x07;
    else
        return 0;
    if (extra >= n)
        return 0;
    for (size_t i = 1; i <= extra; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) ||
        (extra == 3 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return extra + 1;
}

/* Characters that would fail validation, or rearrange or hide text on an admin's terminal. */
static int unsafe(uint32_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

size_t whb_text_clean(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    const unsigned char *p = (const unsigned char *)src;
    size_t out = 0, i = 0, n = src ? strnlen(src, srclen) : 0;
    if (!dstlen)
        return 0;
    while (i < n) {
        uint32_t c = 0;
        size_t k = utf8_next(p + i, n - i, &c);
        const char *put = (const char *)p + i;
        size_t len = k;
        if (!k || unsafe(c)) {
            put = c == '\t' || c == '\n' || c == '\r' ? " " : "?";
            len = 1;
            k = k ? k : 1;
        }
        if (out + len >= dstlen)
            break;
        memcpy(dst + out, put, len);
        out += len;
        i += k;
    }
    dst[out] = '\0';
    return out;
}

void whb_text_fix(char *buf, size_t len)
{
    char copy[512];
    size_t n = strnlen(buf, len);
    if (!len || n >= sizeof(copy))
        n = n < sizeof(copy) ? n : sizeof(copy) - 1;
    memcpy(copy, buf, n);
    copy[n] = '\0';
    whb_text_clean(buf, len, copy, n);
}

void whb_text_escape(const unsigned char *v, size_t n, char *out, size_t outlen)
{
    size_t used = 0;
    for (size_t i = 0; i < n && used + 5 < outlen; i++) {
        if (v[i] >= 0x20 && v[i] < 0x7f && v[i] != '\\')
            out[used++] = (char)v[i];
        else
            used += (size_t)snprintf(out + used, outlen - used, "\\x%02x", v[i]);
    }
    out[used] = '\0';
}
