"""A real HTTP server on 127.0.0.1 that plays a video provider: kind, slow, broken or hostile.

Tests register what each path answers; the server records every request it gets.
"""

import contextlib
import json
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

from PIL import Image


class FakeProvider:
    def __init__(self):
        self.routes = {}
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def on(self, path, answer):
        """Answer requests for path (query ignored) with answer(handler)."""
        self.routes[path] = answer

    def oembed(self, provider, data=None, **kwargs):
        """Serve oEmbed JSON for provider at /oembed/<provider>; return the endpoint URL."""
        path = f"/oembed/{provider}"
        self.on(path, data if callable(data) else json_answer(data or {}, **kwargs))
        return self.url + path

    def asked_for(self, path):
        return [url for url in self.requests if urlsplit(url).path == path]


def _handler_for(fake):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            fake.requests.append(self.path)
            answer = fake.routes.get(urlsplit(self.path).path)
            if answer is None:
                self.send_response(404)
                self.end_headers()
                return
            # The client giving up on a slow or huge answer is what we test for.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                answer(self)

        def log_message(self, *args):
            pass

        def query(self):
            return parse_qs(urlsplit(self.path).query)

    return Handler


def send(handler, status=200, body=b"", content_type="application/json", headers=()):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def json_answer(data, *, status=200, content_type="application/json"):
    body = json.dumps(data).encode()
    return lambda handler: send(handler, status, body, content_type)


def bytes_answer(body, *, status=200, content_type="image/jpeg"):
    return lambda handler: send(handler, status, body, content_type)


def status_answer(status):
    return lambda handler: send(handler, status, b'{"error": "nope"}')


def slow_answer(seconds, then):
    def answer(handler):
        time.sleep(seconds)
        then(handler)

    return answer


def trickle_answer(total_seconds, body=b"{}" * 100):
    """Send a byte at a time, each well within a socket timeout, the whole far beyond it."""

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        pause = total_seconds / len(body)
        for byte in body:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(pause)

    return answer


def huge_answer(size, *, declare_length=False):
    """Stream size bytes of JSON-looking filler, with or without a Content-Length."""

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declare_length:
            handler.send_header("Content-Length", str(size))
        handler.end_headers()
        chunk = b" " * 65536
        sent = 0
        while sent < size:
            handler.wfile.write(chunk)
            sent += len(chunk)

    return answer


def redirect_answer(location, status=302):
    def answer(handler):
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def image_bytes(fmt="JPEG", size=(1280, 720), color=(200, 40, 30), mode="RGB"):
    buffer = BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def png_claiming_size(width, height):
    """A PNG whose header claims a huge size; its pixel data is a few bytes (a bomb's shape)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
