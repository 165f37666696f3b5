"""compose.secrets: what the scrubber masks, and the log filter on a real handler (messages, arguments kept where a
formatter needs them, tracebacks)."""

import io
import logging

import pytest

from compose.secrets import ScrubSecrets, scrub


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://mlops:p%40ss-w0rd@db:5432/results")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1234-secret")
    monkeypatch.setenv("AIRFLOW_PASSWORD", "abc")  # too short to mask by value: it would mask innocent text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("API request to http://user:pw@127.0.0.1:9/api failed", "API request to http://***@127.0.0.1:9/api failed"),
        ("postgresql://u:p@ss@host/db?x=1", "postgresql://***@host/db?x=1"),  # an unescaped @ in a password
        ("clone https://ghp_token@github.com/x", "clone https://***@github.com/x"),
        ("url='s3://key:secret@bucket/path' done", "url='s3://***@bucket/path' done"),
        ("http://host/path?email=a@b.c", "http://host/path?email=a@b.c"),  # no userinfo: untouched
        ("password p@ss-w0rd and p%40ss-w0rd, token xoxb-1234-secret", "password *** and ***, token ***"),
        ("abc is not masked by value", "abc is not masked by value"),
    ],
)
def test_scrub_masks_url_userinfo_and_configured_secrets(configured, text, scrubbed):
    assert scrub(text) == scrubbed


def test_the_filter_scrubs_messages_arguments_and_tracebacks(configured):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubSecrets())
    logger = logging.getLogger("tests.compose.secrets")
    logger.addHandler(handler)
    try:
        logger.warning("store at %s unreachable (%d tries)", "http://u:pw-123@mlflow:5000", 3)
        logger.warning("%s", ValueError("xoxb-1234-secret refused"))  # an argument that is no string
        try:
            raise ConnectionError("connect to postgresql://mlops:p%40ss-w0rd@db/results failed")
        except ConnectionError:
            logger.exception("query failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "store at http://***@mlflow:5000 unreachable (3 tries)" in written
    assert "*** refused" in written and "postgresql://***@db/results" in written and "Traceback" in written
    assert "pw-123" not in written and "xoxb-1234" not in written and "w0rd" not in written


def test_arguments_stay_arguments_when_scrubbing_them_is_enough(configured):
    """uvicorn's access log formatter unpacks a record's arguments: they must survive the filter."""
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s" %d', ("1.2.3.4", "GET", "/x", 200), None
    )
    ScrubSecrets().filter(record)
    assert record.args == ("1.2.3.4", "GET", "/x", 200)
