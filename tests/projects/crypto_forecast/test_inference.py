"""Inference with a real champion from MLflow into real PostgreSQL: timing, lineage, roles, reruns, no champion."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from db_handler.tables import alerts
from lifecycle import stages
from projects.crypto_forecast.run import PROJECT
from projects.crypto_forecast.utils.tables import features, predictions
from service.models.registry import NoChampion

from .conftest import MODEL, RIDGE

START, END = "2024-03-01T00:00:00+00:00", "2024-03-02T00:00:00+00:00"


def stored_predictions(engine, role: str = "champion") -> list[dict]:
    query = select(predictions).where(predictions.c.role == role).order_by(predictions.c.target_time)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def test_forecasts_are_stamped_with_the_hour_they_forecast(champion, candles):
    summary = stages.inference(PROJECT, START, END, config=RIDGE)

    rows = stored_predictions(candles)
    assert summary["forecasts"] == len(rows) == 24
    first, last = rows[0], rows[-1]
    # feature candle t (closes at t + 1 h) forecasts the candle starting at t + 1 h: stamped with that hour
    assert first["feature_time"].isoformat() == START
    assert first["target_time"].isoformat() == "2024-03-01T01:00:00+00:00"
    assert last["target_time"].isoformat() == END  # the hour right after the interval
    assert all(row["target_time"] - row["feature_time"] == timedelta(hours=1) for row in rows)
    assert {(r["model_name"], r["model_version"], r["mlflow_run_id"]) for r in rows} == {
        (MODEL, champion["version"], rows[0]["mlflow_run_id"])
    }
    assert rows[0]["mlflow_run_id"] and rows[0]["airflow_run_id"] == summary["run_id"]


def test_the_companion_baseline_forecasts_the_same_rows_and_is_never_the_served_one(champion, candles):
    stages.inference(PROJECT, START, END, config=RIDGE)
    served, baseline = stored_predictions(candles), stored_predictions(candles, "baseline")
    assert [row["target_time"] for row in baseline] == [row["target_time"] for row in served]
    assert all(row["predicted_log_return"] == 0 for row in baseline)  # persistence: no change
    assert {row["model_version"] for row in baseline} == {champion["version"]}


def test_the_forecast_for_hour_t_does_not_use_candle_t(champion, candles):
    stages.inference(PROJECT, START, END, config=RIDGE)
    before = {row["target_time"]: row["predicted_close"] for row in stored_predictions(candles)}
    target = max(before)
    # scramble the features of the forecast hour itself and of everything after it
    with candles.begin() as conn:
        conn.execute(update(features).where(features.c.candle_time >= target).values(ret_1h=0.5, range_1h=0.4))
    again = stages.inference(PROJECT, START, END, config=RIDGE)
    assert again["rows_written"] == 0 and again["rows_unchanged"] == 48  # champion and baseline rows
    assert {row["target_time"]: row["predicted_close"] for row in stored_predictions(candles)} == before


def test_rerun_is_idempotent_and_keeps_lineage(champion, candles):
    first = stages.inference(PROJECT, START, END, config=RIDGE, run_id="scheduled__a")
    rows = stored_predictions(candles)
    second = stages.inference(PROJECT, START, END, config=RIDGE, run_id="scheduled__b")
    assert (first["rows_written"], second["rows_written"], second["rows_unchanged"]) == (48, 0, 48)
    assert stored_predictions(candles) == rows  # same forecasts: lineage still points at the run that made them


def test_gaps_in_features_are_skipped_not_shifted(champion, candles):
    with candles.begin() as conn:
        conn.execute(delete(features).where(features.c.candle_time == datetime(2024, 3, 1, 5, tzinfo=UTC)))
    summary = stages.inference(PROJECT, START, END, config=RIDGE)
    targets = [row["target_time"].isoformat() for row in stored_predictions(candles)]
    assert summary["forecasts"] == 23 and "2024-03-01T06:00:00+00:00" not in targets


def test_no_champion_is_clear_and_alerts_once_per_cooldown(candles, mlflow_store):
    for hour in range(3):  # three hourly runs in the same cooldown period: one alert
        start = datetime(2024, 3, 1, hour, tzinfo=UTC)
        with pytest.raises(NoChampion, match="has no champion yet: run the train workflow first"):
            stages.inference(PROJECT, start, start + timedelta(hours=1), config=RIDGE, run_id=f"scheduled__{hour}")
    with candles.connect() as conn:
        sent = conn.execute(select(alerts.c.kind, alerts.c.status, alerts.c.title)).all()
    assert len(sent) == 1
    assert sent[0].kind == "no_champion" and sent[0].status == "logged" and MODEL in sent[0].title


def test_cli_without_champion_prints_an_error_line_not_a_traceback(candles, mlflow_store, pg_url):
    result = subprocess.run(
        [sys.executable, "-m", "projects.crypto_forecast.run", "inference", "--start", START, "--end", END],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": pg_url},
    )
    assert result.returncode == 1
    assert f"error: NoChampion: registered model '{MODEL}' has no champion yet" in result.stderr
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == result.stderr.splitlines()[-1:]
    assert result.stdout.count('"stage"') == 0
