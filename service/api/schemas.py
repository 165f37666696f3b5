"""Request and response bodies of the API: every route answers one of these (pydantic validates requests, so bad
input is a clear 422, and documents responses, so /docs and the OpenAPI schema show their fields)."""

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, FiniteFloat

# --- shared

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """One page of a list: `total` items match, `items` are those from `offset`, at most `limit` of them."""

    items: list[Item]
    total: int
    limit: int
    offset: int


# --- health


class ComponentHealth(BaseModel):
    status: Literal["ok", "error"]
    detail: str | None = None


class Health(BaseModel):
    """`ok` only when every component answers; the service answers 503 with this body otherwise."""

    status: Literal["ok", "degraded"]
    database: ComponentHealth
    mlflow: ComponentHealth
    airflow: ComponentHealth


# --- projects and workflows


class PartitionRef(BaseModel):
    name: str
    model: str = Field(description="the registered model of the partition")


class ProjectSummary(BaseModel):
    name: str
    description: str
    partitions: list[PartitionRef]
    workflows: list[str] = Field(description="DAG ids of the four workflows")
    baseline: str = Field(description="candidate name of the naive baseline")


class DagRun(BaseModel):
    """A workflow run as Airflow reports it; `conf` (the run's parameters) only on the reads that need the token."""

    dag_id: str
    dag_run_id: str
    state: str | None = None
    run_type: str | None = None
    logical_date: datetime | None = None
    run_after: datetime | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    conf: dict[str, Any] | None = None


class TaskState(BaseModel):
    task_id: str
    map_index: int = -1
    state: str | None = None
    try_number: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


class DagRunDetail(DagRun):
    tasks: list[TaskState]


class Workflow(BaseModel):
    kind: Literal["data", "train", "inference", "monitoring"]
    dag_id: str
    dag_file: bool = Field(description="the DAG file exists in dags/")
    last_run: DagRun | None = None
    error: str | None = Field(default=None, description="why the last run is unknown (Airflow unreachable, ...)")


class TriggerRequest(BaseModel):
    conf: dict[str, Any] = Field(default_factory=dict, description="params of the run, e.g. start, end, config, reason")


class LogLine(BaseModel):
    event: str
    timestamp: datetime | None = None
    level: str | None = None


class TaskLog(BaseModel):
    dag_id: str
    dag_run_id: str
    task_id: str
    try_number: int
    map_index: int
    lines: list[LogLine]
    continuation_token: str | None = None


# --- models


class SkillVsBaseline(BaseModel):
    """The version's selection metric on its test window against the baseline's on the same rows;
    `improvement` is the share by which it beats the baseline (negative: worse, 0: as good)."""

    metric: str
    value: float
    baseline: float
    improvement: float | None


class VersionInfo(BaseModel):
    version: str
    candidate: str | None = Field(description="the model family (tag `candidate`)")
    run_id: str | None = Field(description="the MLflow run of the registered model")
    created_at: datetime
    test: dict[str, float] = Field(description="metrics on its test window (tags test_<metric>)")
    baseline_test: dict[str, float] = Field(description="the baseline's on the same rows (tags baseline_test_<metric>)")
    skill: SkillVsBaseline | None


class PartitionModels(BaseModel):
    """The versions holding a role in one partition's registered model (None: no version holds it)."""

    partition: str
    model: str
    champion: VersionInfo | None
    shadow: VersionInfo | None
    challenger: VersionInfo | None
    baseline_serves: bool = Field(description="the champion is the naive baseline itself")


EXPECTED = "the version you expect to hold the role now: if another does, nothing moves (409, a 'superseded' event)"


class RoleRequest(BaseModel):
    version: str = Field(pattern=r"^[0-9]+$")
    reason: str = Field(min_length=3, max_length=500)
    expected: str | None = Field(default=None, pattern=r"^[0-9]+$", description=EXPECTED)


class RollbackRequest(BaseModel):
    reason: str = Field(default="rollback from the API", min_length=3, max_length=500)
    expected: str | None = Field(default=None, pattern=r"^[0-9]+$", description=EXPECTED)


class ModelEvent(BaseModel):
    """One move of a role (a deletion of a version, or a move refused as `superseded`), by the platform or by
    hand, and why."""

    id: int
    project: str
    model_name: str
    action: str
    alias: str | None
    from_version: str | None
    to_version: str | None
    reason: str
    metrics: dict[str, Any] | None = Field(description="the numbers the decision rested on")
    run_id: str
    mlflow_run_id: str | None
    actor: str
    created_at: datetime


# --- monitoring


class FeatureDrift(BaseModel):
    """A PSI check (psi, warn_at, alert_at, ks_pvalue) or, for "<feature> level", a level check (shift, alert_at)."""

    psi: float | None = None
    shift: float | None = None
    warn_at: float | None = None
    alert_at: float | None = None
    ks_pvalue: float | None = None
    level: str


class Decay(BaseModel):
    ratio: float | None
    limit: float


class LiveMetrics(BaseModel):
    """Live metrics per role on the same realised rows, and the decay ratio (champion's metric over the
    baseline's, worse when above `decay.limit`)."""

    metric: str | None = None
    ratio: float | None = None
    champion: dict[str, float | None] | None = None
    baseline: dict[str, float | None] | None = None
    unrealised: int | None = Field(default=None, description="champion forecasts whose outcome is not known yet")
    decay: Decay | None = None


class ShadowTrial(BaseModel):
    """The shadow against the champion on the same realised rows of its trial window, and the verdict so far."""

    version: str
    rows: int
    metric: str | None = None
    ratio: float | None = Field(default=None, description="shadow's metric over the champion's (below 1: better)")
    shadow: dict[str, float | None] | None = None
    champion: dict[str, float | None] | None = None
    verdict: str = Field(description="on trial | promote | retire | superseded (the pair changed by hand while judged)")


class MonitoringRow(BaseModel):
    partition: str
    window_end: datetime
    performance_window_start: datetime
    drift_window_start: datetime
    model_name: str
    model_version: str | None
    shadow_version: str | None
    rows_joined: int
    metrics: LiveMetrics
    drift: dict[str, FeatureDrift]
    shadow_trial: ShadowTrial | None = None
    decision: str
    reason: str
    retrain_requested: bool
    airflow_run_id: str
    created_at: datetime


class LatestDecision(BaseModel):
    window_end: datetime
    decision: str
    reason: str


class MonitoringSummary(BaseModel):
    decisions: dict[str, int] = Field(description="how many rows had each decision")
    retrains_requested: int
    latest: dict[str, LatestDecision] = Field(description="by partition: its newest row's decision")


class MonitoringPage(Page[MonitoringRow]):
    summary: MonitoringSummary


class Alert(BaseModel):
    id: int
    project: str
    kind: str
    severity: str
    title: str
    channel: str
    status: str
    attempts: int
    error: str | None
    created_at: datetime
    delivered_at: datetime | None


# --- predictions


class PredictRequest(BaseModel):
    partition: str | None = Field(default=None, description="optional when the project has one partition")
    model: str | None = Field(default=None, description="the partition's registered model, instead of `partition`")
    rows: list[dict[str, FiniteFloat | None]] = Field(
        min_length=1,
        description="feature rows, oldest first, with the champion's columns: finite numbers or null (NaN and "
        "Infinity are refused), at most API_MAX_PREDICT_ROWS rows (default 10000)",
    )


class PredictResponse(BaseModel):
    """What the champion of the partition forecasts for each row (the shadow is never served)."""

    model: str
    partition: str
    version: str
    predictions: list[dict[str, float | None]]
