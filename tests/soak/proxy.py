#!/usr/bin/python3
"""The soak's hostile network in front of the collector: in mode `pass` it relays TCP (the TLS
stays end to end between agent and collector); in the other modes it terminates TLS with the
collector's certificate and answers badly. The mode is read from MODE_FILE; on a change every
open connection is cut so that keep-alive connections cannot outlive the mode they began in.

usage: proxy.py LISTEN_HOST:PORT BACKEND_HOST:PORT CERT KEY MODE_FILE
modes: pass | slow (relay, each chunk towards the collector held 4 s) | empty200 | garbage200 |
       e500 (a 500 whose body has a tab and invalid UTF-8) | truncated | stall
"""
import os
import random
import socket
import ssl
import sys
import threading
import time

listen, backend, cert, key, mode_file = sys.argv[1:6]
lhost, lport = listen.rsplit(":", 1)
bhost, bport = backend.rsplit(":", 1)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
lock = threading.Lock()
live = set()
rng = random.Random(int(os.environ.get("SOAK_SEED", "1")))


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def mode():
    try:
        with open(mode_file) as f:
            return f.read().strip() or "pass"
    except OSError:
        return "pass"


def track(s):
    with lock:
        live.add(s)


def untrack(*socks):
    with lock:
        for s in socks:
            live.discard(s)
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def pipe(src, dst, delay):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if delay:
                time.sleep(delay)
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def relay(c, peer, delay):
    try:
        b = socket.create_connection((bhost, int(bport)), timeout=3)
        b.settimeout(None)
    except OSError as e:
        log(f"{peer} backend down: {e}")
        untrack(c)
        return
    track(b)
    t = threading.Thread(target=pipe, args=(b, c, 0), daemon=True)
    t.start()
    pipe(c, b, delay)
    t.join(30)
    untrack(c, b)


def read_request(t):
    """Reads one HTTP request (headers and Content-Length body); returns its size."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = t.recv(65536)
        if not d:
            return len(buf)
        buf += d
    head, _, body = buf.partition(b"\r\n\r\n")
    n = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            n = int(line.split(b":", 1)[1])
    while len(body) < n:
        d = t.recv(65536)
        if not d:
            break
        body += d
    return len(buf) + len(body) - len(body[:0])


def hostile(c, peer, m):
    t = None
    try:
        c.settimeout(15)
        t = ctx.wrap_socket(c, server_side=True)
        track(t)
        size = read_request(t)
        if m == "empty200":
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        elif m == "garbage200":
            body = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64)))
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n"
                      b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        elif m == "e500":
            body = b"internal\terror \xff\xfe\xc3( from a broken proxy"
            t.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: %d\r\n"
                      b"Connection: close\r\n\r\n" % len(body) + body)
        elif m == "truncated":
            t.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n"
                      b"Content-Length: 100\r\n\r\n\x08\x01")
        elif m == "stall":
            time.sleep(30)
        log(f"{peer} {m}: answered a {size}-byte request")
    except (OSError, ssl.SSLError, ValueError) as e:
        log(f"{peer} {m}: {e}")
    untrack(c)
    if t:
        untrack(t)


def serve(c, addr):
    peer = addr[0]
    track(c)
    m = mode()
    if m in ("pass", "slow"):
        relay(c, peer, 4 if m == "slow" else 0)
    else:
        hostile(c, peer, m)


def watch():
    last = mode()
    while True:
        time.sleep(0.2)
        m = mode()
        if m != last:
            with lock:
                socks = list(live)
            for s in socks:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            log(f"mode {last} -> {m}: cut {len(socks)} sockets")
            last = m


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((lhost, int(lport)))
srv.listen(64)
threading.Thread(target=watch, daemon=True).start()
log(f"listening on {listen}, backend {backend}")
while True:
    c, addr = srv.accept()
    threading.Thread(target=serve, args=(c, addr), daemon=True).start()
