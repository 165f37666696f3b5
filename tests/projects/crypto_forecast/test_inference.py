"""Inference with a real champion from MLflow into real PostgreSQL: timing, lineage, reruns, no champion."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from db_handler.tables import alerts
from projects.crypto_forecast import run
from projects.crypto_forecast.utils.tables import features, predictions
from service.registry import NoChampion

START, END = "2024-03-01T00:00:00+00:00", "2024-03-02T00:00:00+00:00"


def stored_predictions(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(predictions).order_by(predictions.c.target_time))]


def test_forecasts_are_stamped_with_the_hour_they_forecast(champion, candles):
    summary = run.inference(START, END, config="test_ridge")

    rows = stored_predictions(candles)
    assert summary["forecasts"] == len(rows) == 24
    first, last = rows[0], rows[-1]
    # feature candle t (closes at t + 1 h) forecasts the candle starting at t + 1 h: stamped with that hour
    assert (
        first["feature_time"].isoformat() == START and first["target_time"].isoformat() == "2024-03-01T01:00:00+00:00"
    )
    assert last["target_time"].isoformat() == END  # the hour right after the interval
    assert all(row["target_time"] - row["feature_time"] == timedelta(hours=1) for row in rows)
    assert {(r["model_name"], r["model_version"], r["mlflow_run_id"]) for r in rows} == {
        ("crypto_forecast-KRW-BTC", champion["version"], rows[0]["mlflow_run_id"])
    }
    assert rows[0]["mlflow_run_id"] and rows[0]["airflow_run_id"] == summary["run_id"]


def test_the_forecast_for_hour_t_does_not_use_candle_t(champion, candles):
    run.inference(START, END, config="test_ridge")
    before = {row["target_time"]: row["predicted_close"] for row in stored_predictions(candles)}
    target = max(before)
    # scramble the features of the forecast hour itself and of everything after it
    with candles.begin() as conn:
        conn.execute(update(features).where(features.c.candle_time >= target).values(ret_1h=0.5, range_1h=0.4))
    again = run.inference(START, END, config="test_ridge")
    assert again["written"] == 0 and again["unchanged"] == 24
    assert {row["target_time"]: row["predicted_close"] for row in stored_predictions(candles)} == before


def test_rerun_is_idempotent_and_keeps_lineage(champion, candles):
    first = run.inference(START, END, config="test_ridge", run_id="scheduled__a")
    rows = stored_predictions(candles)
    second = run.inference(START, END, config="test_ridge", run_id="scheduled__b")
    assert (first["written"], second["written"], second["unchanged"]) == (24, 0, 24)
    assert stored_predictions(candles) == rows  # same forecasts: lineage still points at the run that made them


def test_gaps_in_features_are_skipped_not_shifted(champion, candles):
    with candles.begin() as conn:
        conn.execute(delete(features).where(features.c.candle_time == datetime(2024, 3, 1, 5, tzinfo=UTC)))
    summary = run.inference(START, END, config="test_ridge")
    targets = [row["target_time"].isoformat() for row in stored_predictions(candles)]
    assert summary["forecasts"] == 23 and "2024-03-01T06:00:00+00:00" not in targets


def test_no_champion_fails_clearly_and_alerts(candles, mlflow_store):
    with pytest.raises(NoChampion, match="no 'champion' version yet: run the train workflow"):
        run.inference(START, END, config="test_ridge", run_id="scheduled__no_champion")
    with candles.connect() as conn:
        alert = conn.execute(select(alerts.c.kind, alerts.c.status, alerts.c.title)).one()
    assert alert.kind == "no_champion" and alert.status == "logged" and "crypto_forecast-KRW-BTC" in alert.title


def test_cli_without_champion_prints_an_error_line_not_a_traceback(candles, mlflow_store, pg_url):
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "projects.crypto_forecast.run", "inference", "--start", START, "--end", END],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": pg_url},
    )
    assert result.returncode == 1
    assert "error: registered model 'crypto_forecast-KRW-BTC' has no 'champion'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.count('"stage"') == 0
