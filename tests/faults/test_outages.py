"""Outages are errors, not answers: with the tracking server down, every stage that needs the registry fails as
retryable (RegistryUnavailable, which Airflow retries), nothing is decided, promoted or alerted as "no champion";
once the server is back, the retried task finishes the training."""

import pytest

from lifecycle import stages
from lifecycle.stages.train import plan
from projects.tumor_classifier.run import PROJECT as TUMOR
from service.models import registry
from service.models.mlflow_client import RegistryUnavailable
from workflows.factories import _run as run_task

from .conftest import OUTCOMES, SMOKE, TRAIN_END, snapshot


def test_a_tracking_server_down_during_train_fails_retryably_and_promotes_nothing(
    database, tracking_server, monkeypatch
):
    stages.data(TUMOR, "2024-01-01", TRAIN_END, config=SMOKE)
    prepared = stages.prepare(TUMOR, "all", TRAIN_END, "test", SMOKE, run_id="scheduled__weekly", quiet=True)
    results = [stages.trial(TUMOR, prepared, c, n, SMOKE, quiet=True) for c, n in plan(prepared)]
    before = snapshot(database, OUTCOMES)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")  # the client's own retries only make this slower

    tracking_server.stop()
    needing_the_registry = (
        lambda project: stages.gate(project, prepared, results, SMOKE, quiet=True),
        lambda project: stages.inference(project, "2024-01-11", TRAIN_END, config=SMOKE),
        lambda project: stages.monitor(project, TRAIN_END, config=SMOKE),
    )
    for call in needing_the_registry:
        with pytest.raises(RegistryUnavailable, match="unreachable|failed"):  # not AirflowFailException: retried
            run_task(TUMOR.name, call)
    assert snapshot(database, OUTCOMES) == before, "no decision, event, alert or monitoring row while it was down"
    assert [row["status"] for row in snapshot(database)["trainings"]] == ["running"]

    tracking_server.start()
    summary = stages.register(TUMOR, stages.gate(TUMOR, prepared, results, SMOKE, quiet=True), SMOKE)

    assert summary["decision"] == "promoted" and summary["champion_before"] is None
    assert registry.aliases(TUMOR.model_name("all")) == {"champion": summary["version"]}
    assert [row["status"] for row in snapshot(database)["trainings"]] == ["done"]
