/* The agent's state (client/state.c): the differ names each change once and is silent when
 * nothing changed; names from the OS and from switches are made sendable. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "state.h"
#include "whb.pb-c.h"

static struct whb_state two_adapters(void)
{
    struct whb_state s;
    memset(&s, 0, sizeof(s));
    s.n_adapters = 2;
    snprintf(s.adapters[0].name, WHB_NAME_LEN, "eth0");
    s.adapters[0].type = WHB_ADAPTER_ETHERNET;
    s.adapters[0].admin_up = s.adapters[0].carrier = 1;
    snprintf(s.adapters[0].addrs[0], WHB_ADDR_LEN, "10.0.0.5/24");
    s.adapters[0].n_addrs = 1;
    snprintf(s.adapters[1].name, WHB_NAME_LEN, "wlan0");
    s.adapters[1].type = WHB_ADAPTER_WIRELESS;
    s.adapters[1].admin_up = s.adapters[1].carrier = 1;
    s.adapters[1].wifi.associated = 1;
    snprintf(s.adapters[1].wifi.ssid, sizeof(s.adapters[1].wifi.ssid), "Corp");
    snprintf(s.adapters[1].wifi.bssid, WHB_MAC_LEN, "a0:b1:c2:d3:e4:f5");
    return s;
}

/* Names from the OS and from switches go out as they are only when the collector would take
 * them: a renamed adapter with a bidi override must not silence the machine (every report
 * refused with 400). */
static void state_texts_are_made_sendable(void **state)
{
    (void)state;
    struct whb_state s;
    memset(&s, 0, sizeof(s));
    s.n_adapters = 1;
    snprintf(s.adapters[0].name, sizeof(s.adapters[0].name),
             "LAN \xe2\x80\xae"
             "1");
    snprintf(s.adapters[0].wifi.ssid, sizeof(s.adapters[0].wifi.ssid), "Corp\xc2\x85");
    snprintf(s.adapters[0].lldp.system_name, sizeof(s.adapters[0].lldp.system_name),
             "sw\x1b"
             "[31m-1\xff");
    whb_state_clean(&s);
    assert_string_equal(s.adapters[0].name, "LAN ?1");
    assert_string_equal(s.adapters[0].wifi.ssid, "Corp?");
    assert_null(strchr(s.adapters[0].lldp.system_name, 0x1b));
    assert_null(strchr(s.adapters[0].lldp.system_name, (char)0xff));
}

static void differ_is_silent_when_nothing_changed(void **state)
{
    (void)state;
    struct whb_state a = two_adapters(), b = two_adapters();
    struct whb_agent_event evs[16];
    assert_int_equal(whb_state_diff(&a, &b, 1, evs, 16), 0);
}

static void differ_names_each_change(void **state)
{
    (void)state;
    struct whb_state a = two_adapters(), b = two_adapters();
    struct whb_agent_event evs[16];
    b.adapters[0].carrier = 0;
    b.adapters[0].counters.rx_crc_errors = 12;
    b.adapters[1].wifi.associated = 0;
    int n = whb_state_diff(&a, &b, 5, evs, 16);
    assert_int_equal(n, 3);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_CARRIER_LOST);
    assert_string_equal(evs[0].adapter, "eth0");
    assert_int_equal(evs[0].at_ms, 5);
    assert_int_equal(evs[1].kind, WHB__V1__EVENT_KIND__EVENT_KIND_LINK_ERRORS);
    assert_non_null(strstr(evs[1].detail, "crc +12"));
    assert_int_equal(evs[2].kind, WHB__V1__EVENT_KIND__EVENT_KIND_WIFI_DISCONNECTED);

    /* Admin down: the carrier that goes with it is not a second cause. */
    b = two_adapters();
    b.adapters[0].admin_up = 0;
    b.adapters[0].carrier = 0;
    n = whb_state_diff(&a, &b, 5, evs, 16);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_ADMIN_DOWN);

    /* Moved: another network and another switch port. */
    b = two_adapters();
    snprintf(b.adapters[0].addrs[0], WHB_ADDR_LEN, "10.9.0.5/24");
    snprintf(b.adapters[0].lldp.chassis_id, WHB_TEXT_LEN, "00:11:22:33:44:55");
    snprintf(b.adapters[0].lldp.port_id, WHB_TEXT_LEN, "swp9");
    n = whb_state_diff(&a, &b, 5, evs, 16);
    assert_int_equal(n, 2);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_NETWORK_CHANGED);
    assert_int_equal(evs[1].kind, WHB__V1__EVENT_KIND__EVENT_KIND_LLDP_CHANGED);
    assert_non_null(strstr(evs[1].detail, "port swp9"));

    /* Adapters that come and go. */
    b = two_adapters();
    b.n_adapters = 1;
    n = whb_state_diff(&a, &b, 5, evs, 16);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_ADAPTER_REMOVED);
    n = whb_state_diff(&b, &a, 5, evs, 16);
    assert_int_equal(evs[0].kind, WHB__V1__EVENT_KIND__EVENT_KIND_ADAPTER_ADDED);
    /* The output bound holds. */
    b = two_adapters();
    b.adapters[0].carrier = 0;
    b.adapters[1].wifi.associated = 0;
    assert_int_equal(whb_state_diff(&a, &b, 5, evs, 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(state_texts_are_made_sendable),
        cmocka_unit_test(differ_is_silent_when_nothing_changed),
        cmocka_unit_test(differ_names_each_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
