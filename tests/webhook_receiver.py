"""A tiny webhook receiver on 127.0.0.1, as an agency's system would run: it records what
it is sent, answers with the statuses it is told to, and checks signatures the way the API
documentation tells receivers to."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """The receiver's check, as the API documentation gives it."""
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    fresh = abs(time.time() - int(timestamp)) < 300
    return fresh and hmac.compare_digest(f"v1={expected}", signature)


class Receiver:
    def __init__(self, answers=()):
        self.answers = list(answers)
        self.requests: list[dict] = []
        self.hold_on: int | None = None  # hold the n-th request (1-based) until released
        self.holding = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                if receiver.hold_on == len(receiver.requests):
                    receiver.holding.set()
                    receiver.release.wait(20)
                status = receiver.answers.pop(0) if receiver.answers else 200
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", "/somewhere-else")
                    self.end_headers()
                except OSError:
                    pass  # the sender is gone

            def do_GET(self):
                receiver.requests.append({"headers": dict(self.headers), "body": b"", "get": True})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/amends-webhooks"

    def ids(self) -> list[str]:
        return [r["headers"]["Amends-Webhook-Id"] for r in self.requests]

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
