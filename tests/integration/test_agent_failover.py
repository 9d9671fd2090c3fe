#!/usr/bin/env python3
"""A TCP relay in front of a collector, for test_agent_failover.sh: it passes TLS through
untouched, until CUT_FILE exists; from then on, whatever the collector sends back (the ack of a
report it has already committed) is dropped, the agent's connection is closed and a line is
appended to MARK_FILE. That is a collector dying between its commit and its ack, made
deterministic. Usage: test_agent_failover.py PORT_FILE TARGET_PORT CUT_FILE MARK_FILE"""
import os
import socket
import sys
import threading

port_file, target, cut_file, mark_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def pipe(src, dst, from_collector):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if from_collector and os.path.exists(cut_file):
                with open(mark_file, "a") as f:
                    f.write("%d bytes dropped\n" % len(data))
                break
            dst.sendall(data)
    except OSError:
        pass
    close(src, dst)


def handle(client):
    try:
        upstream = socket.create_connection(("127.0.0.1", target), timeout=2)
        upstream.settimeout(None)
    except OSError:
        close(client)  # the collector is down: the agent sees a connection closed at once
        return
    threading.Thread(target=pipe, args=(client, upstream, False), daemon=True).start()
    pipe(upstream, client, True)


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(64)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
