"""Model management for any project: the registry helpers and the `mlops models` commands, on a real MLflow store."""

import json
from datetime import UTC, datetime

import mlflow
import pytest
from sklearn.dummy import DummyRegressor
from sqlalchemy import select

from db_handler.runs import training_ended, training_started
from db_handler.tables import alerts
from lifecycle.mlops import main
from service.models import registry, roles
from service.models.events import chain_breaks, list_events
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


def history() -> list[dict]:
    from db_handler import get_engine

    return list(reversed(list_events(get_engine(), PROJECT, MODEL, limit=10_000)))


@pytest.fixture
def five_versions(database, mlflow_store):
    """v1 -> v2 -> v3 -> v4 promoted in turn (v4 the champion), v5 in shadow."""
    versions = [register(float(value)) for value in range(1, 6)]
    for version in versions[:4]:
        roles.assign_by_hand(database, PROJECT, MODEL, version, "champion", "test", run_id=f"run-{version}")
    roles.assign_by_hand(database, PROJECT, MODEL, versions[4], "shadow", "test", run_id="run-shadow")
    return versions


def test_retention_keeps_the_roles_and_what_rollback_returns_to(five_versions, capsys):
    first, second, third, champion, shadow = five_versions
    retention = ["models", "retention", "--project", PROJECT, "--days", "0"]

    assert main([*retention, "--keep-rollback", "2", "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out) == {"would_delete_versions": [first]}
    assert len(registry.all_versions(MODEL)) == 5  # a dry run deletes nothing
    assert main(retention) == 0  # by default three rollbacks back: v3, v2, v1
    assert json.loads(capsys.readouterr().out) == {"deleted_versions": []}
    assert main(["models", "retention", "--project", PROJECT, "--days", "1", "--keep-rollback", "0"]) == 0
    assert json.loads(capsys.readouterr().out) == {"deleted_versions": []}  # all younger than a day

    assert main([*retention, "--keep-rollback", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == {"deleted_versions": [first]}
    assert sorted(str(v.version) for v in registry.all_versions(MODEL)) == [second, third, champion, shadow]
    for _ in range(2):
        assert main(["models", "rollback", "--project", PROJECT]) == 0
    assert registry.aliases(MODEL)["champion"] == second
    assert main(["models", "rollback", "--project", PROJECT]) == 1  # back to v1: deleted
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: NoRollbackTarget: ") and f"v{first}" in line and "no longer in the registry" in line
    assert registry.aliases(MODEL)["champion"] == second
    assert chain_breaks(history()) == []


def test_retention_keeps_a_version_whose_training_is_still_in_flight(three_versions, database, capsys):
    """A training registers its version, then gives it a role: retention between the two must not delete it."""
    training = "train__in_flight"
    training_started(database, PROJECT, MODEL, training, datetime.now(UTC))
    registry.tag_version(MODEL, three_versions[2], {"airflow_run_id": training})
    retention = ["models", "retention", "--project", PROJECT, "--days", "0"]

    assert main(retention) == 0  # v2 is the champion, v1 what rollback returns to, v3 the training's
    assert json.loads(capsys.readouterr().out) == {"deleted_versions": []}
    training_ended(database, PROJECT, MODEL, training, "done")
    assert main(retention) == 0
    assert json.loads(capsys.readouterr().out) == {"deleted_versions": [three_versions[2]]}


def test_a_move_by_hand_that_expected_another_version_is_superseded(five_versions, database, capsys):
    first, _, _, champion, _ = five_versions
    promote = ["models", "promote", "--project", PROJECT, "--version", first, "--expect", "2"]

    assert main(promote) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: Superseded: promote of v1 expected champion v2, but v4 holds it")
    assert registry.aliases(MODEL)["champion"] == champion
    refused = history()[-1]
    assert (refused["action"], refused["from_version"], refused["to_version"]) == ("superseded", champion, first)
    with database.connect() as conn:
        [(kind, title)] = conn.execute(select(alerts.c.kind, alerts.c.title)).all()
    assert kind == "superseded" and f"v{first} of {MODEL} was held back" in title  # Slack is told too

    assert main([*promote[:-1], champion]) == 0  # expecting the right one moves it
    assert registry.aliases(MODEL)["champion"] == first
    assert chain_breaks(history()) == []


def test_chain_breaks_names_each_move_that_started_from_a_stale_read():
    def event(action, alias, start, end, run="r"):
        return {
            "model_name": MODEL,
            "action": action,
            "alias": alias,
            "from_version": start,
            "to_version": end,
            "run_id": run,
        }

    consistent = [
        event("promote", "champion", None, "1"),
        event("shadow", "shadow", None, "2"),
        event("promote", "champion", "1", "2"),  # the shadow's version: it leaves the shadow role
        event("superseded", "champion", "2", "3"),
        event("reject", "challenger", None, "3"),
        event("delete", None, None, "1"),
        event("shadow", "shadow", None, "4"),
        event("retire", "shadow", "4", "4"),
        event("rollback", "champion", "2", "1"),
    ]
    assert chain_breaks(consistent) == []

    stale_read = [
        event("promote", "champion", None, "1"),
        event("promote", "champion", "1", "2", "a"),
        event("promote", "champion", "1", "3", "b"),
    ]
    assert chain_breaks(stale_read) == [
        f"{MODEL}: promote of 'champion' from v1 to v3 (run b), but the events before it left v2 holding 'champion'"
    ]


def test_a_live_verdict_on_a_pair_that_changed_since_is_superseded(five_versions, database):
    _, _, third, champion, shadow = five_versions
    live = {"hours": 48}

    refused = roles.promote_shadow(database, PROJECT, MODEL, "beat it live", live, "m1", champion=third, shadow=shadow)
    assert (refused.action, refused.alias, refused.from_version, refused.to_version) == (
        "superseded",
        "champion",
        champion,
        shadow,
    )
    assert registry.aliases(MODEL) == {"champion": champion, "shadow": shadow}

    retired = roles.retire_shadow(database, PROJECT, MODEL, "lost live", live, "m2", champion=champion, shadow=shadow)
    assert (retired.action, retired.from_version) == ("retire", shadow)
    assert registry.aliases(MODEL) == {"champion": champion}
    assert chain_breaks(history()) == []
