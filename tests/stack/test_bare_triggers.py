"""Every DAG of every project runs from a bare trigger, on the stack tests' running `airflow standalone`
(tests/stack/conftest.py): a POST of {"logical_date": null} and no conf to the REST API, as any client sends it,
and `airflow dags trigger <dag_id>` from the command line. Such runs have no data interval in Airflow 3: each
stage works from the run's run_after and the newest stored data (the data and the smoke-trained champions
the fixture stored), with each param's default, so a bare train run trains the `default` config."""

from datetime import datetime

import httpx

PROJECTS = ("crypto_forecast", "tumor_classifier")
WORK = {"data": "load_and_preprocess", "train": "register", "inference": "predict", "monitoring": "monitor"}


def test_every_dag_of_every_project_runs_from_a_bare_rest_trigger(running_airflow):
    """In the order their data flows: the data workflows, then train and inference at once, then monitoring. A DAG
    stays paused until its turn, so an Asset event starts no run but the ones triggered here; the train DAGs are
    paused again before monitoring, so a retrain it may ask for waits (that is another test's subject)."""
    client, runs = running_airflow.client, {}
    for kinds in (("data",), ("train", "inference"), ("monitoring",)):
        if kinds == ("monitoring",):
            for project in PROJECTS:
                client.set_paused(f"{project}_train_wf", True)
        started = {dag_id: _bare_trigger(running_airflow, dag_id) for dag_id in _dag_ids(kinds)}
        for dag_id, run_id in started.items():
            run = running_airflow.finished(dag_id, run_id, timeout=900)
            assert run["state"] == "success", f"{dag_id}:\n{running_airflow.failures(dag_id, run_id)}"
            assert run["logical_date"] is None and run["data_interval_end"] is None and not run["conf"]
            tasks = client.task_instances(dag_id, run_id)
            work = [task["state"] for task in tasks if task["task_id"] == WORK[dag_id.split("_")[-2]]]
            assert work and set(work) == {"success"}, f"{dag_id}: {tasks}"
        runs.update(started)

    for project in PROJECTS:
        _assert_trained_up_to_the_newest_stored_data(project, runs[f"{project}_train_wf"])


def test_airflow_dags_trigger_from_the_command_line(running_airflow):
    dag_id, client = "tumor_classifier_data_wf", running_airflow.client
    client.set_paused(dag_id, False)
    before = {run["dag_run_id"] for run in client.runs(dag_id, limit=100)[0]}
    result = running_airflow.standalone.cli("dags", "trigger", dag_id)
    assert result.returncode == 0, result.stderr[-3000:]

    [run] = [run for run in client.runs(dag_id, limit=100)[0] if run["dag_run_id"] not in before]
    assert run["logical_date"] is None and run["data_interval_end"] is None
    run = running_airflow.finished(dag_id, run["dag_run_id"])
    assert run["state"] == "success", running_airflow.failures(dag_id, run["dag_run_id"])


def _dag_ids(kinds: tuple[str, ...]) -> list[str]:
    return [f"{project}_{kind}_wf" for kind in kinds for project in PROJECTS]


def _bare_trigger(running_airflow, dag_id: str) -> str:
    """POST {"logical_date": null} (no conf) to the DAG's dagRuns, the DAG unpaused first; the new run's id."""
    running_airflow.client.set_paused(dag_id, False)
    token = httpx.post(
        f"{running_airflow.url}/auth/token", json={"username": "admin", "password": running_airflow.password}
    ).json()["access_token"]
    response = httpx.post(
        f"{running_airflow.url}/api/v2/dags/{dag_id}/dagRuns",
        json={"logical_date": None},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()["dag_run_id"]


def _assert_trained_up_to_the_newest_stored_data(project_name: str, run_id: str) -> None:
    """The bare train run trained the default config on the window ending after the newest stored features."""
    from lifecycle.discovery import load_project
    from lifecycle.reads import newest
    from lifecycle.records import project_engine
    from service.models.registry import all_versions

    project = load_project(project_name)
    [partition] = project.partitions_of(project.spec("default"))
    with project_engine(project).connect() as conn:
        stored = newest(conn, project.tables, project.tables.features, project.tables.time, partition)
    [version] = [v for v in all_versions(project.model_name(partition)) if v.tags["airflow_run_id"] == run_id]
    assert datetime.fromisoformat(version.tags["end"]) == stored + project.cadence
