"""`airflow dags test` of inference then monitoring: forecasts land, drift is seen, the train DAG is triggered, and
the retrain it asks for heals the loop: the same lasting shift is not alarmed about again."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, update

from lifecycle import stages
from projects.crypto_forecast.run import PROJECT
from projects.crypto_forecast.utils.tables import features, monitoring, predictions
from service.models import registry
from service.models.registry import CHAMPION

# a stretch whose real volatility holds steady for two days after END: the retrain must face only the injected
# shift (from 2024-03-04, the 03-05 all-time-high crash is a further real rise, which the level check rightly flags)
END = datetime(2024, 2, 8, tzinfo=UTC)


def train_runs(airflow_home: Path) -> dict[str, str]:
    """run id -> conf of the train DAG's runs, read from Airflow's own metadata database."""
    with sqlite3.connect(airflow_home / "airflow.db") as conn:
        rows = conn.execute("select run_id, conf from dag_run where dag_id = 'crypto_forecast_train_wf'").fetchall()
    return {run_id: conf if isinstance(conf, str) else (conf or b"").decode(errors="replace") for run_id, conf in rows}


def test_inference_then_monitoring_triggers_the_train_workflow_and_the_retrain_heals(
    dags_test, airflow_home, database, pg_url, mlflow_store
):
    trained_until = END - timedelta(days=3)
    stages.data(PROJECT, "2023-09-01T00:00:00+00:00", (END + timedelta(days=4)).isoformat(), source="replay")
    assert stages.train(PROJECT, end=trained_until.isoformat(), config="smoke")["decision"] == "promoted"
    env = {"DATABASE_URL": pg_url, "MLFLOW_TRACKING_URI": mlflow_store}

    conf = {"start": trained_until.isoformat(), "end": END.isoformat(), "config": "smoke"}
    inferred = dags_test("crypto_forecast_inference_wf", END.isoformat(), conf=conf, **env)
    assert inferred.succeeded, inferred.output[-6000:]
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        served = select(predictions.c.target_time).where(predictions.c.role == "champion")
        assert len(conn.execute(served).all()) == 72
        # a lasting volatility regime change from three days before END on (the training's window ended there)
        conn.execute(
            update(features)
            .where(features.c.candle_time >= END - timedelta(hours=72))
            .values(
                ret_1h=features.c.ret_1h * 8,
                ret_3h=features.c.ret_3h * 8,
                range_1h=features.c.range_1h * 8,
                volume_z_168h=features.c.volume_z_168h + 3,
            )
        )
    before = set(train_runs(airflow_home))

    conf = {"end": END.isoformat(), "config": "smoke"}
    monitored = dags_test("crypto_forecast_monitoring_wf", END.isoformat(), conf=conf, **env)

    assert monitored.succeeded, monitored.output[-6000:]
    with engine.connect() as conn:
        row = conn.execute(select(monitoring.c.decision, monitoring.c.retrain_requested)).one()
    assert "drift" in row.decision and row.retrain_requested
    triggered = {run_id: conf for run_id, conf in train_runs(airflow_home).items() if run_id not in before}
    assert len(triggered) == 1
    [conf] = triggered.values()
    assert "drift" in conf and END.isoformat() in conf  # the reason and the window travel to the train run
    assert "KRW-BTC" in conf  # and the partition: only that market retrains

    retrained = dags_test("crypto_forecast_train_wf", END.isoformat(), conf=json.loads(conf), **env)
    assert retrained.succeeded, retrained.output[-6000:]
    train_runs_so_far = set(train_runs(airflow_home))
    served = registry.version_by_alias(PROJECT.model_name("KRW-BTC"), CHAMPION).tags
    assert END.isoformat() in (served["fit_end"], served.get("validated_end"))  # it has seen the new regime

    later = END + timedelta(hours=48)
    conf = {"start": END.isoformat(), "end": later.isoformat(), "config": "smoke"}
    assert dags_test("crypto_forecast_inference_wf", later.isoformat(), conf=conf, **env).succeeded
    for end in (END + timedelta(hours=24), later):  # the shift goes on, acknowledged: no alarm, no second retrain
        conf = {"end": end.isoformat(), "config": "smoke"}
        monitored = dags_test("crypto_forecast_monitoring_wf", end.isoformat(), conf=conf, **env)
        assert monitored.succeeded, monitored.output[-6000:]
        with engine.connect() as conn:
            row = conn.execute(select(monitoring).where(monitoring.c.window_end == end)).one()
        assert row.decision in ("ok", "warn") and not row.retrain_requested, (row.decision, row.reason)
    engine.dispose()
    assert set(train_runs(airflow_home)) == train_runs_so_far
