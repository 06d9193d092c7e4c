#!/usr/bin/env python3
"""A small HTTP/1.1 file server for the feed download tests (tests/support/feed_server.hpp).

Serves the files under --root on 127.0.0.1 at a free port and prints the port on its first line.
  /files/PATH           the file (PATH percent-decoded), with ETag and Last-Modified; If-None-Match /
                        If-Modified-Since -> 304
  /noetag/PATH          the file without validators
  /redirect/N/PATH      N redirects (302), then /files/PATH
  /auth/PATH            the file, only with Basic auth as user "reader", password "s3cret:/@" (else 401)
  /truncate/PATH        announces the file's length, sends half of it and closes the connection
  /drip/PATH            announces the file's length and sends one byte of it per second
  /status/CODE          an empty answer with that status
  /to/URL               302 to URL (absolute, as written after "/to/")
With --cert and --key (PEM) it serves https instead.
  /_log                 one line per earlier request: "PATH STATUS AUTH" (AUTH: "auth" or "-")
"""
import argparse
import base64
import email.utils
import hashlib
import http.server
import os
import ssl
import sys
import threading
import time
import urllib.parse

PASSWORD = "s3cret:/@"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log = []
    log_lock = threading.Lock()

    def log_message(self, format, *args):  # quiet
        pass

    def record(self, status):
        auth = "auth" if self.headers.get("Authorization") else "-"
        with Handler.log_lock:
            Handler.log.append(f"{self.path} {status} {auth}")

    def answer(self, status, body=b"", headers=()):
        self.record(status)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def file_path(self, rel):
        path = os.path.realpath(os.path.join(self.server.root, rel))
        if not path.startswith(self.server.root + os.sep) or not os.path.isfile(path):
            return None
        return path

    def serve_file(self, rel, validators=True):
        path = self.file_path(rel)
        if path is None:
            return self.answer(404, b"not found\n")
        with open(path, "rb") as f:
            body = f.read()
        headers = []
        if validators:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            modified = email.utils.formatdate(int(os.stat(path).st_mtime), usegmt=True)
            headers = [("ETag", etag), ("Last-Modified", modified)]
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (inm is not None and inm == etag) or (inm is None and ims is not None and ims == modified):
                return self.answer(304, b"", headers)
        self.answer(200, body, headers + [("Content-Type", "application/octet-stream")])

    def do_GET(self):
        parts = self.path.split("/", 2)
        kind = parts[1] if len(parts) > 1 else ""
        rest = parts[2] if len(parts) > 2 else ""
        if kind == "files":
            return self.serve_file(urllib.parse.unquote(rest))
        if kind == "noetag":
            return self.serve_file(rest, validators=False)
        if kind == "redirect":
            n, _, target = rest.partition("/")
            n = int(n)
            location = f"/redirect/{n - 1}/{target}" if n > 1 else f"/files/{target}"
            return self.answer(302, b"moved\n", [("Location", location)])
        if kind == "auth":
            want = "Basic " + base64.b64encode(f"reader:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") != want:
                return self.answer(401, b"no\n", [("WWW-Authenticate", 'Basic realm="feeds"')])
            return self.serve_file(rest)
        if kind == "truncate":
            path = self.file_path(rest)
            with open(path, "rb") as f:
                body = f.read()
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        if kind == "drip":
            path = self.file_path(rest)
            with open(path, "rb") as f:
                body = f.read()
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(1)
            return None
        if kind == "to":
            return self.answer(302, b"moved\n", [("Location", self.path[len("/to/"):])])
        if kind == "status":
            return self.answer(int(rest))
        if kind == "_log":
            with Handler.log_lock:
                text = "".join(line + "\n" for line in Handler.log)
            return self.answer(200, text.encode())
        return self.answer(404, b"not found\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that stop reading (the size cap) or drop the connection are expected here.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.root = os.path.realpath(args.root)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
