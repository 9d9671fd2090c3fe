/* Untrusted text (a collector's error body, a curl message, a switch's LLDP names, a WSUS
 * server's answer) made safe to keep in an event: valid UTF-8, printable, bounded. */
#ifndef WHB_TEXT_H
#define WHB_TEXT_H

#include <stddef.h>

/* Copies at most srclen bytes of src into dst (dstlen > 0, always NUL-terminated), never
 * cutting a character: tabs and line breaks become spaces, other control characters (C0, DEL,
 * C1), bidirectional overrides and invalid UTF-8 become '?'. Returns the bytes written. */
size_t whb_text_clean(char *dst, size_t dstlen, const char *src, size_t srclen);

/* The same in place, for a NUL-terminated buffer of len bytes. */
void whb_text_fix(char *buf, size_t len);

/* Bytes that name something (an LLDP name, an SSID) as text: printable ASCII kept, anything else
 * (and the backslash) as \xNN, so that no byte is lost or injected; cut at a whole character to
 * fit outlen (> 0, always NUL-terminated). */
void whb_text_escape(const unsigned char *v, size_t n, char *out, size_t outlen);

#endif
