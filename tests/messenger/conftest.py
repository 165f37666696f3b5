"""A local Slack-compatible HTTP server that records what it receives and answers as told."""

import json
from urllib.parse import parse_qs

import pytest


class SlackDouble:
    """Records requests; `answers` is a queue of (status, headers, body) popped per request (last one repeats)."""

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


@pytest.fixture
def slack_server(http_server):
    double = SlackDouble()
    double.url = http_server(double.respond)
    return double
