"""Secrets never leave the process: `scrub(text)` masks the credentials of any URL in a text (`scheme://user:pw@`)
and every configured secret, and `ScrubSecrets` does the same to log records. The API's error texts, every log
line of the stages, the CLIs and the service, and every alert pass through here before anyone sees them."""

import logging
import os
import re
import sys
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr, ValidationError

from compose.settings import env_file, get_settings

MASK = "***"
# The userinfo of a URL runs from "://" to the last "@" before the host (a password may hold an unescaped "@").
USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/'\"<>]*@")
# Shorter values would mask innocent text all over a message; URL credentials are masked whatever their length.
MIN_SECRET_LENGTH = 4
# Credentials that libraries read from the environment themselves (MLflow's client), not through settings.
CLIENT_SECRETS = ("MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN")
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def scrub(text: str, secrets: tuple[str, ...] | None = None) -> str:
    """`text` with the userinfo of every URL and every configured secret (or `secrets`, when the caller has
    looked them up once for many texts) replaced by ***."""
    text = USERINFO.sub(rf"\g<scheme>{MASK}@", text)
    for secret in configured_secrets() if secrets is None else secrets:
        text = text.replace(secret, MASK)
    return text


def configured_secrets() -> tuple[str, ...]:
    """Every secret setting and every password inside a URL setting (as written and percent-decoded), longest
    first so a secret containing another is masked whole. Cached per environment: settings take milliseconds to
    read, and every log line asks."""
    path = env_file()
    stamp = path.stat().st_mtime_ns if path.is_file() else None
    return _secrets_of(frozenset(os.environ.items()), str(path), stamp)


@lru_cache(maxsize=16)
def _secrets_of(environment: frozenset, path: str, stamp: int | None) -> tuple[str, ...]:
    """The secrets of one environment and env file (the arguments are the cache's key)."""
    found = {os.environ[name] for name in CLIENT_SECRETS if os.environ.get(name)}
    try:
        settings = get_settings()
    except ValidationError:  # settings that cannot be read are reported as such; URL credentials are still masked
        settings = ()
    for _, value in settings:
        if isinstance(value, SecretStr):
            found.add(value.get_secret_value())
        elif isinstance(value, str) and "://" in value:
            password = urlsplit(value).password
            found.update((password, unquote(password)) if password else ())
    return tuple(sorted((secret for secret in found if len(secret) >= MIN_SECRET_LENGTH), key=len, reverse=True))


class ScrubSecrets(logging.Filter):
    """Scrubs a record's message, traceback and stack before its handler formats them. Arguments are scrubbed one
    by one where that is enough (formatters such as uvicorn's access log read them); else the record carries its
    scrubbed message without arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = configured_secrets()
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg, secrets)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(arg, secrets) if isinstance(arg, str) else arg for arg in record.args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed logging call: its handler reports it, as without this filter
            return True
        if scrub(message, secrets) != message:
            record.msg, record.args = scrub(message, secrets), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info, secrets)
        return True


def scrub_log_handlers() -> None:
    """Put ScrubSecrets on every handler logging has now: the root's and those of every named logger. Call it
    where logging is configured (Airflow configures a task's logging before the task runs)."""
    named = (logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger))
    for logger in (logging.getLogger(), *named):
        for handler in logger.handlers:
            if not any(isinstance(existing, ScrubSecrets) for existing in handler.filters):
                handler.addFilter(ScrubSecrets())


def configure_logging(level: int = logging.INFO) -> None:
    """The platform's logging (the stage CLI, `mlops`, the service): one line per record on stderr, scrubbed."""
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    scrub_log_handlers()
