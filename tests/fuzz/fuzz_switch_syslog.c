/* libFuzzer target: whatever a switch (or anyone who can reach the syslog port) sends. The
 * bytes go through the stream framer in two pieces split at the first byte's value, then each
 * framed message through the header parser and the vendor table, as the receiver does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "link_msgs.h"
#include "port_name.h"
#include "syslog.h"
#include "syslog_frame.h"

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap)
        abort(); /* unterminated */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            abort(); /* only printable text leaves the parser */
}

static void one_message(void *arg, const char *msg, size_t len)
{
    (void)arg;
    if (len > WHB_SYSLOG_MAX)
        abort();
    struct whb_syslog s;
    if (whb_syslog_parse(msg, len, &s) != 0)
        return;
    const struct whb_slice parts[] = {s.host, s.app, s.msgid, s.sd, s.msg};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        if (parts[i].n && (parts[i].p < msg || parts[i].p + parts[i].n > msg + len))
            abort(); /* slices stay inside the message */
    char v[64];
    whb_syslog_sd_param(&s, "junos@", "interface-name", v, sizeof(v));
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    if (whb_link_msg_match(&s, &ev)) {
        check_text(ev.port, sizeof(ev.port));
        check_text(ev.cause, sizeof(ev.cause));
        check_text(ev.who, sizeof(ev.who));
        check_text(ev.text, sizeof(ev.text));
        char key[WHB_PORT_KEY_MAX];
        if (whb_port_key(ev.port, key) == 0)
            check_text(key, sizeof(key));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct whb_syslog_framer f;
    whb_syslog_framer_init(&f);
    size_t cut = size ? data[0] % (size + 1) : 0;
    if (whb_syslog_framer_feed(&f, (const char *)data, cut, one_message, NULL) == 0)
        whb_syslog_framer_feed(&f, (const char *)data + cut, size - cut, one_message, NULL);
    /* A datagram is one message as it is. */
    one_message(NULL, (const char *)data, size > WHB_SYSLOG_MAX ? WHB_SYSLOG_MAX : size);
    return 0;
}
