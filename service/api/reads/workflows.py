"""The four workflows of a project and their runs, as Airflow's REST API reports them."""

from lifecycle.discovery import dag_files
from service.api.airflow_client import AirflowError, airflow_client
from service.api.catalog import KnownProject
from service.api.errors import safe
from service.api.schemas import DagRun, Workflow


class LastRuns:
    """The last run of each workflow, for one answer or page. After an outage (Airflow unreachable, refusing the
    credentials, failing) it is not asked again: every later workflow carries the same note instead."""

    def __init__(self) -> None:
        self.client = airflow_client()
        self.outage: str | None = None

    def workflows(self, known: KnownProject) -> list[Workflow]:
        found = []
        for kind, path in dag_files(known.name).items():
            workflow = Workflow(kind=kind, dag_id=known.dag_id(kind), dag_file=path.exists(), error=self.outage)
            if self.outage is None:
                try:
                    runs, _ = self.client.runs(workflow.dag_id, limit=1)
                    workflow.last_run = dag_run(runs[0]) if runs else None
                except AirflowError as error:
                    workflow.error = safe(error)
                    self.outage = workflow.error if error.status >= 500 else None
            found.append(workflow)
        return found


def dag_run(run: dict, with_conf: bool = False) -> DagRun:
    """A run as Airflow answers it, with its parameters (`conf`) only when asked for."""
    fields = {name: run.get(name) for name in DagRun.model_fields if name != "conf"}
    return DagRun(**fields, conf=run.get("conf") if with_conf else None)
