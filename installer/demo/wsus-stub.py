#!/usr/bin/env python3
"""A stand-in WSUS server for the demo: answers 503 for the first SECONDS, then 200, as an
overloaded WSUS app pool does. Usage: wsus-stub.py PORT SECONDS"""
import http.server
import sys
import time

PORT, OUTAGE = int(sys.argv[1]), float(sys.argv[2])
START = time.monotonic()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        down = time.monotonic() - START < OUTAGE
        body = b"Service Unavailable\n" if down else b"WSUS\n"
        self.send_response(503 if down else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
