"""A fake GOV.UK Notify on 127.0.0.1, for tests: it checks each request's token the way Notify
does (a JWT signed with the API key's secret, issued by the service), records what it is sent,
answers as Notify answers, or with the statuses it is told to. The real service is never used."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"amends_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TEXT_TEMPLATE = "a9c5c4a5-c3c9-4ea0-9a4b-6d3f8e7c9f11"


class FakeNotify:
    def __init__(self, answers=()):
        self.answers = list(answers)
        self.requests: list[dict] = []
        self.refused_tokens = 0
        self.hold_on: int | None = None  # hold the n-th request (1-based) until released
        self.holding = threading.Event()
        self.release = threading.Event()
        notify = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                    assert claims["iss"] == SERVICE_ID
                except Exception:
                    notify.refused_tokens += 1
                    return self._answer(403, {"errors": [{"error": "AuthError"}]})
                kind = self.path.rsplit("/", 1)[-1]
                notify.requests.append({"kind": kind, **body})
                if notify.hold_on == len(notify.requests):
                    notify.holding.set()
                    notify.release.wait(20)
                status = notify.answers.pop(0) if notify.answers else 201
                if status != 201:
                    return self._answer(
                        status, {"errors": [{"error": "BadRequestError", "message": "no"}]}
                    )
                self._answer(
                    201,
                    {
                        "id": str(uuid.uuid4()),
                        "reference": body.get("reference"),
                        "content": {"body": body["personalisation"].get("body", "")},
                        "uri": f"http://127.0.0.1/v2/notifications/{uuid.uuid4()}",
                        "template": {"id": body["template_id"], "version": 1, "uri": ""},
                    },
                )

            def _answer(self, status, data):
                payload = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the sender is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def of(self, kind: str) -> list[dict]:
        return [r for r in self.requests if r["kind"] == kind]

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
