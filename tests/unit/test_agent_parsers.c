/* The agent's parsers on real recorded input: rtnetlink link messages from this kernel, an LLDP
 * frame from lldpd, and nl80211 events laid out as the kernel sends them (tests/data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "hexfile.h"
#include "platform/linux/linux.h"
#include "lldp.h"
#include "state.h"
#include "whb.pb-c.h"

static uint8_t buf[8192];

static void link_messages_give_carrier_and_counters(void **state)
{
    (void)state;
    struct whb_adapter_state a;
    long n = hexfile_read("link-veth-carrier-lost.hex", buf, sizeof(buf));
    assert_true(n > 0);
    assert_int_equal(whb_netlink_parse_link(buf, (size_t)n, "/nonexistent", &a), 0);
    assert_string_equal(a.name, "whbrec0");
    assert_true(a.admin_up);
    assert_false(a.carrier);
    assert_int_equal(a.oper, WHB_OPER_DOWN);
    assert_int_equal(a.type, WHB_ADAPTER_ETHERNET);
    assert_int_equal(a.mtu, 1500);
    assert_int_equal(strlen(a.mac), 17);
    uint64_t changes_lost = a.counters.carrier_changes;
    assert_true(changes_lost >= 1);

    n = hexfile_read("link-veth-carrier-gained.hex", buf, sizeof(buf));
    assert_int_equal(whb_netlink_parse_link(buf, (size_t)n, "/nonexistent", &a), 0);
    assert_true(a.carrier);
    assert_int_equal(a.oper, WHB_OPER_UP);
    assert_int_equal(a.counters.carrier_changes, changes_lost + 1);
}

static void truncated_link_message_is_refused(void **state)
{
    (void)state;
    struct whb_adapter_state a;
    long n = hexfile_read("link-veth-carrier-lost.hex", buf, sizeof(buf));
    assert_int_equal(whb_netlink_parse_link(buf, (size_t)n / 2, "/nonexistent", &a), WHB_EPROTO);
    assert_int_equal(whb_netlink_parse_link(buf, 8, "/nonexistent", &a), WHB_EPROTO);
}

static void lldpd_frame_decodes(void **state)
{
    (void)state;
    struct whb_lldp l;
    long n = hexfile_read("lldp-lldpd.hex", buf, sizeof(buf));
    assert_true(n > 14);
    assert_int_equal(whb_lldp_decode_frame(buf, (size_t)n, &l), 0);
    assert_int_equal(strlen(l.chassis_id), 17); /* a MAC, subtype 4 */
    assert_int_equal(strlen(l.port_id), 17);    /* lldpd's default: the port's MAC */
    assert_string_equal(l.port_description, "swp7");
    assert_string_equal(l.system_name, "vm");
}

/* lldpd on a switch with a management address (record.py lldp-mgmt): TLV 8 gives the address
 * the collector reads the switch at by SNMP. */
static void lldpd_management_address(void **state)
{
    (void)state;
    struct whb_lldp l;
    long n = hexfile_read("lldp-lldpd.hex", buf, sizeof(buf));
    assert_int_equal(whb_lldp_decode_frame(buf, (size_t)n, &l), 0);
    assert_string_equal(l.mgmt_address, ""); /* no address there: none made up */
    n = hexfile_read("lldp-lldpd-mgmt.hex", buf, sizeof(buf));
    assert_true(n > 0);
    assert_int_equal(whb_lldp_decode_frame(buf, (size_t)n, &l), 0);
    assert_string_equal(l.mgmt_address, "192.0.2.17");
    assert_string_equal(l.port_description, "swp7");
    /* An address length that overruns the TLV is ignored, the frame still decodes. */
    for (long i = 14; i + 2 < n; i++)
        if ((buf[i] >> 1) == 8 && buf[i + 2] == 5) {
            buf[i + 2] = 40;
            break;
        }
    assert_int_equal(whb_lldp_decode_frame(buf, (size_t)n, &l), 0);
    assert_string_equal(l.mgmt_address, "");
}

static void lldp_overruns_and_missing_tlvs_are_refused(void **state)
{
    (void)state;
    struct whb_lldp l;
    long n = hexfile_read("lldp-lldpd.hex", buf, sizeof(buf));
    /* Cut inside a TLV. */
    assert_int_equal(whb_lldp_decode_frame(buf, 30, &l), WHB_EPROTO);
    /* Wrong EtherType. */
    buf[12] = 0x08;
    buf[13] = 0x00;
    assert_int_equal(whb_lldp_decode_frame(buf, (size_t)n, &l), WHB_EPROTO);
    /* Only an End TLV: mandatory TLVs missing. */
    static const uint8_t end_only[] = {0, 0};
    assert_int_equal(whb_lldp_decode(end_only, sizeof(end_only), &l), WHB_EPROTO);
    /* Port id as interface name (subtype 5) with a control byte escaped. */
    static const uint8_t pdu[] = {0x02, 0x07, 0x04, 1,    2,   3,   4,    5,   6, /* chassis MAC */
                                  0x04, 0x06, 0x05, 'G',  'i', '1', 0x01, '7',    /* port */
                                  0x06, 0x02, 0x00, 0x78,                         /* TTL */
                                  0x00, 0x00};
    assert_int_equal(whb_lldp_decode(pdu, sizeof(pdu), &l), 0);
    assert_string_equal(l.chassis_id, "01:02:03:04:05:06");
    assert_string_equal(l.port_id, "Gi1\\x017");
}

static void nl80211_events_carry_codes(void **state)
{
    (void)state;
    struct whb_os_event ev;
    long n = hexfile_read("nl80211-connect-refused.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse(buf, (size_t)n, &ev), 1);
    assert_int_equal(ev.kind, WHB_OS_WIFI);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED);
    assert_int_equal(ev.event.reason_code, 17);
    assert_non_null(strstr(ev.event.detail, "a0:b1:c2:d3:e4:f5"));

    n = hexfile_read("nl80211-connect-timeout.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse(buf, (size_t)n, &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOC_FAILED);
    assert_non_null(strstr(ev.event.detail, "timed out"));

    n = hexfile_read("nl80211-connect-ok.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse(buf, (size_t)n, &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED);

    n = hexfile_read("nl80211-disconnect-by-ap.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse(buf, (size_t)n, &ev), 1);
    assert_int_equal(ev.event.kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED);
    assert_int_equal(ev.event.reason_code, 2);
    assert_non_null(strstr(ev.event.detail, "by the access point"));

    n = hexfile_read("nl80211-auth-timeout.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse(buf, (size_t)n, &ev), 1);
    assert_non_null(
        strstr(ev.event.detail, "authentication with bssid a0:b1:c2:d3:e4:f5 timed out"));

    assert_int_equal(whb_nl80211_parse(buf, 10, &ev), 0);
}

/* What a snapshot asks: the interface, then the scan dump, whose associated entry names the
 * access point (here the one roamed to). */
static void nl80211_replies_give_the_association(void **state)
{
    (void)state;
    struct whb_wifi w = {0};
    long n = hexfile_read("nl80211-iface-station.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_iface(buf, (size_t)n, &w), 1);
    assert_string_equal(w.ssid, "corp-wifi");
    assert_false(w.associated);
    n = hexfile_read("nl80211-bss-other.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_bss(buf, (size_t)n, &w), 0);
    assert_false(w.associated);
    assert_string_equal(w.bssid, "");
    n = hexfile_read("nl80211-bss-associated.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_bss(buf, (size_t)n, &w), 1);
    assert_true(w.associated);
    assert_string_equal(w.bssid, "a0:b1:c2:d3:e4:f6");
    assert_int_equal(w.signal_dbm, -54);
    assert_string_equal(w.ssid, "corp-wifi");
    /* The same entry cut short is refused whole. */
    struct whb_wifi cut = {0};
    assert_int_equal(whb_nl80211_parse_bss(buf, (size_t)n - 4, &cut), 0);
    assert_false(cut.associated);
    /* Not an interface reply. */
    assert_int_equal(whb_nl80211_parse_iface(buf, (size_t)n, &cut), 0);
}

static void nl80211_replies_without_an_association(void **state)
{
    (void)state;
    struct whb_wifi w = {0};
    /* A station not associated has no SSID; an entry only authenticated is not its AP. */
    long n = hexfile_read("nl80211-iface-station-idle.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_iface(buf, (size_t)n, &w), 1);
    assert_string_equal(w.ssid, "");
    n = hexfile_read("nl80211-bss-authenticated.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_bss(buf, (size_t)n, &w), 0);
    assert_false(w.associated);
    /* This machine as an access point: its SSID is not one it joined. */
    n = hexfile_read("nl80211-iface-ap.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_iface(buf, (size_t)n, &w), 0);
    assert_string_equal(w.ssid, "");
    /* A byte that is not printable is escaped. */
    n = hexfile_read("nl80211-iface-station-odd-ssid.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_iface(buf, (size_t)n, &w), 1);
    assert_string_equal(w.ssid, "caf\\xe9 wifi");
    /* A kernel whose interface reply has no SSID: the associated BSS's SSID element gives it. */
    struct whb_wifi old = {0};
    n = hexfile_read("nl80211-bss-associated.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_bss(buf, (size_t)n, &old), 1);
    assert_string_equal(old.ssid, "corp-wifi");
}

/* A roam is no event of its own (Windows has none either): it asks for a snapshot, as connects
 * and disconnects do; failed attempts do not change the association. */
static void nl80211_roam_asks_for_a_snapshot(void **state)
{
    (void)state;
    struct whb_os_event ev;
    long n = hexfile_read("nl80211-roam.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse(buf, (size_t)n, &ev), 0);
    assert_int_equal(whb_nl80211_moves_association(buf, (size_t)n), 1);
    n = hexfile_read("nl80211-connect-ok.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_moves_association(buf, (size_t)n), 1);
    n = hexfile_read("nl80211-disconnect-by-ap.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_moves_association(buf, (size_t)n), 1);
    n = hexfile_read("nl80211-auth-timeout.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_moves_association(buf, (size_t)n), 0);
    n = hexfile_read("nl80211-iface-station.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_moves_association(buf, (size_t)n), 0);
    assert_int_equal(whb_nl80211_moves_association(buf, 10), 0);
}

/* After a roam, the snapshot's association (from the kernel's replies) against the one before
 * it: the agent tells the new access point once, as WIFI_ASSOCIATED, the way Windows does. */
static void roam_is_told_by_the_snapshot(void **state)
{
    (void)state;
    struct whb_state before, after;
    struct whb_agent_event evs[8];
    memset(&before, 0, sizeof(before));
    before.n_adapters = 1;
    struct whb_adapter_state *a = &before.adapters[0];
    snprintf(a->name, sizeof(a->name), "wlp2s0");
    a->type = WHB_ADAPTER_WIRELESS;
    a->admin_up = a->carrier = 1;
    a->wifi.associated = 1;
    snprintf(a->wifi.ssid, sizeof(a->wifi.ssid), "corp-wifi");
    snprintf(a->wifi.bssid, sizeof(a->wifi.bssid), "a0:b1:c2:d3:e4:f5");
    after = before;
    struct whb_wifi *w = &after.adapters[0].wifi;
    memset(w, 0, sizeof(*w));
    long n = hexfile_read("nl80211-iface-station.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_iface(buf, (size_t)n, w), 1);
    n = hexfile_read("nl80211-bss-associated.hex", buf, sizeof(buf));
    assert_int_equal(whb_nl80211_parse_bss(buf, (size_t)n, w), 1);
    assert_int_equal(whb_state_diff(&before, &after, 9, evs, 8), 1);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_ASSOCIATED);
    assert_string_equal(evs[0].adapter, "wlp2s0");
    assert_string_equal(evs[0].detail, "ssid corp-wifi bssid a0:b1:c2:d3:e4:f6 signal -54 dBm");
    /* The same access point asked again: nothing to tell. */
    before = after;
    assert_int_equal(whb_state_diff(&before, &after, 10, evs, 8), 0);
}

/* A machine without nl80211 (no handle) reports an empty association, whatever was there. */
static void no_nl80211_leaves_the_association_empty(void **state)
{
    (void)state;
    struct whb_wifi w, zero = {0};
    memset(&w, 0x5a, sizeof(w));
    whb_nl80211_query(NULL, 3, &w);
    assert_memory_equal(&w, &zero, sizeof(w));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(link_messages_give_carrier_and_counters),
        cmocka_unit_test(truncated_link_message_is_refused),
        cmocka_unit_test(lldpd_frame_decodes),
        cmocka_unit_test(lldpd_management_address),
        cmocka_unit_test(lldp_overruns_and_missing_tlvs_are_refused),
        cmocka_unit_test(nl80211_events_carry_codes),
        cmocka_unit_test(nl80211_replies_give_the_association),
        cmocka_unit_test(nl80211_replies_without_an_association),
        cmocka_unit_test(nl80211_roam_asks_for_a_snapshot),
        cmocka_unit_test(roam_is_told_by_the_snapshot),
        cmocka_unit_test(no_nl80211_leaves_the_association_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
