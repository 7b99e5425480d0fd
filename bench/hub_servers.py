#!/usr/bin/env python3
"""The two other hosts of the Docker Hub topology, for the benchmark, on 127.0.0.1 over TLS.

Docker Hub answers a registry request without a token with 401 and a Bearer challenge whose realm
is another host (auth.docker.io), and answers a blob GET with a 307 to a third host (its CDN,
production.cloudflare.docker.com). The registry under test (Debian's docker-registry in
`auth: token` mode with the `redirect` storage middleware) plays registry-1.docker.io; this
script plays the two others:

- `token`: the token server of the distribution token spec (docs/spec/auth/token.md): GET with
  `service` and `scope` answers `{"token": ..., "access_token": ..., "expires_in": 300}`, a JWT
  signed RS256 with a key whose certificate the registry trusts (`rootcertbundle`), carried in the
  `x5c` header as distribution's token verifier expects. Anonymous: every scope asked is granted
  `pull`, as Docker Hub does for public repositories.
- `cdn`: serves the registry's storage directory as files, which is what the redirect
  middleware's URLs name (baseurl + the storage driver path of the blob's data file).

Each request is appended to `--log` as `REQ <METHOD> <path>`. The listening port is written to
`--port-file`. HTTP/1.1 with keep-alive; ALPN offers http/1.1 only (python's ssl has no HTTP/2).
"""

import argparse
import base64
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse
import uuid


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    """RS256 JWTs with the signing certificate in x5c (distribution registry/auth/token)."""

    def __init__(self, key_path, cert_path, issuer):
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography import x509

        with open(key_path, "rb") as file:
            self.key = serialization.load_pem_private_key(file.read(), password=None)
        with open(cert_path, "rb") as file:
            der = x509.load_pem_x509_certificate(file.read()).public_bytes(serialization.Encoding.DER)
        self.x5c = base64.b64encode(der).decode()
        self.issuer = issuer
        self.padding, self.hash = padding.PKCS1v15(), hashes.SHA256()

    def token(self, service, scopes):
        now = int(time.time())
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, _actions = rest.rpartition(":")
            if kind and name:
                access.append({"type": kind, "name": name, "actions": ["pull"]})
        header = {"alg": "RS256", "typ": "JWT", "x5c": [self.x5c]}
        claims = {"iss": self.issuer, "sub": "", "aud": service, "exp": now + 300, "nbf": now - 10, "iat": now,
                  "jti": uuid.uuid4().hex, "access": access}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        signature = self.key.sign(signing_input.encode(), self.padding, self.hash)
        return signing_input + "." + b64url(signature)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Go's net/http (the registry; Docker Hub's token server) sets TCP_NODELAY on every
        # connection, and so do CDNs. Without it the body, written after the headers, waits for
        # the client's delayed ACK: 40 ms per answer on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *_):
        pass

    def reply(self, status, body, content_type, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        self.server.log(f"REQ {self.command} {self.path}")
        url = urllib.parse.urlsplit(self.path)
        if self.server.mode == "token":
            query = urllib.parse.parse_qs(url.query)
            token = self.server.signer.token(query.get("service", [""])[0], query.get("scope", []))
            body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
            return self.reply(200, body, "application/json")
        path = os.path.normpath(urllib.parse.unquote(url.path)).lstrip("/")
        full = os.path.join(self.server.root, path)
        if path.startswith("..") or not os.path.isfile(full):
            return self.reply(404, b"not found\n", "text/plain")
        with open(full, "rb") as file:
            body = file.read()
        return self.reply(200, body, "application/octet-stream")

    do_HEAD = do_GET


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # socketserver listens with a backlog of 5: a client opening 16 connections at once would
    # have SYNs dropped and retried a second later, a stall no CDN or token server causes.
    request_queue_size = 128

    def __init__(self, args):
        super().__init__(("127.0.0.1", args.port), Handler)
        self.mode, self.root = args.mode, args.root
        self.signer = Signer(args.key, args.cert, args.issuer) if args.mode == "token" else None
        self.lock = threading.Lock()
        self.log_file = open(args.log, "a", buffering=1, encoding="utf-8")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        context.set_alpn_protocols(["http/1.1"])
        # The handshake happens in the connection's own thread, not in accept(): over the latency
        # proxy it takes round trips, and a handshake in accept() would serialise connections.
        self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def log(self, line):
        with self.lock:
            self.log_file.write(line + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["token", "cdn"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--tls-cert", required=True, help="server certificate (PEM)")
    parser.add_argument("--tls-key", required=True)
    parser.add_argument("--key", help="token: the signing key (PEM)")
    parser.add_argument("--cert", help="token: the signing certificate (PEM), in the registry's rootcertbundle")
    parser.add_argument("--issuer", default="digestx-bench-issuer")
    parser.add_argument("--root", help="cdn: the registry's storage root directory")
    args = parser.parse_args()
    if args.mode == "token" and not (args.key and args.cert):
        parser.error("token needs --key and --cert")
    if args.mode == "cdn" and not args.root:
        parser.error("cdn needs --root")
    server = Server(args)
    with open(args.port_file + ".tmp", "w", encoding="utf-8") as file:
        file.write(f"{server.server_address[1]}\n")
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
