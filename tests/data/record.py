#!/usr/bin/env python3
"""Records the real inputs the agent's parsers are tested on (run as root; see README.md here).

  record.py netlink  -> link-veth-*.hex: RTM_NEWLINK messages the kernel sends when the peer of
                        a veth goes down and up
  record.py lldp     -> lldp-lldpd.hex: one LLDP frame sent by a real lldpd
  record.py lldp-mgmt -> lldp-lldpd-mgmt.hex: the same from a switch with a management address
"""
import os, socket, struct, subprocess, sys, time

def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)

def netlink():
    sh("ip netns add whb-rec 2>/dev/null || true")
    sh("ip link add whbrec0 type veth peer name whbrec1 netns whb-rec")
    try:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE
        s.bind((0, 1))  # RTMGRP_LINK
        sh("ip link set whbrec0 up")
        sh("ip -n whb-rec link set whbrec1 up")
        time.sleep(0.3)
        drain(s)
        sh("ip -n whb-rec link set whbrec1 down")
        grab(s, "link-veth-carrier-lost.hex", lambda m: carrier(m) == 0)
        sh("ip -n whb-rec link set whbrec1 up")
        grab(s, "link-veth-carrier-gained.hex", lambda m: carrier(m) == 1)
    finally:
        sh("ip link del whbrec0 2>/dev/null || true; ip netns del whb-rec")

def drain(s):
    s.setblocking(False)
    try:
        while s.recv(65536):
            pass
    except BlockingIOError:
        pass
    s.setblocking(True)

def carrier(msg):
    # struct nlmsghdr (16) + struct ifinfomsg (16), then attributes; IFLA_CARRIER = 33
    off = 32
    while off + 4 <= len(msg):
        ln, typ = struct.unpack_from("HH", msg, off)
        if ln < 4:
            break
        if typ == 33:
            return msg[off + 4]
        off += (ln + 3) & ~3
    return None

def grab(s, name, want):
    s.settimeout(3)
    while True:
        m = s.recv(65536)
        ln = struct.unpack_from("I", m, 0)[0]
        m = m[:ln]
        if struct.unpack_from("H", m, 4)[0] == 16 and want(m):  # RTM_NEWLINK
            open(name, "w").write(m.hex() + "\n")
            return

def lldp(mgmt=None):
    """One frame from lldpd on swp7; with mgmt, the switch has that management address (on a
    port of its own) and lldpd advertises it (Management Address TLV)."""
    ns, sw = ("whb-recm", "whb-recm-sw") if mgmt else ("whb-rec", "whb-rec-sw")
    sh(f"ip netns add {ns}")
    sh(f"ip netns add {sw}")
    sh(f"ip -n {ns} link add eth0 type veth peer name swp7 netns {sw}")
    sh(f"ip -n {ns} link set eth0 up; ip -n {sw} link set swp7 up")
    extra = []
    if mgmt:
        sh(f"ip -n {sw} link add mgmt0 type veth peer name mgmt1; ip -n {sw} link set mgmt1 up; ip -n {sw} addr add {mgmt}/24 dev mgmt0;"
           f" ip -n {sw} link set mgmt0 up")
        extra = ["-m", mgmt]
    try:
        speaker = subprocess.Popen(["ip", "netns", "exec", sw, "lldpd", "-d", "-u",
                                    f"/tmp/{sw}-lldpd.sock", "-S", "access switch", "-I",
                                    "swp7"] + extra, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        fd = subprocess.check_output(
            ["ip", "netns", "exec", ns, "python3", "-c",
             "import socket;s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW,socket.htons(0x88cc));"
             "s.settimeout(10);print(s.recv(2048).hex())"])
        open("lldp-lldpd-mgmt.hex" if mgmt else "lldp-lldpd.hex", "w").write(fd.decode())
    finally:
        speaker.terminate()
        speaker.wait()
        sh(f"ip netns del {ns}; ip netns del {sw}")

if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    {"netlink": netlink, "lldp": lldp,
     "lldp-mgmt": lambda: lldp("192.0.2.17")}[sys.argv[1]]()
