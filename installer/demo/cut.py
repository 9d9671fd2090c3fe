#!/usr/bin/env python3
"""The demo's network path between some machines and the collector: a TCP relay that the
network team "cuts" for a while (a shut switch port, a pulled cable), as the real path would be:
while cut, nothing gets through (connections are refused or dropped); before and after, every
byte is relayed unchanged (TLS end to end). Times count from START, a Unix time that fleet.sh
takes just before it starts the machines, so that the cut and the machines' own scenario clocks
agree. Each CUT_S:BACK_S is one path (BACK_S 0: never back) with a port of its own, written
to PORT_FILE, one a line, in order, once all listen.
Usage: cut.py PORT_FILE TARGET_HOST:PORT START CUT_S:BACK_S..."""
import os
import socket
import sys
import threading
import time

PORT_FILE, START = sys.argv[1], float(sys.argv[3])
TARGET = (sys.argv[2].rsplit(":", 1)[0].strip("[]"), int(sys.argv[2].rsplit(":", 1)[1]))
PATHS = [tuple(float(x) for x in w.split(":")) for w in sys.argv[4:]]
open_conns = {}  # socket -> the path it belongs to
lock = threading.Lock()


def is_cut(path):
    cut, back = PATHS[path]
    t = time.time() - START
    return t >= cut and (back <= 0 or t < back)


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(client, path):
    try:
        server = socket.create_connection(TARGET, timeout=5)
        server.settimeout(None)
    except OSError:
        client.close()
        return
    with lock:
        open_conns[client] = open_conns[server] = path
    a = threading.Thread(target=pump, args=(client, server), daemon=True)
    a.start()
    pump(server, client)
    a.join()
    with lock:
        open_conns.pop(client, None)
        open_conns.pop(server, None)
    client.close()
    server.close()


def cutter(path):
    """At the cut, what was open goes down with the link."""
    delay = START + PATHS[path][0] - time.time()
    if delay > 0:
        time.sleep(delay)
    with lock:
        for s, p in list(open_conns.items()):
            if p == path:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def serve(lsn, path):
    while True:
        conn, _ = lsn.accept()
        if is_cut(path):
            conn.close()
            continue
        threading.Thread(target=relay, args=(conn, path), daemon=True).start()


ports = []
for i in range(len(PATHS)):
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(64)
    ports.append(lsn.getsockname()[1])
    threading.Thread(target=cutter, args=(i,), daemon=True).start()
    threading.Thread(target=serve, args=(lsn, i), daemon=True).start()
with open(PORT_FILE + ".tmp", "w") as f:
    f.write("".join("%d\n" % p for p in ports))
os.replace(PORT_FILE + ".tmp", PORT_FILE)
while True:
    time.sleep(3600)
