"""Local HTTP servers standing in for outside services (Slack, Airflow's REST API), and free ports."""

import json
import select
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Responder = Callable[[str, str, dict, str], tuple[int, dict, object]]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rows_body(row: dict, count: int, per_chunk: int = 1000) -> tuple[int, Iterator[bytes]]:
    """A /predict body of `count` copies of `row`: its length in bytes, and its chunks (never whole in memory)."""
    item = json.dumps(row).encode()
    head, tail = b'{"rows": [' + item, b"]}"
    full, rest = divmod(count - 1, per_chunk)

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(full):
            yield (b"," + item) * per_chunk
        yield (b"," + item) * rest + tail

    return len(head) + (count - 1) * (len(item) + 1) + len(tail), chunks()


def post_streamed(url: str, path: str, chunks: Iterable[bytes], length: int | None = None) -> int:
    """POST a JSON body made of `chunks` over a raw socket (a client library would hold it whole first), declared
    as `length` bytes or else sent chunked, and stop sending as soon as the server answers; returns its status."""
    where = urlsplit(url)
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    head = f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
    with socket.create_connection((where.hostname, where.port), timeout=60) as connection:
        connection.sendall(head.encode())
        try:
            for chunk in chunks:
                if select.select([connection], [], [], 0)[0]:
                    break  # answered before the whole body arrived
                connection.sendall(chunk if length is not None else b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                connection.sendall(b"" if length is not None else b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed; its answer is still to be read
        return int(connection.recv(65536).split()[1])


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
