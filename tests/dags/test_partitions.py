"""Two markets through `airflow dags test`: each partition gets its own champion, forecasts and monitoring row,
and drift in one market retrains that market only.

KRW-ETH's candles are derived from the shipped KRW-BTC history (the replay holds one market): the BTC candles of
30 days earlier, rescaled to 1/20 of the price, written to a CSV with both markets, which the data stage reads."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import create_engine, select, update

from lifecycle import stages
from projects.crypto_forecast.core.load import replay_history
from projects.crypto_forecast.run import PROJECT
from projects.crypto_forecast.utils.tables import features, monitoring, predictions
from service.models import registry

START, TRAIN_END, END = "2024-01-15T00:00:00+00:00", "2024-03-01T00:00:00+00:00", datetime(2024, 3, 4, tzinfo=UTC)
MARKETS = ("KRW-BTC", "KRW-ETH")


def two_market_csv(folder) -> str:
    btc = replay_history()
    btc = btc[(btc.candle_time >= pd.Timestamp("2023-11-01", tz="UTC")) & (btc.candle_time < pd.Timestamp(END))]
    eth = replay_history().assign(candle_time=lambda frame: frame.candle_time + pd.Timedelta(days=30))
    eth = eth[eth.candle_time.isin(btc.candle_time)]
    eth[["open", "high", "low", "close", "value"]] /= 20
    both = pd.concat([btc.assign(market="KRW-BTC"), eth.assign(market="KRW-ETH")])
    path = folder / "two_markets.csv"
    both.rename(columns={"candle_time": "candle_date_time_utc"}).to_csv(path, index=False)
    return str(path)


def train_runs(airflow_home) -> dict[str, str]:
    """Every run of the train workflow in the session's Airflow home: run id -> its conf as text."""
    with sqlite3.connect(airflow_home / "airflow.db") as conn:
        rows = conn.execute("select run_id, conf from dag_run where dag_id = 'crypto_forecast_train_wf'").fetchall()
    return {run_id: conf if isinstance(conf, str) else (conf or b"").decode(errors="replace") for run_id, conf in rows}


def test_each_market_gets_its_own_model_and_drift_retrains_only_its_market(
    dags_test, airflow_home, database, pg_url, mlflow_store, tmp_path
):
    stages.data(PROJECT, START, END, config="two_markets", source=two_market_csv(tmp_path))
    env = {"DATABASE_URL": pg_url, "MLFLOW_TRACKING_URI": mlflow_store}

    trained = dags_test("crypto_forecast_train_wf", TRAIN_END, {"end": TRAIN_END, "config": "two_markets"}, **env)
    assert trained.succeeded, trained.output[-6000:]
    registered = {line["partition"]: line for line in trained.summaries if line["stage"] == "train"}
    assert set(registered) == set(MARKETS)
    for market in MARKETS:
        assert registry.version_by_alias(f"crypto_forecast-{market}", "champion") is not None

    conf = {"start": TRAIN_END, "end": END.isoformat(), "config": "two_markets"}
    inferred = dags_test("crypto_forecast_inference_wf", END.isoformat(), conf, **env)
    assert inferred.succeeded, inferred.output[-6000:]
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        served = select(predictions.c.market).where(predictions.c.role == "champion")
        assert sorted(set(conn.execute(served).scalars())) == list(MARKETS)
        recent = (features.c.market == "KRW-ETH") & (features.c.candle_time >= END - timedelta(hours=72))
        conn.execute(
            update(features)
            .where(recent)
            .values(
                ret_1h=features.c.ret_1h * 8,
                ret_3h=features.c.ret_3h * 8,
                range_1h=features.c.range_1h * 8,
                volume_z_168h=features.c.volume_z_168h + 3,
            )
        )
    before = train_runs(airflow_home)

    monitored = dags_test(
        "crypto_forecast_monitoring_wf", END.isoformat(), {"end": END.isoformat(), "config": "two_markets"}, **env
    )

    assert monitored.succeeded, monitored.output[-6000:]
    with engine.connect() as conn:
        decisions = dict(conn.execute(select(monitoring.c.market, monitoring.c.decision)).all())
    engine.dispose()
    assert "drift" in decisions["KRW-ETH"] and "drift" not in decisions["KRW-BTC"]
    triggered = [conf for run_id, conf in train_runs(airflow_home).items() if run_id not in before]
    assert len(triggered) == 1 and "KRW-ETH" in triggered[0] and "KRW-BTC" not in triggered[0]
