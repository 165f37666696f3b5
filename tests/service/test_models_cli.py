"""Model management for any project: the registry helpers and their commands, on a real MLflow store."""

import json

import mlflow
import pytest
from sklearn.dummy import DummyRegressor

from service import registry
from service.gate import GateDecision
from service.mlflow_setup import configure_mlflow, project_experiment_id
from service.models import main

PROJECT, MODEL = "demo_project", "demo_project-model"


def register(constant: float) -> str:
    """Log a tiny sklearn model in a run and register it as a new version of MODEL."""
    configure_mlflow()
    with mlflow.start_run(experiment_id=project_experiment_id(PROJECT)) as run:
        info = mlflow.sklearn.log_model(
            DummyRegressor(strategy="constant", constant=constant).fit([[0]], [0]), name="model"
        )
    return registry.register_version(MODEL, info.model_uri, run.info.run_id, tags={"constant": str(constant)})


@pytest.fixture
def three_versions(database, mlflow_store):
    versions = [register(value) for value in (1.0, 2.0, 3.0)]
    for version in versions[:2]:
        registry.apply_gate(database, PROJECT, MODEL, version, GateDecision(True, "test"), {}, f"run-{version}")
    return versions


def test_register_is_idempotent_for_a_retried_task(database, mlflow_store):
    configure_mlflow()
    with mlflow.start_run(experiment_id=project_experiment_id(PROJECT)) as run:
        info = mlflow.sklearn.log_model(DummyRegressor().fit([[0]], [0]), name="model")
    first = registry.register_version(MODEL, info.model_uri, run.info.run_id, tags={})
    assert registry.register_version(MODEL, info.model_uri, run.info.run_id, tags={}) == first
    assert len(registry.all_versions(MODEL)) == 1


def test_all_versions_reads_every_page(database, mlflow_store, monkeypatch):
    versions = [register(float(value)) for value in range(5)]
    client_class = type(registry.configure_mlflow())
    real_search = client_class.search_model_versions

    def two_per_page(self, filter_string, max_results, page_token):
        return real_search(self, filter_string, max_results=2, page_token=page_token)

    monkeypatch.setattr(client_class, "search_model_versions", two_per_page)
    assert sorted(str(v.version) for v in registry.all_versions(MODEL)) == sorted(versions)


def test_commands_promote_rollback_retention_history(three_versions, capsys):
    first, second, third = three_versions
    assert registry.version_by_alias(MODEL, "champion").version == int(second)

    assert main(["promote", "--project", PROJECT, "--model", MODEL, "--version", third, "--reason", "hotfix"]) == 0
    promoted = json.loads(capsys.readouterr().out)
    assert (promoted["from_version"], promoted["to_version"], promoted["action"]) == (second, third, "promote")

    assert main(["rollback", "--project", PROJECT, "--model", MODEL]) == 0
    assert json.loads(capsys.readouterr().out)["to_version"] == second
    assert main(["rollback", "--project", PROJECT, "--model", MODEL]) == 0  # and back once more
    assert json.loads(capsys.readouterr().out)["to_version"] == first
    assert main(["rollback", "--project", PROJECT, "--model", MODEL]) == 1
    assert "nothing to roll back to" in capsys.readouterr().err

    assert main(["retention", "--project", PROJECT, "--model", MODEL, "--days", "0"]) == 0
    assert sorted(json.loads(capsys.readouterr().out)["deleted_versions"]) == [second, third]
    assert [str(v.version) for v in registry.all_versions(MODEL)] == [first]

    assert main(["history", "--project", PROJECT, "--model", MODEL]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [event["action"] for event in history[:3]] == ["delete", "delete", "rollback"]
    assert all(event["actor"] for event in history)


def test_commands_refuse_incomplete_arguments(capsys):
    with pytest.raises(SystemExit):
        main(["rollback", "--project", PROJECT])
