#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that adds network latency and logs every HTTP request it relays.

Loopback answers in microseconds, so a benchmark against a local registry would rank tools by
CPU time alone. Over a real network a client pays round trips: every request, every new
connection, every https attempt that falls back to http. This proxy makes those visible:

- every chunk read from the client reaches the registry `--up-ms` later, every chunk read from the
  registry reaches the client `--down-ms` later (each chunk keeps its own delay and the order is
  kept, so a pipelined stream is not slowed twice);
- the first chunk of a connection waits `--connect-ms` more (default up + down), standing in for the
  TCP handshake, which the kernel completes locally before the proxy sees the connection;
- each HTTP/1.x request line seen from a client is appended to `--log` as
  `REQ <conn> <METHOD> <path>`, each connection as `CONN <conn>` when it opens and as
  `END <conn> <bytes up> <bytes down>` when it closes; bytes that are not HTTP/1.x (a TLS
  ClientHello from a client probing https first) are logged as `RAW <conn> <n>`.

The listening port is written to `--port-file` once the socket is bound (port 0 = any free port).
"""

import argparse
import asyncio
import itertools
import os
import re
import sys
import time

REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]$")
CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)
CHUNKED = re.compile(rb"^transfer-encoding:.*chunked", re.IGNORECASE | re.MULTILINE)


class RequestLog:
    """Appends one line per event and flushes, so a client that has exited has been counted."""

    def __init__(self, path):
        self.file = open(path, "a", buffering=1, encoding="utf-8")

    def write(self, line):
        self.file.write(line + "\n")


class RequestParser:
    """Finds request lines in a client's byte stream: headers up to CRLFCRLF, then a
    Content-Length body is skipped. A chunked or unparsable stream stops the parsing for that
    connection (the benchmark's clients only send bodiless GET and HEAD requests)."""

    def __init__(self, conn_id, log):
        self.conn_id = conn_id
        self.log = log
        self.buffer = b""
        self.skip = 0
        self.done = False

    def feed(self, data):
        if self.done:
            return
        self.buffer += data
        while True:
            if self.skip:
                taken = min(self.skip, len(self.buffer))
                self.buffer = self.buffer[taken:]
                self.skip -= taken
                if self.skip:
                    return
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536 or (self.buffer and not self.buffer[:1].isalpha()):
                    self.give_up()
                return
            head = self.buffer[:end]
            self.buffer = self.buffer[end + 4:]
            first = head.split(b"\r\n", 1)[0]
            match = REQUEST_LINE.match(first)
            if not match:
                self.give_up(len(head))
                return
            method, path = match.group(1).decode(), match.group(2).decode("latin-1")
            self.log.write(f"REQ {self.conn_id} {method} {path}")
            if CHUNKED.search(head):
                self.done = True
                return
            length = CONTENT_LENGTH.search(head)
            self.skip = int(length.group(1)) if length else 0

    def give_up(self, extra=0):
        self.log.write(f"RAW {self.conn_id} {len(self.buffer) + extra}")
        self.done = True
        self.buffer = b""


async def pump(reader, writer, delay_s, first_extra_s, counter, on_data):
    """Copies reader to writer, each chunk delivered delay_s after it was read, in order."""
    queue = asyncio.Queue()

    async def deliver():
        while True:
            item = await queue.get()
            if item is None:
                break
            due, data = item
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    sender = asyncio.create_task(deliver())
    extra = first_extra_s
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            counter[0] += len(data)
            if on_data:
                on_data(data)
            queue.put_nowait((time.monotonic() + delay_s + extra, data))
            extra = 0.0
    except (ConnectionError, OSError):
        pass
    finally:
        queue.put_nowait(None)
        try:
            await sender
        except (ConnectionError, OSError):
            pass


async def handle(client_reader, client_writer, args, log, ids):
    conn_id = next(ids)
    log.write(f"CONN {conn_id}")
    up, down = [0], [0]
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(args.upstream_host, args.upstream_port)
    except OSError as error:
        log.write(f"ERR {conn_id} upstream: {error}")
        client_writer.close()
        return
    parser = RequestParser(conn_id, log)
    connect_s = (args.connect_ms if args.connect_ms is not None else args.up_ms + args.down_ms) / 1000.0
    await asyncio.gather(
        pump(client_reader, upstream_writer, args.up_ms / 1000.0, connect_s, up, parser.feed),
        pump(upstream_reader, client_writer, args.down_ms / 1000.0, 0.0, down, None),
    )
    for writer in (upstream_writer, client_writer):
        writer.close()
    log.write(f"END {conn_id} {up[0]} {down[0]}")


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the registry")
    parser.add_argument("--up-ms", type=float, default=12.5, help="client to registry delay per chunk")
    parser.add_argument("--down-ms", type=float, default=12.5, help="registry to client delay per chunk")
    parser.add_argument("--connect-ms", type=float, default=None, help="extra delay of a connection's first chunk")
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    host, _, port = args.upstream.rpartition(":")
    args.upstream_host, args.upstream_port = host, int(port)

    log = RequestLog(args.log)
    ids = itertools.count(1)
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args, log, ids), host="127.0.0.1", port=args.listen_port
    )
    bound = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w", encoding="utf-8") as file:
        file.write(f"{bound}\n")
    os.replace(args.port_file + ".tmp", args.port_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
