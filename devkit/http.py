"""Local HTTP servers standing in for outside services (Slack, Airflow's REST API), and free ports."""

import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

Responder = Callable[[str, str, dict, str], tuple[int, dict, object]]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalServer:
    """Serves `respond(method, path, headers, raw_body) -> (status, headers, body)` on loopback (a dict or list
    body is sent as JSON) until `stop()`; `url` is its base URL."""

    def __init__(self, respond: Responder) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                status, headers, body = respond(self.command, self.path, dict(self.headers), raw)
                payload = (json.dumps(body) if isinstance(body, dict | list) else body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Type" not in headers:
                    self.send_header(
                        "Content-Type", "application/json" if payload[:1] in (b"{", b"[") else "text/plain"
                    )
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SlackDouble:
    """A Slack-compatible endpoint (Web API and incoming webhooks) that records every request; `answers` is a
    queue of (status, headers, body) popped per request, the last one repeating."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict, str]] = [(200, {}, json.dumps({"ok": True, "ts": "1.0"}))]

    def answer(self, *answers: tuple[int, dict, str]) -> None:
        self.answers = list(answers)

    def respond(self, method: str, path: str, headers: dict, raw: str) -> tuple[int, dict, str]:
        body = (
            json.loads(raw)
            if headers.get("Content-Type", "").startswith("application/json")
            else {key: values[0] for key, values in parse_qs(raw).items()}
        )
        self.requests.append({"path": path, "headers": headers, "body": body})
        return self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
