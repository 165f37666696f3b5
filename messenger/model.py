from dataclasses import dataclass, field


@dataclass(frozen=True)
class Alert:
    """What to tell people. `dedup_key` (unique per project) makes re-sending after a task retry a no-op."""

    project: str
    kind: str  # drift, decay, failure, success, no_champion, ...
    severity: str  # info | warning | alert
    title: str
    dedup_key: str
    fields: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    channel: str  # slack_bot | slack_webhook | console
    status: str  # sent | failed | logged
    attempts: int
    error: str | None = None
