"""Monitoring on real tables: the time join, decay against the baseline, drift, alerts and the retrain cooldown."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import delete, insert, select, update

from db_handler.tables import alerts, trainings
from lifecycle import stages
from lifecycle.stages.monitor import drift_reference
from projects.crypto_forecast.configs import Default, MonitoringConfig
from projects.crypto_forecast.run import PROJECT
from projects.crypto_forecast.utils.tables import features, monitoring, predictions, raw_candles
from service.monitoring.decision import decay_reasons, decide

from .conftest import MODEL, RIDGE

END = datetime(2024, 3, 4, tzinfo=UTC)
NO_COOLDOWN = Default(train=RIDGE.train, monitoring=MonitoringConfig(retrain_cooldown_hours=0))
LONG_COOLDOWN = Default(train=RIDGE.train, monitoring=MonitoringConfig(retrain_cooldown_hours=96))


@pytest.fixture
def forecasts(champion, candles):
    stages.inference(PROJECT, "2024-03-01T00:00:00+00:00", END, config=RIDGE)
    return candles


def inject_drift(engine, factor: float = 8.0, since: datetime = END - timedelta(hours=72)) -> None:
    """Multiply hourly returns and ranges from `since` on, and lift volumes: what a volatility regime change does."""
    with engine.begin() as conn:
        conn.execute(
            update(features)
            .where(features.c.candle_time >= since)
            .values(
                ret_1h=features.c.ret_1h * factor,
                ret_3h=features.c.ret_3h * factor,
                range_1h=features.c.range_1h * factor,
                volume_z_168h=features.c.volume_z_168h + 3,
            )
        )


def test_forecasts_join_candles_by_timestamp_and_gaps_are_counted(forecasts):
    hole = datetime(2024, 3, 3, 10, tzinfo=UTC)
    window = timedelta(hours=MonitoringConfig().performance_window_hours)
    with forecasts.begin() as conn:
        conn.execute(delete(raw_candles).where(raw_candles.c.candle_time == hole))
        pairs = conn.execute(
            select(predictions.c.predicted_close, raw_candles.c.close, predictions.c.base_close)
            .join(raw_candles, raw_candles.c.candle_time == predictions.c.target_time)
            .where(predictions.c.target_time >= END - window, predictions.c.target_time < END)
            .where(predictions.c.role == "champion")
        ).all()
    expected_mae = float(np.mean([abs(forecast - actual) for forecast, actual, _ in pairs]))
    naive_mae = float(np.mean([abs(base - actual) for _, actual, base in pairs]))

    summary = stages.monitor(PROJECT, END, config=RIDGE)

    assert summary["unrealised"] == 1 and summary["rows_joined"] == len(pairs) == 23  # a day of targets, one hole
    with forecasts.connect() as conn:
        row = conn.execute(select(monitoring)).one()._mapping
    assert row["metrics"]["champion"]["mae"] == pytest.approx(expected_mae, rel=1e-9)
    assert row["metrics"]["baseline"]["mae"] == pytest.approx(naive_mae, rel=1e-9)
    assert row["metrics"]["ratio"] == pytest.approx(expected_mae / naive_mae)
    assert row["metrics"]["decay"] == {"ratio": pytest.approx(expected_mae / naive_mae), "limit": 1.25}


def test_decay_means_live_error_above_the_baselines_on_the_same_rows():
    config = MonitoringConfig(decay_vs_baseline=1.5, min_joined_rows=10)

    def decision(ratio: float, rows: int = 48) -> str:
        return decide(decay_reasons(ratio, "mae", config), {}, rows, config)[0]

    assert decision(1.8) == "decay"
    assert decision(0.9) == "insufficient_data"  # no drift measured: nothing says the inputs are fine either
    assert decide(decay_reasons(0.9, "mae", config), {"f": {"level": "ok", "psi": 0.01}}, 48, config)[0] == "ok"
    assert decision(9.0, rows=3) == "insufficient_data"
    assert decay_reasons(float("nan"), "mae", config) == []  # a baseline error of 0 says nothing


def test_drift_alerts_once_and_requests_one_retrain_then_cools_down(forecasts):
    inject_drift(forecasts)

    first = stages.monitor(PROJECT, END, config=RIDGE, run_id="scheduled__1")
    second = stages.monitor(PROJECT, END + timedelta(hours=1), config=RIDGE, run_id="scheduled__2")

    assert "drift" in first["decision"] and first["retrain"] is True and first["alert"] == "logged"
    assert "drift" in second["decision"] and second["retrain"] is False
    assert any("requested within 24 h" in reason for reason in second["reasons"])
    with forecasts.connect() as conn:
        kinds = conn.execute(select(alerts.c.kind, alerts.c.status)).all()
        requested = (
            conn.execute(select(monitoring.c.retrain_requested).order_by(monitoring.c.window_end)).scalars().all()
        )
    assert second["alert"] is None  # still drifting, no retrain: Slack already knows
    assert len(kinds) == 1 and kinds[0].status == "logged"
    assert requested == [True, False]


def test_a_retrain_in_flight_holds_back_another_until_it_stops_reporting(forecasts):
    inject_drift(forecasts)
    assert stages.monitor(PROJECT, END, config=NO_COOLDOWN, run_id="scheduled__1")["retrain"] is True
    now = datetime.now(UTC)
    in_flight = {
        "project": "crypto_forecast",
        "model_name": MODEL,
        "run_id": "manual__inflight",
        "window_end": END - timedelta(days=30),
        "status": "running",
        "started_at": now,
        "heartbeat_at": now,
    }
    with forecasts.begin() as conn:  # the cooldown is zero: only "a retrain is in flight" can hold it back
        conn.execute(insert(trainings).values(**in_flight))
    assert stages.monitor(PROJECT, END + timedelta(hours=1), config=NO_COOLDOWN)["retrain"] is False
    with forecasts.begin() as conn:  # its worker died hours ago: it no longer counts as in flight
        conn.execute(update(trainings).values(heartbeat_at=now - timedelta(hours=7)))
    assert stages.monitor(PROJECT, END + timedelta(hours=2), config=NO_COOLDOWN)["retrain"] is True


def test_a_recent_training_holds_back_a_retrain(forecasts):
    """The champion's training window ended 72 h before END: inside a 96 h cooldown."""
    inject_drift(forecasts)
    summary = stages.monitor(PROJECT, END, config=LONG_COOLDOWN)
    assert "drift" in summary["decision"] and summary["retrain"] is False


def test_quiet_data_gives_no_alert(forecasts):
    summary = stages.monitor(PROJECT, END, config=RIDGE)
    assert summary["decision"] in ("ok", "warn") and summary["retrain"] is False and summary["alert"] is None


def test_drift_reference_is_the_fit_window_extended_to_where_a_gate_kept_the_model():
    fitted = {"fit_start": "2022-09-07T00:00:00+00:00", "fit_end": "2022-11-06T00:00:00+00:00"}
    start, end = datetime(2022, 9, 7, tzinfo=UTC), datetime(2022, 11, 6, tzinfo=UTC)
    assert drift_reference(fitted) == (start, end)
    kept = {**fitted, "validated_end": "2022-11-11T00:00:00+00:00"}
    assert drift_reference(kept) == (start, datetime(2022, 11, 11, tzinfo=UTC))


def test_once_a_retrain_has_seen_the_drift_episode_drift_alone_warns_until_an_ok_ends_it(forecasts):
    inject_drift(forecasts)
    first = stages.monitor(PROJECT, END, config=NO_COOLDOWN, run_id="scheduled__1")
    assert "drift" in first["decision"] and first["retrain"] is True
    stages.train(PROJECT, end=END, reason="drift", config=RIDGE)  # the retrain it asked for: data up to END
    inject_drift(forecasts, factor=4.0, since=END)  # and the shift grows after it: drift by any statistic

    later = stages.monitor(PROJECT, END + timedelta(hours=24), config=NO_COOLDOWN)

    assert later["decision"] == "warn" and later["retrain"] is False and later["alert"] is None
    [reason] = later["reasons"]
    assert reason.startswith("drift in ") and "acknowledged: v" in reason
    assert f"first alarm at {END:%Y-%m-%d %H:%M}" in reason
    with forecasts.begin() as conn:  # an ok run ends the episode: the next drift is a new one
        conn.execute(
            update(monitoring).where(monitoring.c.window_end == END + timedelta(hours=24)).values(decision="ok")
        )
    again = stages.monitor(PROJECT, END + timedelta(hours=48), config=NO_COOLDOWN)
    assert "drift" in again["decision"] and again["retrain"] is True


def test_an_acknowledged_drift_still_alerts_with_decay():
    config, drift = MonitoringConfig(), {"a": {"level": "alert", "psi": 2.0, "alert_at": 0.5, "warn_at": 0.3}}
    decay = decay_reasons(1.5, "mae", config)
    assert decide([], drift, 48, config, acknowledged="v2 has seen it")[0] == "warn"
    assert decide(decay, drift, 48, config, acknowledged="v2 has seen it")[0] == "drift+decay"
    assert decide([], drift, 48, config)[0] == "drift"
