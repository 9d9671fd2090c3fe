/* The switch's syslog path without a network: RFC 5424/3164 headers, RFC 6587 framing split
 * anywhere, port names, and every row of the vendor table against its recorded sample
 * (tests/data/switch-syslog.tsv): each row must have one, and each sample must give exactly
 * the event it says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "event.h"
#include "link_msgs.h"
#include "port_name.h"
#include "syslog.h"
#include "syslog_frame.h"

static int slice_eq(struct whb_slice s, const char *want)
{
    return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

#define assert_slice(s, want)                                                                      \
    do {                                                                                           \
        if (!slice_eq((s), (want)))                                                                \
            fail_msg("got '%.*s', want '%s'", (int)(s).n, (s).p ? (s).p : "", (want));             \
    } while (0)

static void rfc5424_header_and_structured_data(void **state)
{
    (void)state;
    const char *m = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                    "[exampleSDID@32473 iut=\"3\" eventSource=\"Appl\\\"ication\" "
                    "eventID=\"1011\"][examplePriority@32473 class=\"high\"] \xef\xbb\xbf"
                    "An application event";
    struct whb_syslog s;
    assert_int_equal(whb_syslog_parse(m, strlen(m), &s), 0);
    assert_int_equal(s.pri, 165);
    assert_int_equal(s.version, 1);
    assert_slice(s.host, "mymachine.example.com");
    assert_slice(s.app, "evntslog");
    assert_slice(s.msgid, "ID47");
    assert_slice(s.msg, "An application event");
    char v[32];
    assert_int_equal(whb_syslog_sd_param(&s, "exampleSDID@", "eventSource", v, sizeof(v)), 0);
    assert_string_equal(v, "Appl\"ication");
    assert_int_equal(whb_syslog_sd_param(&s, "examplePriority@", "class", v, sizeof(v)), 0);
    assert_string_equal(v, "high");
    assert_int_equal(whb_syslog_sd_param(&s, "examplePriority@", "iut", v, sizeof(v)),
                     WHB_ENOTFOUND);

    /* NILVALUEs everywhere and no MSG. */
    const char *nil = "<13>1 - - - - - -";
    assert_int_equal(whb_syslog_parse(nil, strlen(nil), &s), 0);
    assert_int_equal(s.host.n + s.app.n + s.msgid.n + s.sd.n + s.msg.n, 0);

    /* Cut short, or structured data never closed: not a message. */
    const char *bad[] = {"<13>1 2003-10-11T22:14:15Z host app",
                         "<13>1 - h a - - [x a=\"b]",
                         "<13>1 - h a - - [x a=\"b\"",
                         "<13>1 - h a - - nosd",
                         "<999>x",
                         "<13",
                         "<>x",
                         ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(whb_syslog_parse(bad[i], strlen(bad[i]), &s), WHB_EPROTO);
}

static void rfc3164_and_what_switches_send(void **state)
{
    (void)state;
    struct whb_syslog s;
    const char *bsd =
        "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8\n";
    assert_int_equal(whb_syslog_parse(bsd, strlen(bsd), &s), 0);
    assert_int_equal(s.pri, 34);
    assert_int_equal(s.version, 0);
    assert_slice(s.host, "mymachine");
    assert_slice(s.app, "su");
    assert_slice(s.msg, "'su root' failed for lonvick on /dev/pts/8");

    const char *pid = "<28>Jul 20 21:45:59 vmx01 mib2d[2424]: SNMP_TRAP_LINK_DOWN: x";
    assert_int_equal(whb_syslog_parse(pid, strlen(pid), &s), 0);
    assert_slice(s.host, "vmx01");
    assert_slice(s.app, "mib2d");
    assert_slice(s.msg, "SNMP_TRAP_LINK_DOWN: x");

    /* NX-OS: the year first. */
    const char *nx = "<190>2018 Apr 20 13:15:07 nexus-switch %ETHPORT-5-IF_UP: up";
    assert_int_equal(whb_syslog_parse(nx, strlen(nx), &s), 0);
    assert_slice(s.host, "nexus-switch");
    assert_slice(s.msg, "%ETHPORT-5-IF_UP: up");

    /* Cisco IOS: no header we know; the whole text after PRI is the message. */
    const char *ios = "<189>521: router1: *Nov 14 08:30:56.699: %LINK-5-CHANGED: x";
    assert_int_equal(whb_syslog_parse(ios, strlen(ios), &s), 0);
    assert_int_equal(s.host.n, 0);
    assert_slice(s.msg, "521: router1: *Nov 14 08:30:56.699: %LINK-5-CHANGED: x");

    /* No PRI at all: user.notice (RFC 3164 4.3.3). */
    const char *nopri = "hello";
    assert_int_equal(whb_syslog_parse(nopri, strlen(nopri), &s), 0);
    assert_int_equal(s.pri, 13);
    assert_slice(s.msg, "hello");

    /* logger without a host name field: the tag right after the time. */
    const char *nohost = "<13>Dec  6 11:27:23 sw-access-1: text";
    assert_int_equal(whb_syslog_parse(nohost, strlen(nohost), &s), 0);
    assert_int_equal(s.host.n, 0);
    assert_slice(s.app, "sw-access-1");
    assert_slice(s.msg, "text");
}

/* --- framing --------------------------------------------------------------------------- */

struct got {
    char msgs[8][WHB_SYSLOG_MAX + 1];
    size_t lens[8];
    int n;
};

static void collect(void *arg, const char *msg, size_t len)
{
    struct got *g = arg;
    assert_true(g->n < 8);
    memcpy(g->msgs[g->n], msg, len);
    g->msgs[g->n][len] = '\0';
    g->lens[g->n] = len;
    g->n++;
}

static void framing_split_anywhere(void **state)
{
    (void)state;
    const char *stream = "11 <13>1 - - -\n<13>hello line\n5 <13>x11 <13>ab\ncd e\n";
    size_t len = strlen(stream);
    /* Every split point gives the same four messages. */
    for (size_t cut = 0; cut <= len; cut++) {
        static struct whb_syslog_framer f;
        static struct got g;
        memset(&g, 0, sizeof(g));
        whb_syslog_framer_init(&f);
        assert_int_equal(whb_syslog_framer_feed(&f, stream, cut, collect, &g), 0);
        assert_int_equal(whb_syslog_framer_feed(&f, stream + cut, len - cut, collect, &g), 0);
        assert_int_equal(g.n, 4);
        assert_string_equal(g.msgs[0], "<13>1 - - -");
        assert_string_equal(g.msgs[1], "<13>hello line");
        assert_string_equal(g.msgs[2], "<13>x");
        /* A counted message may hold a newline. */
        assert_string_equal(g.msgs[3], "<13>ab\ncd e");
    }
}

static void framing_bounded(void **state)
{
    (void)state;
    static struct whb_syslog_framer f;
    static struct got g;
    static char big[WHB_SYSLOG_MAX * 2 + 64];
    /* A counted message twice the limit: handed on cut at the limit, the rest skipped, the next
     * message intact. */
    int h = snprintf(big, sizeof(big), "%d ", WHB_SYSLOG_MAX * 2);
    memset(big + h, 'a', WHB_SYSLOG_MAX * 2);
    strcpy(big + h + WHB_SYSLOG_MAX * 2, "3 <1>");
    whb_syslog_framer_init(&f);
    memset(&g, 0, sizeof(g));
    assert_int_equal(whb_syslog_framer_feed(&f, big, strlen(big), collect, &g), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.lens[0], WHB_SYSLOG_MAX);
    assert_string_equal(g.msgs[1], "<1>");
    assert_int_equal(f.cut, 1);

    /* The same with a line. */
    memset(big, 'b', WHB_SYSLOG_MAX + 10);
    strcpy(big + WHB_SYSLOG_MAX + 10, "\n<2>next\n");
    whb_syslog_framer_init(&f);
    memset(&g, 0, sizeof(g));
    assert_int_equal(whb_syslog_framer_feed(&f, big, 100, collect, &g), 0);
    assert_int_equal(whb_syslog_framer_feed(&f, big + 100, strlen(big) - 100, collect, &g), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.lens[0], WHB_SYSLOG_MAX);
    assert_string_equal(g.msgs[1], "<2>next");

    /* A count that is not one: the stream cannot be framed. */
    const char *bad[] = {"12x <13>", "0 <13>", "1234567890123 <13>"};
    for (size_t i = 0; i < 3; i++) {
        whb_syslog_framer_init(&f);
        memset(&g, 0, sizeof(g));
        assert_int_equal(whb_syslog_framer_feed(&f, bad[i], strlen(bad[i]), collect, &g),
                         WHB_EPROTO);
    }
}

/* --- port names ------------------------------------------------------------------------ */

static void port_names(void **state)
{
    (void)state;
    assert_true(whb_port_same("GigabitEthernet1/0/3", "Gi1/0/3"));
    assert_true(whb_port_same("gi1/0/3", "GigabitEthernet 1/0/3"));
    assert_true(whb_port_same("Fa0/14", "FastEthernet0/14"));
    assert_true(whb_port_same("Ethernet28", "Et28"));
    assert_true(whb_port_same("Ethernet1/33", "Eth1/33"));
    assert_true(whb_port_same("TenGigabitEthernet1/1/1", "Te1/1/1"));
    assert_true(whb_port_same("TwoGigabitEthernet1/0/1", "Tw1/0/1"));
    assert_true(whb_port_same("TwentyFiveGigE1/0/1", "Twe1/0/1"));
    assert_true(whb_port_same("Port-channel1", "Po1"));
    assert_true(whb_port_same("swp1", "SWP1"));
    assert_false(whb_port_same("Gi1/0/3", "Gi1/0/30"));
    assert_false(whb_port_same("Gi1/0/3", "Te1/0/3"));
    assert_false(whb_port_same("Tw1/0/1", "Twe1/0/1"));
    assert_false(whb_port_same("xe-0/0/0", "ge-0/0/0"));
    assert_false(whb_port_same("", ""));
    char key[WHB_PORT_KEY_MAX];
    assert_int_equal(whb_port_key("ge-0/0/1", key), 0);
    assert_string_equal(key, "ge-0/0/1");
    assert_int_equal(whb_port_key("mgmt", key), 0);
    assert_string_equal(key, "mgmt");
    char longname[100];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(whb_port_key(longname, key), WHB_EINVAL);
}

/* --- the vendor table against its samples ---------------------------------------------- */

static char *field(char **line)
{
    char *f = *line, *tab = strchr(f, '\t');
    if (tab) {
        *tab = '\0';
        *line = tab + 1;
    } else {
        *line = f + strlen(f);
    }
    return f;
}

static void every_row_has_its_sample(void **state)
{
    (void)state;
    FILE *fp = fopen(WHB_TEST_DATA_DIR "/switch-syslog.tsv", "r");
    assert_non_null(fp);
    size_t nrows;
    const struct whb_link_msg_row *rows = whb_link_msg_rows(&nrows);
    int *seen = calloc(nrows, sizeof(int));
    char line[4096];
    int samples = 0, negatives = 0;
    while (fgets(line, sizeof(line), fp)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *p = line;
        char *id = field(&p), *kind = field(&p), *port = field(&p), *admin = field(&p),
             *oper = field(&p), *extra = field(&p);
        (void)field(&p); /* where the sample comes from */
        char *msg = field(&p);
        struct whb_syslog s;
        struct whb_switch_event ev;
        memset(&ev, 0, sizeof(ev));
        if (whb_syslog_parse(msg, strlen(msg), &s) != 0)
            fail_msg("sample does not parse: %s", msg);
        const struct whb_link_msg_row *r = whb_link_msg_match(&s, &ev);
        if (strcmp(id, "none") == 0) {
            if (r)
                fail_msg("'%s' matched row %s", msg, r->id);
            negatives++;
            continue;
        }
        if (!r)
            fail_msg("no row matched: %s", msg);
        if (strcmp(r->id, id) != 0)
            fail_msg("'%s' matched %s, want %s", msg, r->id, id);
        seen[r - rows]++;
        samples++;
        assert_string_equal(whb_switch_kind_name(ev.kind), kind);
        assert_string_equal(ev.port, port);
        assert_string_equal(whb_if_status_name(ev.admin), admin);
        assert_string_equal(whb_if_status_name(ev.oper), oper);
        if (strncmp(extra, "cause=", 6) == 0)
            assert_string_equal(ev.cause, extra + 6);
        else if (strncmp(extra, "mac=", 4) == 0)
            assert_string_equal(ev.mac, extra + 4);
        else if (strncmp(extra, "who=", 4) == 0)
            assert_string_equal(ev.who, extra + 4);
        else if (strncmp(extra, "ifindex=", 8) == 0)
            assert_int_equal(ev.ifindex, atoi(extra + 8));
        else
            assert_string_equal(extra, "-");
        assert_true(strlen(ev.text) > 0);
    }
    fclose(fp);
    for (size_t i = 0; i < nrows; i++)
        if (!seen[i])
            fail_msg("row %s has no recorded sample", rows[i].id);
    free(seen);
    assert_true(samples >= (int)nrows);
    assert_true(negatives >= 3);
}

static void hostile_text_stays_text(void **state)
{
    (void)state;
    /* Control bytes inside a port name: no port. After it: the text keeps none of them. */
    const char *inport = "<189>1: %LINK-3-UPDOWN: Interface Gi1/0/3\x1b[31m, changed state to down";
    const char *m =
        "<189>1: %LINK-3-UPDOWN: Interface Gi1/0/3, changed state to down\x1b[0m\xc3\xa9";
    struct whb_syslog s;
    struct whb_switch_event ev;
    memset(&ev, 0, sizeof(ev));
    assert_int_equal(whb_syslog_parse(inport, strlen(inport), &s), 0);
    assert_null(whb_link_msg_match(&s, &ev));
    assert_int_equal(whb_syslog_parse(m, strlen(m), &s), 0);
    assert_non_null(whb_link_msg_match(&s, &ev));
    assert_string_equal(ev.port, "Gi1/0/3");
    assert_non_null(strstr(ev.text, "down?[0m??"));
    for (const char *p = ev.port; *p; p++)
        assert_true(*p >= 0x20 && *p < 0x7f);
    for (const char *p = ev.text; *p; p++)
        assert_true(*p >= 0x20 && *p < 0x7f);
    char mac[18];
    assert_int_equal(whb_switch_mac("0013.1A41.544E", 14, mac), 0);
    assert_string_equal(mac, "00:13:1a:41:54:4e");
    assert_int_equal(whb_switch_mac("0013.1a41.544", 13, mac), WHB_EINVAL);
    assert_int_equal(whb_switch_mac("0013.1a41.544e.00", 17, mac), WHB_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc5424_header_and_structured_data),
        cmocka_unit_test(rfc3164_and_what_switches_send),
        cmocka_unit_test(framing_split_anywhere),
        cmocka_unit_test(framing_bounded),
        cmocka_unit_test(port_names),
        cmocka_unit_test(every_row_has_its_sample),
        cmocka_unit_test(hostile_text_stays_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
