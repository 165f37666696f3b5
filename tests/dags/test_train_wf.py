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

    # what serves was refitted on the whole window up to the run's end: its fit window ends there, and monitoring's
    # drift reference (the fit window) covers the evaluation window too
    served = registry.version_by_alias("crypto_forecast-KRW-BTC", "champion")
    assert served.tags["fit_end"] == summary["end"] == "2024-03-01T00:00:00+00:00"
    assert served.tags["fit_start"] == served.tags["train_start"] < served.tags["test_start"] < served.tags["fit_end"]
    assert served.tags["candidate"] == summary["candidate"] and "baseline_model_uri" in served.tags


def test_when_the_baseline_wins_the_baseline_serves_and_says_so(dags_test, database, pg_url, mlflow_store):
    """On a month of hourly BTC the smoke config's ridge does not beat "no change" on the test window (measured:
    MAE 491,701 against 490,833): the naive forecast is registered, refitted and served like any model."""
    stages.data(PROJECT, "2024-01-15T00:00:00+00:00", "2024-03-04T00:00:00+00:00", source="replay")
    conf = {"end": "2024-03-01T00:00:00+00:00", "config": "smoke"}
    env = {"DATABASE_URL": pg_url, "MLFLOW_TRACKING_URI": mlflow_store}

    trained = dags_test("crypto_forecast_train_wf", "2024-03-04T03:00:00+00:00", conf, **env)
    assert trained.succeeded, trained.output[-6000:]
    [summary] = [line for line in trained.summaries if line["stage"] == "train"]
    assert (summary["winner"], summary["candidate"], summary["decision"]) == ("baseline", "naive", "promoted")
    assert "the baseline serves" in summary["reason"]

    inference = {"start": "2024-03-01T00:00:00+00:00", "end": "2024-03-02T00:00:00+00:00", "config": "smoke"}
    served = dags_test("crypto_forecast_inference_wf", "2024-03-02T00:00:00+00:00", inference, **env)
    assert served.succeeded, served.output[-6000:]
    [forecast] = [line for line in served.summaries if line["stage"] == "inference"]
    assert forecast["serves"] == "naive" and forecast["forecasts"] == 24
