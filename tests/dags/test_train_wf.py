"""`airflow dags test` of the train workflow: mapped candidates, then the gate sets the champion alias."""

import json

from sqlalchemy import create_engine, text

from projects.crypto_forecast import run
from service import registry


def test_train_wf_trains_candidates_in_parallel_tasks_and_sets_the_alias(dags_test, database, pg_url, mlflow_store):
    run.data("2023-09-01T00:00:00+00:00", "2024-03-01T00:00:00+00:00", source="replay")
    conf = json.dumps({"end": "2024-03-01T00:00:00+00:00", "reason": "weekly test"})

    result = dags_test(
        "crypto_forecast_train_wf",
        "2024-03-04T03:00:00+00:00",
        conf=conf,
        DATABASE_URL=pg_url,
        MLFLOW_TRACKING_URI=mlflow_store,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"stage": "train')]
    candidates = sorted(line["candidate"] for line in lines if line["stage"] == "train.candidate")
    assert candidates == ["gradient_boosting", "gru", "ridge"]
    [summary] = [line for line in lines if line["stage"] == "train"]
    assert summary["decision"] == "promoted" and summary["alias"] == "champion"
    assert registry.version_by_alias("crypto_forecast-KRW-BTC", "champion").version == int(summary["version"])
    with create_engine(pg_url).connect() as conn:
        event = conn.execute(text("select action, to_version, run_id from model_events")).one()
    assert tuple(event) == ("promote", summary["version"], summary["run_id"])
    assert summary["run_id"].startswith("manual__")
