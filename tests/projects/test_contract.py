"""The contract every project folder keeps, checked over every project the platform discovers.

A project provides: configs/ with a `default` and a `smoke` config set (each with an example timeline),
utils.load_spec_from_config, utils/tables.py (tables prefixed with the project name), migrations/, one core/
module per task unit, run.py with the stages below, and its four DAG files. Its stages run on the smoke
config's example timeline, each printing one JSON summary line, and re-running them changes nothing.
"""

import importlib
import json

import pytest

from compose.settings import REPO_ROOT
from service.projects import KINDS, STAGES, TASK_UNITS, dag_files, discover, run_module, table_names

PROJECTS = discover()


def test_both_examples_are_discovered():
    assert {"crypto_forecast", "tumor_classifier"} <= set(PROJECTS)


@pytest.mark.parametrize("project", PROJECTS)
def test_layout(project):
    folder = REPO_ROOT / "projects" / project
    for unit in TASK_UNITS:
        assert (folder / "core" / f"{unit}.py").is_file(), f"core/{unit}.py missing"
    assert (folder / "configs" / "__init__.py").is_file() and (folder / "migrations").is_dir()
    run = run_module(project)
    for stage in STAGES:
        assert callable(getattr(run, stage, None)), f"run.{stage} missing"
    assert callable(run.main)
    for kind, path in dag_files(project).items():
        assert path.is_file() and kind in KINDS
    assert table_names(project) and all(name.startswith(f"{project}_") for name in table_names(project))


@pytest.mark.parametrize("project", PROJECTS)
def test_config_sets_are_found_by_name(project):
    load = importlib.import_module(f"projects.{project}.utils").load_spec_from_config
    for name in ("default", "smoke"):
        example = load(name).example
        assert example.data_start < example.train_end < example.end
    with pytest.raises(KeyError, match="available: .*default"):
        load("no_such_config")


@pytest.mark.parametrize("project", PROJECTS)
def test_stages_run_on_the_smoke_timeline_and_reruns_change_nothing(project, database, mlflow_store, capsys):
    run = run_module(project)
    example = importlib.import_module(f"projects.{project}.utils").load_spec_from_config("smoke").example

    data = run.data(example.data_start, example.end, config="smoke")
    assert run.data(example.data_start, example.end, config="smoke")["rows_written"] == 0
    train = run.train(end=example.train_end, config="smoke", reason="contract")
    inference = run.inference(example.train_end, example.end, config="smoke")
    assert run.inference(example.train_end, example.end, config="smoke")["rows_written"] == 0
    monitor = run.monitor(example.end, config="smoke")

    assert data["rows_written"] > 0 and inference["rows_written"] > 0
    assert train["decision"] == "promoted" and train["alias"] == "champion"
    assert monitor["decision"] in {"ok", "warn", "drift", "decay", "drift+decay", "insufficient_data"}
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert [line["stage"] for line in printed] == ["data", "data", "train", "inference", "inference", "monitor"]

    # what the service's dashboard reads: forecasts next to outcomes, and the decay ratio against its limit
    with database.connect() as conn:
        outcomes = importlib.import_module(f"projects.{project}.utils.queries").outcomes(conn, 10)
    assert list(outcomes.columns) == ["time", "predicted", "actual"] and 0 < len(outcomes) <= 10
    assert outcomes["time"].is_monotonic_increasing
    if monitor["decision"] != "insufficient_data":
        assert set(monitor_row(database, project)["metrics"]["decay"]) == {"ratio", "limit"}


def monitor_row(engine, project: str) -> dict:
    tables = importlib.import_module(f"projects.{project}.utils.tables")
    with engine.connect() as conn:
        return dict(conn.execute(tables.monitoring.select()).first()._mapping)
