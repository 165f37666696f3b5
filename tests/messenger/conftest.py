"""A local Slack-compatible HTTP server that records what it receives and answers as told."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


class SlackDouble:
    """Records requests; `answers` is a queue of (status, headers, body) popped per request (last one repeats)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict, str]] = [(200, {}, json.dumps({"ok": True, "ts": "1.0"}))]

    def answer(self, *answers: tuple[int, dict, str]) -> None:
        self.answers = list(answers)


@pytest.fixture
def slack_server():
    double = SlackDouble()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            body = json.loads(raw) if self.headers.get("Content-Type", "").startswith("application/json") else {
                key: values[0] for key, values in parse_qs(raw).items()}  # fmt: skip
            double.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status, headers, text = double.answers[0] if len(double.answers) == 1 else double.answers.pop(0)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json" if text.startswith("{") else "text/plain")
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    double.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield double
    server.shutdown()
