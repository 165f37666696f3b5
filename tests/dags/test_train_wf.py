"""`airflow dags test` of the train workflow: mapped trials per partition, the gate, then the champion alias."""

from sqlalchemy import create_engine, text

from lifecycle import stages
from projects.crypto_forecast.run import PROJECT
from service.models import registry


def test_train_wf_runs_trials_as_mapped_tasks_and_sets_the_alias(dags_test, database, pg_url, mlflow_store):
    stages.data(PROJECT, "2023-11-01T00:00:00+00:00", "2024-03-01T00:00:00+00:00", source="replay")
    conf = {"end": "2024-03-01T00:00:00+00:00", "reason": "weekly test", "config": "smoke"}

    result = dags_test(
        "crypto_forecast_train_wf",
        "2024-03-04T03:00:00+00:00",
        conf=conf,
        DATABASE_URL=pg_url,
        MLFLOW_TRACKING_URI=mlflow_store,
    )

    assert result.succeeded, result.output[-6000:]
    trials = sorted(line["candidate"] for line in result.summaries if line["stage"] == "train.trial")
    assert trials == ["naive", "ridge"]  # the smoke config's candidate, and the baseline beside it
    [summary] = [line for line in result.summaries if line["stage"] == "train"]
    assert summary["decision"] == "promoted" and summary["alias"] == "champion"
    assert registry.version_by_alias("crypto_forecast-KRW-BTC", "champion").version == int(summary["version"])
    with create_engine(pg_url).connect() as conn:
        event = conn.execute(text("select action, to_version, run_id from model_events")).one()
        training = conn.execute(text("select status, window_end from trainings")).one()
    assert tuple(event) == ("promote", summary["version"], summary["run_id"])
    assert summary["run_id"].startswith("manual__") and training.status == "done"
