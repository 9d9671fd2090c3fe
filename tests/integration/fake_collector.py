#!/usr/bin/env python3
"""A hostile or broken stand-in for the collector (and a WSUS server), for the agent's
delivery tests. Usage: fake_collector.py PORT_FILE LOG MODE
  empty200    every POST gets 200 with an empty body (not an ack)
  hostile500  every POST gets 500 with a tab, invalid UTF-8 and a C1 control in the body
  stall       every POST is answered after 8 s (an agent stuck in a send)
  ok          GETs (WSUS probes) get 200
Each request is logged as one JSON line: method, path, enrollment token present, time."""
import json
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

port_file, log_path, mode = sys.argv[1:4]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def note(self):
        with open(log_path, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "token": self.headers.get("X-Whb-Enrollment") is not None,
                                "t": time.time()}) + "\n")

    def reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.note()
        self.reply(200, b"ok")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.note()
        if mode == "empty200":
            self.reply(200, b"")
        elif mode == "hostile500":
            self.reply(500, b"internal\terror \xff\xfe \xc2\x85 \xe2\x80\xae reversed")
        elif mode == "stall":
            time.sleep(8)
            self.reply(503, b"busy")
        else:
            self.reply(404, b"no")


srv = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
