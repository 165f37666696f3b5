"""Delivery of alerts: Slack through slack-sdk when configured, else the console and a JSON-lines file.

Retries 429 (after Retry-After) and 5xx and connection errors a bounded number of times, then gives up
quietly: the failure is logged and recorded in the alerts table, never raised into the pipeline.
"""

import json
import logging
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy import Engine, select

from compose.secrets import scrub
from compose.settings import Settings, get_settings
from db_handler import upsert
from db_handler.migrate import ensure_schema
from db_handler.tables import alerts
from messenger.messages import blocks, plain_text
from messenger.model import Alert, Delivery

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 1.0
MAX_RETRY_AFTER_SECONDS = 30


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def notify(alert: Alert, engine: Engine | None = None, console_only: bool = False) -> Delivery:
    """Deliver `alert` once (per project and dedup_key) and record the outcome; never raises. Whatever it carries
    is scrubbed of secrets first, so Slack, the console, the alerts log and the alerts table never see one.

    `console_only` keeps routine messages (success summaries) out of Slack."""
    alert = _scrubbed(alert)
    engine = _engine_or_none(engine)
    previous = _recorded(engine, alert)
    if previous is not None and previous.status in ("sent", "logged"):
        return previous
    settings = get_settings()
    delivery = _to_console_and_file(alert, settings) if console_only else _deliver(alert, settings)
    if delivery.error:
        delivery = replace(delivery, error=scrub(delivery.error))
    if delivery.status == "failed":
        log.warning(
            "alert %r not delivered to %s after %d attempt(s): %s",
            alert.title,
            delivery.channel,
            delivery.attempts,
            delivery.error,
        )
    _record(engine, alert, delivery, attempts_before=previous.attempts if previous else 0)
    return delivery


def _deliver(alert: Alert, settings: Settings) -> Delivery:
    if settings.slack_bot_token and settings.slack_channel:
        client = WebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=settings.slack_api_url,
            timeout=10,
            retry_handlers=[],
        )
        return _with_retries(
            "slack_bot",
            lambda: client.chat_postMessage(
                channel=settings.slack_channel, text=plain_text(alert), blocks=blocks(alert)
            ),
        )
    if settings.slack_webhook_url:
        webhook = WebhookClient(settings.slack_webhook_url.get_secret_value(), timeout=10, retry_handlers=[])

        def send() -> None:
            response = webhook.send(text=plain_text(alert), blocks=blocks(alert))
            if response.status_code == 429 or response.status_code >= 500:
                raise _Retryable(f"webhook answered HTTP {response.status_code}", _retry_after(response.headers))
            if response.status_code != 200:
                raise RuntimeError(f"webhook answered HTTP {response.status_code}: {response.body[:200]}")

        return _with_retries("slack_webhook", send)
    return _to_console_and_file(alert, settings)


def _with_retries(channel: str, send) -> Delivery:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            try:
                send()
                return Delivery(channel, "sent", attempt)
            except SlackApiError as error:
                status = error.response.status_code
                if status == 429 or status >= 500:
                    raise _Retryable(f"Slack answered HTTP {status}", _retry_after(error.response.headers)) from error
                raise RuntimeError(f"Slack refused the message: HTTP {status} {error.response.get('error')}") from error
            except (URLError, OSError) as error:
                raise _Retryable(f"Slack unreachable: {error}") from error
        except _Retryable as error:
            if attempt == MAX_ATTEMPTS:
                return Delivery(channel, "failed", attempt, str(error))
            time.sleep(
                min(
                    error.retry_after if error.retry_after is not None else BACKOFF_SECONDS * 2 ** (attempt - 1),
                    MAX_RETRY_AFTER_SECONDS,
                )
            )
        except Exception as error:  # a message Slack rejects outright: retrying cannot help
            return Delivery(channel, "failed", attempt, f"{type(error).__name__}: {error}")
    raise AssertionError("unreachable")


def _scrubbed(alert: Alert) -> Alert:
    """`alert` with secrets masked in every text it carries (links too: a URL may hold credentials)."""
    return replace(
        alert,
        title=scrub(alert.title),
        fields={name: scrub(value) for name, value in alert.fields.items()},
        lines=[scrub(line) for line in alert.lines],
        links={label: scrub(url) for label, url in alert.links.items()},
    )


def _retry_after(headers) -> float | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return float(value)
            except ValueError:
                return None
    return None


def _to_console_and_file(alert: Alert, settings: Settings) -> Delivery:
    print(f"[{alert.severity.upper()}] {plain_text(alert)}", flush=True)
    try:
        settings.alerts_log_file.parent.mkdir(parents=True, exist_ok=True)
        with settings.alerts_log_file.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"at": datetime.now(UTC).isoformat(), **asdict(alert)}) + "\n")
    except OSError as error:
        return Delivery("console", "failed", 1, f"alerts log not writable: {error}")
    return Delivery("console", "logged", 1)


def _engine_or_none(engine: Engine | None) -> Engine | None:
    """The results database, or None when it is down: alerting must not depend on it."""
    try:
        if engine is None:
            from db_handler import get_engine

            engine = get_engine()
        ensure_schema(engine)
        return engine
    except Exception as error:
        log.warning("alerts will not be recorded: results database unavailable (%s)", type(error).__name__)
        return None


def _recorded(engine: Engine | None, alert: Alert) -> Delivery | None:
    if engine is None:
        return None
    query = select(alerts.c.channel, alerts.c.status, alerts.c.attempts, alerts.c.error).where(
        alerts.c.project == alert.project, alerts.c.dedup_key == alert.dedup_key
    )
    with engine.connect() as conn:
        row = conn.execute(query).one_or_none()
    return Delivery(*row) if row else None


def _record(engine: Engine | None, alert: Alert, delivery: Delivery, attempts_before: int) -> None:
    if engine is None:
        return
    now = datetime.now(UTC)
    row = {
        "project": alert.project,
        "dedup_key": alert.dedup_key,
        "kind": alert.kind,
        "severity": alert.severity,
        "title": alert.title,
        "payload": {"blocks": blocks(alert), "fields": alert.fields, "lines": alert.lines},
        "channel": delivery.channel,
        "status": delivery.status,
        "attempts": attempts_before + delivery.attempts,
        "error": delivery.error,
        "created_at": now,
        "delivered_at": now if delivery.status != "failed" else None,
    }
    try:
        with engine.begin() as conn:
            upsert(conn, alerts, [row], key=("project", "dedup_key"), touch=("created_at",))
    except Exception as error:
        log.warning("alert delivered (%s) but not recorded: %s", delivery.status, type(error).__name__)
