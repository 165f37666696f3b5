"""Platform tables shared by every project (project tables live in projects/<name>/utils/tables.py)."""

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, UniqueConstraint

from db_handler.types import JSONDocument, UTCDateTime

metadata = MetaData()

workflow_runs = Table(
    "workflow_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project", String(64), nullable=False),
    Column("stage", String(32), nullable=False),
    Column("run_id", String(250), nullable=False),
    Column("partition", String(100), nullable=False, server_default=""),  # a partition's task of a mapped run
    Column("interval_start", UTCDateTime),
    Column("interval_end", UTCDateTime),
    Column("status", String(16), nullable=False),
    Column("rows_written", Integer),
    Column("rows_unchanged", Integer),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Column("error", Text),
    Column("summary", JSONDocument),
    UniqueConstraint("project", "stage", "run_id", "partition", name="uq_workflow_runs_project_stage_run_partition"),
)

model_events = Table(
    "model_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project", String(64), nullable=False),
    Column("model_name", String(200), nullable=False),
    Column("action", String(16), nullable=False, comment="promote | reject | shadow | retire | rollback | delete"),
    Column("alias", String(32)),
    Column("from_version", String(16)),
    Column("to_version", String(16)),
    Column("reason", Text, nullable=False),
    Column("metrics", JSONDocument),
    Column("run_id", String(250), nullable=False),
    Column("mlflow_run_id", String(64)),
    Column("actor", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("project", "model_name", "action", "to_version", "run_id", name="uq_model_events_natural"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project", String(64), nullable=False),
    Column("dedup_key", String(300), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("payload", JSONDocument),
    Column("channel", String(16), nullable=False, comment="slack_bot | slack_webhook | console"),
    Column("status", String(16), nullable=False, comment="sent | failed | logged"),
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    UniqueConstraint("project", "dedup_key", name="uq_alerts_project_dedup_key"),
)

retrain_requests = Table(
    "retrain_requests",
    metadata,
    Column("project", String(64), primary_key=True),
    Column("scope", String(200), primary_key=True, comment="what is retrained, e.g. the registered model"),
    Column("window_end", UTCDateTime, primary_key=True, comment="end of the monitored window that asked"),
    Column("reason", Text, nullable=False),
    Column("run_id", String(250), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
)

trainings = Table(
    "trainings",
    metadata,
    Column("project", String(64), primary_key=True),
    Column("model_name", String(200), primary_key=True),
    Column("run_id", String(250), primary_key=True),
    Column("window_end", UTCDateTime, nullable=False, comment="end of the data the training learns from"),
    Column("status", String(16), nullable=False, comment="running | done | failed"),
    Column("started_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False, comment="last report of any of its tasks"),
    Column("ended_at", UTCDateTime),
)

gate_decisions = Table(
    "gate_decisions",
    metadata,
    Column("project", String(64), primary_key=True),
    Column("model_name", String(200), primary_key=True),
    Column("run_id", String(250), primary_key=True, comment="the training run: a retry reads its first decision"),
    Column("winner", String(16), nullable=False, comment="challenger | champion | baseline"),
    Column("candidate", String(64), nullable=False, comment="the candidate that serves (or would have)"),
    Column("alias", String(32), nullable=False, comment="champion | shadow | challenger"),
    Column("reason", Text, nullable=False),
    Column("scores", JSONDocument, nullable=False, comment="test metrics of challenger, champion, baseline"),
    Column("champion_before", String(16)),
    Column("version", String(16), comment="registered version; empty until registered"),
    Column("decided_at", UTCDateTime, nullable=False),
)
