#!/usr/bin/env python3
"""Lays out nl80211 MLME events exactly as the kernel's net/wireless/nl80211.c sends them, with
the attribute numbers of the installed <linux/nl80211.h> (see README.md)."""
import os, struct, subprocess, tempfile

NAMES = ["NL80211_CMD_CONNECT", "NL80211_CMD_DISCONNECT", "NL80211_CMD_AUTHENTICATE",
         "NL80211_ATTR_WIPHY", "NL80211_ATTR_IFINDEX", "NL80211_ATTR_MAC",
         "NL80211_ATTR_STATUS_CODE", "NL80211_ATTR_REASON_CODE", "NL80211_ATTR_TIMED_OUT",
         "NL80211_ATTR_DISCONNECTED_BY_AP", "NL80211_ATTR_TIMEOUT_REASON"]

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
def u16(t, v): return attr(t, struct.pack("H", v))
BSSID = bytes.fromhex("a0b1c2d3e4f5")
IFINDEX = 7

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
}

if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    for name, m in messages.items():
        open(name, "w").write(m.hex() + "\n")
