"""Projects and their four workflows, through Airflow's REST API: last runs, triggers, runs with task states, task
logs. Reads that reveal a run's parameters (`conf`) or a task's log need the token, as triggers do."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from lifecycle.discovery import KINDS
from service.api.airflow_client import airflow_client
from service.api.catalog import KnownProject, known_project, known_projects
from service.api.errors import errors
from service.api.reads.workflows import LastRuns, dag_run
from service.api.routes.params import Limit, Offset
from service.api.schemas import (
    DagRun,
    DagRunDetail,
    LogLine,
    Page,
    PartitionRef,
    ProjectSummary,
    TaskLog,
    TaskState,
    TriggerRequest,
    Workflow,
)
from service.api.security import needs_token

router = APIRouter(tags=["projects and workflows"])
AIRFLOW_ERRORS = (404, 422, 502, 503)
RunsLimit = Annotated[int, Query(ge=1, le=100, description="at most this many runs (Airflow pages by 100 at most)")]


@router.get("/projects", response_model=Page[ProjectSummary], responses=errors(422))
def projects(limit: Limit = 100, offset: Offset = 0) -> Page[ProjectSummary]:
    every = known_projects()
    items = [summary(known) for known in every[offset : offset + limit]]
    return Page[ProjectSummary](items=items, total=len(every), limit=limit, offset=offset)


@router.get("/projects/{project}", response_model=ProjectSummary, responses=errors(404))
def project(project: str) -> ProjectSummary:
    return summary(known_project(project))


@router.get("/projects/{project}/workflows", response_model=list[Workflow], responses=errors(404))
def workflows(project: str) -> list[Workflow]:
    """The four workflows (always these four, so not paged), each with its last run; `error` says why a last run
    is unknown (Airflow unreachable: the answer is still 200, with the reason)."""
    return LastRuns().workflows(known_project(project))


@router.post(
    "/projects/{project}/workflows/{kind}/runs",
    status_code=201,
    response_model=DagRun,
    **needs_token(400, *AIRFLOW_ERRORS),
)
def trigger(project: str, kind: str, request: TriggerRequest) -> DagRun:
    """A run of the workflow now, with `conf` as its params (Airflow's trigger, no logical date)."""
    dag_id = known_project(project).dag_id(kind)
    return dag_run(airflow_client().trigger(dag_id, request.conf), with_conf=True)


@router.get("/projects/{project}/workflows/{kind}/runs", response_model=Page[DagRun], **needs_token(*AIRFLOW_ERRORS))
def runs(project: str, kind: str, limit: RunsLimit = 20, offset: Offset = 0) -> Page[DagRun]:
    """The workflow's runs, newest first, with their params."""
    found, total = airflow_client().runs(known_project(project).dag_id(kind), limit, offset)
    return Page[DagRun](items=[dag_run(run, with_conf=True) for run in found], total=total, limit=limit, offset=offset)


@router.get(
    "/projects/{project}/workflows/{kind}/runs/{run_id}", response_model=DagRunDetail, **needs_token(*AIRFLOW_ERRORS)
)
def run(project: str, kind: str, run_id: str) -> DagRunDetail:
    """One run with its params and the state of each of its tasks (mapped tasks once per map index)."""
    client, dag_id = airflow_client(), known_project(project).dag_id(kind)
    found = dag_run(client.run(dag_id, run_id), with_conf=True)
    tasks = [TaskState.model_validate(task) for task in client.task_instances(dag_id, run_id)]
    return DagRunDetail(**found.model_dump(), tasks=tasks)


@router.get(
    "/projects/{project}/workflows/{kind}/runs/{run_id}/tasks/{task_id}/logs/{try_number}",
    response_model=TaskLog,
    **needs_token(*AIRFLOW_ERRORS),
)
def task_log(
    project: str,
    kind: str,
    run_id: str,
    task_id: str,
    try_number: Annotated[int, Path(ge=1, le=1000)],
    map_index: Annotated[int, Query(ge=-1, le=100_000, description="which mapped instance; -1: not mapped")] = -1,
) -> TaskLog:
    dag_id = known_project(project).dag_id(kind)
    answer = airflow_client().log(dag_id, run_id, task_id, try_number, map_index)
    lines = [LogLine(event=line) if isinstance(line, str) else LogLine(**line) for line in answer.get("content", [])]
    return TaskLog(
        dag_id=dag_id,
        dag_run_id=run_id,
        task_id=task_id,
        try_number=try_number,
        map_index=map_index,
        lines=lines,
        continuation_token=answer.get("continuation_token"),
    )


def summary(known: KnownProject) -> ProjectSummary:
    return ProjectSummary(
        name=known.name,
        description=known.project.description,
        partitions=[PartitionRef(name=partition, model=known.model_name(partition)) for partition in known.partitions],
        workflows=[known.dag_id(kind) for kind in KINDS],
        baseline=known.baseline,
    )
