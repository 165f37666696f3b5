"""Model management for any project: the registry helpers and the `mlops models` commands, on a real MLflow store."""

import json

import mlflow
import pytest
from sklearn.dummy import DummyRegressor

from lifecycle.mlops import main
from service.models import registry, roles
from service.models.mlflow_client import configure_mlflow, project_experiment_id

PROJECT = MODEL = "tumor_classifier"  # one partition: its registered model is named after it


def register(constant: float) -> str:
    """Log a tiny sklearn model in a run and register it as a new version of MODEL."""
    configure_mlflow()
    with mlflow.start_run(experiment_id=project_experiment_id(PROJECT)) as run:
        info = mlflow.sklearn.log_model(
            DummyRegressor(strategy="constant", constant=constant).fit([[0]], [0]), name="model", pip_requirements=[]
        )
    return registry.register_version(MODEL, info.model_uri, run.info.run_id, tags={"constant": str(constant)})


@pytest.fixture
def three_versions(database, mlflow_store):
    versions = [register(value) for value in (1.0, 2.0, 3.0)]
    for version in versions[:2]:
        roles.assign_by_hand(database, PROJECT, MODEL, version, "champion", "test", run_id=f"run-{version}")
    return versions


def test_register_is_idempotent_for_a_retried_task(database, mlflow_store):
    configure_mlflow()
    with mlflow.start_run(experiment_id=project_experiment_id(PROJECT)) as run:
        info = mlflow.sklearn.log_model(DummyRegressor().fit([[0]], [0]), name="model", pip_requirements=[])
    first = registry.register_version(MODEL, info.model_uri, run.info.run_id, tags={})
    assert registry.register_version(MODEL, info.model_uri, run.info.run_id, tags={}) == first
    assert len(registry.all_versions(MODEL)) == 1


def test_all_versions_reads_every_page(database, mlflow_store, monkeypatch):
    versions = [register(float(value)) for value in range(5)]
    client_class = type(configure_mlflow())
    real_search = client_class.search_model_versions

    def two_per_page(self, filter_string, max_results, page_token):
        return real_search(self, filter_string, max_results=2, page_token=page_token)

    monkeypatch.setattr(client_class, "search_model_versions", two_per_page)
    assert sorted(str(v.version) for v in registry.all_versions(MODEL)) == sorted(versions)


def test_a_version_holds_one_role_at_a_time(three_versions, database):
    first, second, third = three_versions
    roles.assign_by_hand(database, PROJECT, MODEL, third, "shadow", "try it live")
    assert registry.aliases(MODEL) == {"champion": second, "shadow": third}
    roles.assign_by_hand(database, PROJECT, MODEL, third, "champion", "it earned it")
    assert registry.aliases(MODEL) == {"champion": third}


def test_commands_promote_rollback_retention_history(three_versions, capsys):
    first, second, third = three_versions
    assert registry.version_by_alias(MODEL, "champion").version == int(second)

    assert main(["models", "promote", "--project", PROJECT, "--version", third, "--reason", "hotfix"]) == 0
    promoted = json.loads(capsys.readouterr().out)
    assert (promoted["from_version"], promoted["to_version"], promoted["action"]) == (second, third, "promote")

    assert main(["models", "rollback", "--project", PROJECT, "--model", MODEL]) == 0
    assert json.loads(capsys.readouterr().out)["to_version"] == second
    assert main(["models", "rollback", "--project", PROJECT]) == 0  # and back once more
    assert json.loads(capsys.readouterr().out)["to_version"] == first
    assert main(["models", "rollback", "--project", PROJECT]) == 1
    assert "nothing to roll back to" in capsys.readouterr().err

    assert main(["models", "retention", "--project", PROJECT, "--days", "0"]) == 0
    assert sorted(json.loads(capsys.readouterr().out)["deleted_versions"]) == [second, third]
    assert [str(v.version) for v in registry.all_versions(MODEL)] == [first]

    assert main(["models", "history", "--project", PROJECT, "--model", MODEL]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [event["action"] for event in history[:3]] == ["delete", "delete", "rollback"]
    assert all(event["actor"] for event in history)


def test_commands_refuse_incomplete_arguments(capsys):
    with pytest.raises(SystemExit):
        main(["models", "rollback"])
    assert main(["models", "promote", "--project", PROJECT]) == 1
    assert "promote needs --version" in capsys.readouterr().err
