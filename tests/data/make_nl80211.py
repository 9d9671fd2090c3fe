#!/usr/bin/env python3
"""Lays out nl80211 MLME events, and the replies to GET_INTERFACE and a GET_SCAN dump, exactly
as the kernel's net/wireless/nl80211.c sends them (nl80211_send_iface, nl80211_send_bss on an
x86 kernel: no 64-bit padding attributes), with the attribute numbers of the installed
<linux/nl80211.h> (see README.md)."""
import os, struct, subprocess, tempfile

NAMES = ["NL80211_CMD_CONNECT", "NL80211_CMD_DISCONNECT", "NL80211_CMD_AUTHENTICATE",
         "NL80211_ATTR_WIPHY", "NL80211_ATTR_IFINDEX", "NL80211_ATTR_MAC",
         "NL80211_ATTR_STATUS_CODE", "NL80211_ATTR_REASON_CODE", "NL80211_ATTR_TIMED_OUT",
         "NL80211_ATTR_DISCONNECTED_BY_AP", "NL80211_ATTR_TIMEOUT_REASON",
         "NL80211_CMD_ROAM", "NL80211_ATTR_REQ_IE", "NL80211_ATTR_RESP_IE",
         "NL80211_CMD_NEW_INTERFACE", "NL80211_ATTR_IFNAME", "NL80211_ATTR_IFTYPE",
         "NL80211_ATTR_WDEV", "NL80211_ATTR_GENERATION", "NL80211_ATTR_4ADDR",
         "NL80211_ATTR_WIPHY_FREQ", "NL80211_ATTR_CHANNEL_WIDTH", "NL80211_ATTR_CENTER_FREQ1",
         "NL80211_ATTR_WIPHY_TX_POWER_LEVEL", "NL80211_ATTR_SSID",
         "NL80211_IFTYPE_STATION", "NL80211_IFTYPE_AP", "NL80211_CHAN_WIDTH_20",
         "NL80211_CMD_NEW_SCAN_RESULTS", "NL80211_ATTR_BSS", "NL80211_BSS_BSSID",
         "NL80211_BSS_TSF", "NL80211_BSS_INFORMATION_ELEMENTS", "NL80211_BSS_BEACON_INTERVAL",
         "NL80211_BSS_CAPABILITY", "NL80211_BSS_FREQUENCY", "NL80211_BSS_SEEN_MS_AGO",
         "NL80211_BSS_SIGNAL_MBM", "NL80211_BSS_STATUS", "NL80211_BSS_STATUS_ASSOCIATED",
         "NL80211_BSS_STATUS_AUTHENTICATED"]

def constants():
    src = "#include <stdio.h>\n#include <linux/nl80211.h>\nint main(void){\n"
    src += "".join('printf("%%d\\n", %s);\n' % n for n in NAMES) + "return 0;}\n"
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "c.c"), "w").write(src)
        subprocess.run(["cc", "-o", os.path.join(d, "c"), os.path.join(d, "c.c")], check=True)
        out = subprocess.check_output([os.path.join(d, "c")]).decode().split()
    return dict(zip(NAMES, map(int, out)))

C = constants()

def attr(typ, payload=b""):
    a = struct.pack("HH", 4 + len(payload), typ) + payload
    return a + b"\0" * ((4 - len(a) % 4) % 4)

def msg(cmd, attrs, family=0x1c):
    body = struct.pack("BBH", cmd, 1, 0) + b"".join(attrs)  # genlmsghdr: cmd, version 1
    return struct.pack("IHHII", 16 + len(body), family, 0, 0, 0) + body

def u32(t, v): return attr(t, struct.pack("I", v))
def s32(t, v): return attr(t, struct.pack("i", v))
def u16(t, v): return attr(t, struct.pack("H", v))
def u64(t, v): return attr(t, struct.pack("Q", v))
def u8(t, v): return attr(t, struct.pack("B", v))
def flag(t): return attr(t)
def nest(t, attrs): return attr(t | 0x8000, b"".join(attrs))  # NLA_F_NESTED, as nla_nest_start
BSSID = bytes.fromhex("a0b1c2d3e4f5")
BSSID2 = bytes.fromhex("a0b1c2d3e4f6")  # the next access point of the same SSID
STA_MAC = bytes.fromhex("3c6aa7112233")
IFINDEX = 7
MULTI = 2  # NLM_F_MULTI: each entry of a dump

def iface(iftype, ssid=None):
    """The reply to NL80211_CMD_GET_INTERFACE (nl80211_send_iface)."""
    a = [u32(C["NL80211_ATTR_IFINDEX"], IFINDEX), attr(C["NL80211_ATTR_IFNAME"], b"wlp2s0\0"),
         u32(C["NL80211_ATTR_WIPHY"], 0), u32(C["NL80211_ATTR_IFTYPE"], iftype),
         u64(C["NL80211_ATTR_WDEV"], 1), attr(C["NL80211_ATTR_MAC"], STA_MAC),
         u32(C["NL80211_ATTR_GENERATION"], 5), u8(C["NL80211_ATTR_4ADDR"], 0),
         u32(C["NL80211_ATTR_WIPHY_FREQ"], 5180),
         u32(C["NL80211_ATTR_CHANNEL_WIDTH"], C["NL80211_CHAN_WIDTH_20"]),
         u32(C["NL80211_ATTR_CENTER_FREQ1"], 5180),
         u32(C["NL80211_ATTR_WIPHY_TX_POWER_LEVEL"], 2200)]
    if ssid is not None:
        a.append(attr(C["NL80211_ATTR_SSID"], ssid))
    return msg(C["NL80211_CMD_NEW_INTERFACE"], a)

def bss(bssid, ssid, mbm, status=None):
    """One entry of the NL80211_CMD_GET_SCAN dump (nl80211_send_bss)."""
    ies = bytes([0, len(ssid)]) + ssid + bytes([1, 4, 0x8c, 0x12, 0x98, 0x24])  # SSID, rates
    b = [attr(C["NL80211_BSS_BSSID"], bssid), u64(C["NL80211_BSS_TSF"], 123456789),
         attr(C["NL80211_BSS_INFORMATION_ELEMENTS"], ies),
         u16(C["NL80211_BSS_BEACON_INTERVAL"], 100), u16(C["NL80211_BSS_CAPABILITY"], 0x1111),
         u32(C["NL80211_BSS_FREQUENCY"], 5180), u32(C["NL80211_BSS_SEEN_MS_AGO"], 40),
         s32(C["NL80211_BSS_SIGNAL_MBM"], mbm)]
    if status is not None:
        b.append(u32(C["NL80211_BSS_STATUS"], status))
    m = msg(C["NL80211_CMD_NEW_SCAN_RESULTS"], [
        u32(C["NL80211_ATTR_GENERATION"], 9), u32(C["NL80211_ATTR_IFINDEX"], IFINDEX),
        u64(C["NL80211_ATTR_WDEV"], 1), nest(C["NL80211_ATTR_BSS"], b)])
    return m[:6] + struct.pack("H", MULTI) + m[8:]

messages = {
    # An AP refusing association: status 17 (AP unable to handle additional associated STAs).
    "nl80211-connect-refused.hex": msg(C["NL80211_CMD_CONNECT"], [
        u32(C["NL80211_ATTR_WIPHY"], 0), u32(C["NL80211_ATTR_IFINDEX"], IFINDEX),
        attr(C["NL80211_ATTR_MAC"], BSSID), u16(C["NL80211_ATTR_STATUS_CODE"], 17)]),
    # No answer from the AP: status 1 (unspecified failure), timed out, reason 1 (no response).
    "nl80211-connect-timeout.hex": msg(C["NL80211_CMD_CONNECT"], [
        u32(C["NL80211_ATTR_WIPHY"], 0), u32(C["NL80211_ATTR_IFINDEX"], IFINDEX),
        attr(C["NL80211_ATTR_MAC"], BSSID), u16(C["NL80211_ATTR_STATUS_CODE"], 1),
        attr(C["NL80211_ATTR_TIMED_OUT"]), u32(C["NL80211_ATTR_TIMEOUT_REASON"], 1)]),
    "nl80211-connect-ok.hex": msg(C["NL80211_CMD_CONNECT"], [
        u32(C["NL80211_ATTR_WIPHY"], 0), u32(C["NL80211_ATTR_IFINDEX"], IFINDEX),
        attr(C["NL80211_ATTR_MAC"], BSSID), u16(C["NL80211_ATTR_STATUS_CODE"], 0)]),
    # Deauthenticated by the AP: reason 2 (previous authentication no longer valid).
    "nl80211-disconnect-by-ap.hex": msg(C["NL80211_CMD_DISCONNECT"], [
        u32(C["NL80211_ATTR_WIPHY"], 0), u32(C["NL80211_ATTR_IFINDEX"], IFINDEX),
        u16(C["NL80211_ATTR_REASON_CODE"], 2), attr(C["NL80211_ATTR_DISCONNECTED_BY_AP"])]),
    "nl80211-auth-timeout.hex": msg(C["NL80211_CMD_AUTHENTICATE"], [
        u32(C["NL80211_ATTR_WIPHY"], 0), u32(C["NL80211_ATTR_IFINDEX"], IFINDEX),
        attr(C["NL80211_ATTR_TIMED_OUT"]), attr(C["NL80211_ATTR_MAC"], BSSID)]),
    # The driver moved to the next access point of the SSID (nl80211_send_roamed).
    "nl80211-roam.hex": msg(C["NL80211_CMD_ROAM"], [
        u32(C["NL80211_ATTR_WIPHY"], 0), u32(C["NL80211_ATTR_IFINDEX"], IFINDEX),
        attr(C["NL80211_ATTR_MAC"], BSSID2), attr(C["NL80211_ATTR_REQ_IE"], b"\0\x09corp-wifi"),
        attr(C["NL80211_ATTR_RESP_IE"], bytes([1, 4, 0x8c, 0x12, 0x98, 0x24]))]),
    "nl80211-iface-station.hex": iface(C["NL80211_IFTYPE_STATION"], b"corp-wifi"),
    # A station not associated: no SSID.
    "nl80211-iface-station-idle.hex": iface(C["NL80211_IFTYPE_STATION"]),
    # An SSID with a byte that is not printable, as some hotspots name themselves.
    "nl80211-iface-station-odd-ssid.hex": iface(C["NL80211_IFTYPE_STATION"], b"caf\xe9 wifi"),
    # This machine is the access point: its SSID is not one it joined.
    "nl80211-iface-ap.hex": iface(C["NL80211_IFTYPE_AP"], b"hotspot"),
    "nl80211-bss-associated.hex": bss(BSSID2, b"corp-wifi", -5400,
                                      C["NL80211_BSS_STATUS_ASSOCIATED"]),
    "nl80211-bss-other.hex": bss(BSSID, b"corp-wifi", -7100),
    "nl80211-bss-authenticated.hex": bss(BSSID, b"corp-wifi", -6000,
                                         C["NL80211_BSS_STATUS_AUTHENTICATED"]),
}

if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    for name, m in messages.items():
        open(name, "w").write(m.hex() + "\n")
