"""Request and response bodies of the API (validated by pydantic: bad input is a clear 422)."""

from typing import Any

from pydantic import BaseModel, Field


class ComponentHealth(BaseModel):
    status: str  # ok | error
    detail: str | None = None


class Health(BaseModel):
    status: str  # ok | degraded
    database: ComponentHealth
    mlflow: ComponentHealth
    airflow: ComponentHealth


class Workflow(BaseModel):
    kind: str
    dag_id: str
    dag_file: bool
    last_run: dict[str, Any] | None = None
    error: str | None = None


class Project(BaseModel):
    name: str
    workflows: list[str]


class TriggerRequest(BaseModel):
    conf: dict[str, Any] = Field(default_factory=dict, description="params of the run, e.g. start, end, config, reason")


class PromoteRequest(BaseModel):
    version: str = Field(pattern=r"^[0-9]+$")
    reason: str = Field(min_length=3, max_length=500)


class RollbackRequest(BaseModel):
    reason: str = Field(default="rollback from the API", min_length=3, max_length=500)


class PredictRequest(BaseModel):
    model: str | None = Field(default=None, description="registered model; optional when the project has one")
    rows: list[dict[str, float | None]] = Field(
        min_length=1, max_length=10_000, description="feature rows, oldest first, with the champion's columns"
    )


class PredictResponse(BaseModel):
    model: str
    version: str
    predictions: list[dict[str, Any]]
