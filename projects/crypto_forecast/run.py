"""Stages of crypto_forecast: the only entry point DAGs (and people) use.

    python -m projects.crypto_forecast.run data --start 2024-05-01T00:00 --end 2024-05-02T00:00 [--source replay]
    python -m projects.crypto_forecast.run train [--end 2024-05-02T00:00] [--reason manual]
    python -m projects.crypto_forecast.run inference --start 2024-05-01T00:00 --end 2024-05-02T00:00
    python -m projects.crypto_forecast.run monitor --end 2024-05-02T00:00

Each stage is a function returning a summary dict and printing it as one JSON line. Times without an offset
are read as UTC.
"""

import argparse
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from compose.settings import get_settings
from db_handler import UpsertResult, transaction
from db_handler.runs import track_run
from messenger.delivery import notify
from projects.crypto_forecast import PROJECT, PROJECT_DIR
from projects.crypto_forecast.core import evaluate, load, preprocess
from projects.crypto_forecast.core import inference as forecasting
from projects.crypto_forecast.core import monitor as monitoring
from projects.crypto_forecast.core import train as training
from projects.crypto_forecast.utils import load_spec_from_config, queries
from projects.crypto_forecast.utils.naming import registered_model_name
from service.registry import NoChampion
from service.stages import champion_missing, project_engine, report, run_cli, utc

MIGRATIONS = PROJECT_DIR / "migrations"


def data(
    start: datetime | str,
    end: datetime | str,
    market: str | None = None,
    source: str | None = None,
    config: str = "default",
    tz: str | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """Candles of [start, end) into the raw table, then their features into the features table.

    Every market is fetched and validated before anything is written, then all writes happen in one
    transaction: a bad candle anywhere leaves the tables as they were.
    """
    began = time.perf_counter()
    start, end = utc(start), utc(end)
    if start >= end:
        raise ValueError(f"empty interval: start {start.isoformat()} is not before end {end.isoformat()}")
    spec = load_spec_from_config(config)
    settings = get_settings()
    markets = [market] if market else list(spec.data.markets)
    engine = _engine()
    with track_run(engine, PROJECT, "data", run_id, start, end) as run:
        source = load.resolve_source(source, settings)
        batches = [load.load_candles(m, start, end, source, settings, spec.data.interval, tz) for m in markets]
        with transaction(engine) as conn:
            raw = sum((load.store_raw(conn, batch) for batch in batches), start=UpsertResult(0, 0))
            features = sum(
                (preprocess.update_features(conn, m, start, end, spec) for m in markets), start=UpsertResult(0, 0)
            )
        run.rows_written = raw.written + features.written
        run.rows_unchanged = raw.unchanged + features.unchanged
        run.summary = {
            "stage": "data",
            "project": PROJECT,
            "interval": {"start": start.isoformat(), "end": end.isoformat()},
            "markets": markets,
            "source": source,
            "rows_written": run.rows_written,
            "rows_unchanged": run.rows_unchanged,
            "tables": {
                "raw_candles": {"written": raw.written, "unchanged": raw.unchanged},
                "features": {"written": features.written, "unchanged": features.unchanged},
            },
            "gaps": sum(batch.gaps for batch in batches),
            "duration_s": round(time.perf_counter() - began, 3),
            "run_id": run.run_id,
        }
    return report(run.summary)


def train(
    end: datetime | str | None = None,
    market: str | None = None,
    reason: str = "manual",
    config: str = "default",
    run_id: str | None = None,
) -> dict[str, Any]:
    """Train every candidate on the window ending at `end` (default: after the newest stored candle), then
    register the best and let the gate decide. One process; the train DAG runs the same steps as tasks."""
    began = time.perf_counter()
    prepared = train_prepare(end, market, reason, config, run_id, quiet=True)
    results = [train_candidate(prepared, candidate, config, quiet=True) for candidate in prepared["candidates"]]
    summary = train_select(prepared, results, config, run_id=prepared["run_id"], quiet=True)
    return report({**summary, "duration_s": round(time.perf_counter() - began, 3)})


def train_prepare(
    end: datetime | str | None = None,
    market: str | None = None,
    reason: str = "manual",
    config: str = "default",
    run_id: str | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Check the training window has data and open the MLflow parent run (first task of the train DAG).

    The window ends at `end`, or earlier if the newest stored candle is older (say, the data workflow
    lagged): training never waits for, or pretends to have, candles that are not there."""
    spec = load_spec_from_config(config)
    market = market or spec.data.markets[0]
    engine = _engine()
    newest = _after_newest_candle(engine, market)
    end = min(utc(end), newest) if end else newest  # the window moves with the data actually stored
    with track_run(engine, PROJECT, "train.prepare", run_id, interval_end=end) as run:
        prepared = training.start_training(engine, market, end, spec, reason, run.run_id)
        run.summary = {
            "stage": "train.prepare",
            "project": PROJECT,
            "market": market,
            "end": end.isoformat(),
            "reason": reason,
            "run_id": run.run_id,
            **prepared,
        }
    return run.summary if quiet else report(run.summary)


def train_candidate(prepared: dict, candidate: str, config: str = "default", quiet: bool = False) -> dict[str, Any]:
    """Fit and log one candidate as a child run of the prepared training (the DAG maps this over candidates)."""
    began = time.perf_counter()
    result = training.train_candidate(
        _engine(),
        prepared["market"],
        utc(prepared["end"]),
        load_spec_from_config(config),
        candidate,
        prepared["parent_run_id"],
    )
    summary = {"stage": "train.candidate", **result, "duration_s": round(time.perf_counter() - began, 3)}
    return summary if quiet else report(summary)


def train_select(
    prepared: dict,
    results: list[dict[str, Any]],
    config: str = "default",
    run_id: str | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Best candidate vs champion vs naive on the same test window; register; gate; record the decision."""
    end, market = utc(prepared["end"]), prepared["market"]
    engine = _engine()
    with track_run(engine, PROJECT, "train", run_id, interval_end=end) as run:
        decision = evaluate.evaluate_and_gate(
            engine, market, end, load_spec_from_config(config), list(results), prepared["parent_run_id"], run.run_id
        )
        run.rows_written = 1
        run.summary = {
            "stage": "train",
            "project": PROJECT,
            "market": market,
            "end": end.isoformat(),
            "parent_run_id": prepared["parent_run_id"],
            "run_id": run.run_id,
            **decision,
        }
    return run.summary if quiet else report(run.summary)


def inference(
    start: datetime | str,
    end: datetime | str,
    market: str | None = None,
    config: str = "default",
    run_id: str | None = None,
    dag_id: str | None = None,
) -> dict[str, Any]:
    """The champion's forecasts for the candles after each feature row in [start, end), upserted with lineage.

    Without a champion: a Slack alert and a NoChampion error that says what to run, not a stack of frames."""
    began = time.perf_counter()
    start, end = utc(start), utc(end)
    spec = load_spec_from_config(config)
    market = market or spec.data.markets[0]
    engine = _engine()
    with track_run(engine, PROJECT, "inference", run_id, start, end) as run:
        try:
            result = forecasting.forecast(engine, market, start, end, spec, run.run_id)
        except NoChampion as error:
            raise champion_missing(
                engine,
                PROJECT,
                registered_model_name(market),
                run.run_id,
                dag_id,
                error,
                f"inference for {market} {start.isoformat()} .. {end.isoformat()}",
            ) from None
        run.rows_written, run.rows_unchanged = result["written"], result["unchanged"]
        run.summary = {
            "stage": "inference",
            "project": PROJECT,
            "market": market,
            "interval": {"start": start.isoformat(), "end": end.isoformat()},
            **result,
            "rows_written": result["written"],
            "rows_unchanged": result["unchanged"],
            "duration_s": round(time.perf_counter() - began, 3),
            "run_id": run.run_id,
        }
    return report(run.summary)


def monitor(
    end: datetime | str,
    market: str | None = None,
    config: str = "default",
    run_id: str | None = None,
    dag_id: str | None = None,
) -> dict[str, Any]:
    """Decay and drift over the windows ending at `end`; one monitoring row; a Slack alert when drift or decay
    starts or triggers a retrain.

    The summary's `retrain` says whether the caller should start the train workflow (the monitoring DAG
    does, with the reasons as conf); the cooldown is already applied."""
    began = time.perf_counter()
    end = utc(end)
    spec = load_spec_from_config(config)
    market = market or spec.data.markets[0]
    engine = _engine()
    with track_run(engine, PROJECT, "monitor", run_id, interval_end=end) as run:
        result = monitoring.check(engine, market, end, spec, run.run_id)
        delivery = None
        if result["alert"]:
            delivery = notify(monitoring.alert(result, spec.monitoring, dag_id, run.run_id), engine)
        run.rows_written = result["written"]
        run.summary = {
            "stage": "monitor",
            "project": PROJECT,
            "market": market,
            "end": end.isoformat(),
            "decision": result["decision"],
            "reasons": result["reasons"],
            "retrain": result["retrain"],
            "model": result["model_name"],
            "version": result["model_version"],
            "rows_joined": result["rows_joined"],
            "missing_candles": result["missing_candles"],
            "ratios": result["metrics"].get("ratios", {}),
            "drift": {feature: round(stats["psi"], 4) for feature, stats in result["drift"].items()},
            "alert": delivery.status if delivery else None,
            "duration_s": round(time.perf_counter() - began, 3),
            "run_id": run.run_id,
        }
    return report(run.summary)


def _after_newest_candle(engine, market: str) -> datetime:
    with engine.connect() as conn:
        newest = queries.newest_candle_time(conn, market)
    if newest is None:
        raise ValueError(f"no stored candles for {market}: run the data stage first")
    return newest + timedelta(hours=1)


def _engine():
    return project_engine(PROJECT, MIGRATIONS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m projects.{PROJECT}.run", description=__doc__.splitlines()[0])
    stages = parser.add_subparsers(dest="stage", required=True)

    data_cmd = stages.add_parser("data", help="ingest candles and build features for an interval")
    data_cmd.add_argument("--start", required=True, help="interval start, ISO 8601 (UTC when no offset)")
    data_cmd.add_argument("--end", required=True, help="interval end (exclusive), ISO 8601")
    data_cmd.add_argument("--market", help="one market (default: the config's markets)")
    data_cmd.add_argument("--source", help="upbit | replay | PATH.csv (default: DATA_SOURCE, auto)")
    data_cmd.add_argument("--tz", help="timezone of naive times in a CSV (default: Asia/Seoul, as pyupbit)")
    data_cmd.add_argument("--config", default="default", help="config set name (configs/project.py)")
    data_cmd.add_argument("--run-id", help="run id to record (Airflow passes its own)")

    train_cmd = stages.add_parser("train", help="train the candidates, register the best, gate the champion alias")
    train_cmd.add_argument("--end", help="end of the data window, ISO 8601 (default: after the newest candle)")
    train_cmd.add_argument("--market", help="market to train for (default: the config's first market)")
    train_cmd.add_argument("--reason", default="manual", help="why this training runs (recorded in MLflow)")
    train_cmd.add_argument("--config", default="default", help="config set name (configs/project.py)")
    train_cmd.add_argument("--run-id", help="run id to record (Airflow passes its own)")

    inference_cmd = stages.add_parser("inference", help="forecast the candles after [start, end) with the champion")
    inference_cmd.add_argument("--start", required=True, help="first feature candle, ISO 8601")
    inference_cmd.add_argument("--end", required=True, help="end (exclusive) of the feature candles, ISO 8601")
    inference_cmd.add_argument("--market", help="market (default: the config's first market)")
    inference_cmd.add_argument("--config", default="default", help="config set name (configs/project.py)")
    inference_cmd.add_argument("--run-id", help="run id to record (Airflow passes its own)")

    monitor_cmd = stages.add_parser("monitor", help="decay and drift of the champion over the windows ending at --end")
    monitor_cmd.add_argument("--end", required=True, help="end of the monitored windows, ISO 8601")
    monitor_cmd.add_argument("--market", help="market (default: the config's first market)")
    monitor_cmd.add_argument("--config", default="default", help="config set name (configs/project.py)")
    monitor_cmd.add_argument("--run-id", help="run id to record (Airflow passes its own)")

    return run_cli(parser, {"data": data, "train": train, "inference": inference, "monitor": monitor}, argv)


if __name__ == "__main__":
    sys.exit(main())
