"""Monitoring on real tables: the time join, the decay direction, drift, alerts and the retrain cooldown."""

from datetime import UTC, datetime, timedelta
from typing import ClassVar

import numpy as np
import pytest
from sqlalchemy import delete, insert, select, update

from db_handler.tables import alerts, workflow_runs
from projects.crypto_forecast import run
from projects.crypto_forecast.configs import MonitoringConfig
from projects.crypto_forecast.core.monitor import decay_reasons
from projects.crypto_forecast.utils.tables import features, monitoring, predictions, raw_candles
from service.monitoring import decide

from .conftest import RidgeOnly

END = datetime(2024, 3, 4, tzinfo=UTC)


class NoCooldown(RidgeOnly):
    name: ClassVar[str] = "test_no_cooldown"
    monitoring: MonitoringConfig = MonitoringConfig(retrain_cooldown_hours=0)


class LongCooldown(RidgeOnly):
    name: ClassVar[str] = "test_long_cooldown"
    monitoring: MonitoringConfig = MonitoringConfig(retrain_cooldown_hours=96)


@pytest.fixture
def forecasts(champion, candles):
    run.inference("2024-03-01T00:00:00+00:00", END, config="test_ridge")
    return candles


def inject_drift(engine, factor: float = 8.0) -> None:
    """Multiply recent hourly returns and ranges, and lift volumes: what a volatility regime change does."""
    with engine.begin() as conn:
        conn.execute(
            update(features)
            .where(features.c.candle_time >= END - timedelta(hours=72))
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
            select(predictions.c.predicted_close, raw_candles.c.close)
            .join(raw_candles, raw_candles.c.candle_time == predictions.c.target_time)
            .where(predictions.c.target_time >= END - window, predictions.c.target_time < END)
        ).all()
    expected_mae = float(np.mean([abs(forecast - actual) for forecast, actual in pairs]))

    summary = run.monitor(END, config="test_ridge")

    assert summary["missing_candles"] == 1 and summary["rows_joined"] == len(pairs) == 23  # a day of targets, one hole
    with forecasts.connect() as conn:
        row = conn.execute(select(monitoring)).one()._mapping
    assert row["metrics"]["live"]["mae"] == pytest.approx(expected_mae, rel=1e-9)
    reference = row["metrics"]["reference"]["mae"]
    assert summary["ratios"]["mae_vs_reference"] == pytest.approx(expected_mae / reference)


def test_decay_means_live_error_above_the_reference():
    config = MonitoringConfig(decay_factor=1.5, naive_factor=1.25, min_joined_rows=10)

    def decision(mae_vs_reference: float, mae_vs_naive: float, rows: int = 48) -> str:
        metrics = {"ratios": {"mae_vs_reference": mae_vs_reference, "mae_vs_naive": mae_vs_naive}}
        return decide(decay_reasons(metrics, config), {}, rows, config)[0]

    assert decision(1.8, 1.0) == "decay"
    assert decision(0.4, 0.9) == "ok"  # a champion doing better than on its test window is fine
    assert decision(1.0, 1.3) == "decay"  # worse than naive on the same hours
    assert decision(9.0, 1.0, rows=3) == "insufficient_data"


def test_drift_alerts_once_and_requests_one_retrain_then_cools_down(forecasts):
    inject_drift(forecasts)

    first = run.monitor(END, config="test_ridge", run_id="scheduled__1")
    second = run.monitor(END + timedelta(hours=1), config="test_ridge", run_id="scheduled__2")

    assert "drift" in first["decision"] and first["retrain"] is True and first["alert"] == "logged"
    assert min(first["drift"].values()) >= 0.25  # every monitored feature moved
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


def test_a_retrain_in_flight_holds_back_another(forecasts):
    inject_drift(forecasts)
    assert run.monitor(END, config="test_no_cooldown", run_id="scheduled__1")["retrain"] is True
    with forecasts.begin() as conn:  # the cooldown is zero: only "a retrain is in flight" can hold it back
        conn.execute(
            insert(workflow_runs).values(
                project="crypto_forecast",
                stage="train.prepare",
                run_id="manual__inflight",
                status="running",
                started_at=datetime.now(UTC),
                interval_end=END - timedelta(days=30),
            )
        )
    held = run.monitor(END + timedelta(hours=1), config="test_no_cooldown")
    assert held["retrain"] is False
    with forecasts.begin() as conn:
        conn.execute(update(workflow_runs).where(workflow_runs.c.run_id == "manual__inflight").values(status="success"))
    assert run.monitor(END + timedelta(hours=2), config="test_no_cooldown")["retrain"] is True


def test_a_recent_training_holds_back_a_retrain(forecasts):
    """The champion's training window ended 72 h before END: inside a 96 h cooldown."""
    inject_drift(forecasts)
    summary = run.monitor(END, config="test_long_cooldown")
    assert "drift" in summary["decision"] and summary["retrain"] is False


def test_quiet_data_gives_no_alert(forecasts):
    summary = run.monitor(END, config="test_ridge")
    assert summary["decision"] in ("ok", "warn") and summary["retrain"] is False and summary["alert"] is None
