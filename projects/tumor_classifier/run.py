"""Stages of tumor_classifier: the only entry point DAGs (and people) use.

    python -m projects.tumor_classifier.run data --start 2024-01-01 --end 2024-01-12
    python -m projects.tumor_classifier.run train [--end 2024-01-12]
    python -m projects.tumor_classifier.run inference --start 2024-01-12 --end 2024-01-16
    python -m projects.tumor_classifier.run monitor --end 2024-01-16

Times are batch arrival times (a batch arrives every day from 2024-01-01 with the defaults); each stage
returns a summary dict and prints it as one JSON line.
"""

import argparse
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from db_handler import UpsertResult, transaction
from db_handler.runs import track_run
from messenger.delivery import notify
from projects.tumor_classifier import PROJECT, PROJECT_DIR
from projects.tumor_classifier.core import evaluate, load, preprocess
from projects.tumor_classifier.core import inference as classifying
from projects.tumor_classifier.core import monitor as monitoring
from projects.tumor_classifier.core import train as training
from projects.tumor_classifier.utils import load_spec_from_config
from projects.tumor_classifier.utils.naming import registered_model_name
from projects.tumor_classifier.utils.tables import samples
from service.registry import NoChampion
from service.stages import champion_missing, project_engine, report, run_cli, utc

MIGRATIONS = PROJECT_DIR / "migrations"


def data(
    start: datetime | str, end: datetime | str, config: str = "default", run_id: str | None = None
) -> dict[str, Any]:
    """Batches arriving in [start, end): validated samples, then their features, in one transaction."""
    began = time.perf_counter()
    start, end = utc(start), utc(end)
    if start >= end:
        raise ValueError(f"empty interval: start {start.isoformat()} is not before end {end.isoformat()}")
    spec = load_spec_from_config(config)
    engine = _engine()
    with track_run(engine, PROJECT, "data", run_id, start, end) as run:
        loaded = load.load_samples(spec.data, start, end)
        with transaction(engine) as conn:
            raw = load.store_samples(conn, loaded) if len(loaded) else UpsertResult(0, 0)
            features = preprocess.update_features(conn, loaded, spec.features) if len(loaded) else UpsertResult(0, 0)
        run.rows_written, run.rows_unchanged = raw.written + features.written, raw.unchanged + features.unchanged
        run.summary = {
            "stage": "data",
            "project": PROJECT,
            "interval": {"start": start.isoformat(), "end": end.isoformat()},
            "batches": sorted(int(b) for b in loaded["batch"].unique()),
            "rows_written": run.rows_written,
            "rows_unchanged": run.rows_unchanged,
            "tables": {"samples": vars(raw), "features": vars(features)},
            "duration_s": round(time.perf_counter() - began, 3),
            "run_id": run.run_id,
        }
    return report(run.summary)


def train(
    end: datetime | str | None = None, reason: str = "manual", config: str = "default", run_id: str | None = None
) -> dict[str, Any]:
    """Every candidate on the batches before `end` (default: all stored), then register the best through the gate."""
    began = time.perf_counter()
    prepared = train_prepare(end, reason, config, run_id, quiet=True)
    results = [train_candidate(prepared, candidate, config, quiet=True) for candidate in prepared["candidates"]]
    summary = train_select(prepared, results, config, run_id=prepared["run_id"], quiet=True)
    return report({**summary, "duration_s": round(time.perf_counter() - began, 3)})


def train_prepare(
    end: datetime | str | None = None,
    reason: str = "manual",
    config: str = "default",
    run_id: str | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Check there are enough batches and open the MLflow parent run (first task of the train DAG)."""
    spec = load_spec_from_config(config)
    engine = _engine()
    after_newest = _after_newest_batch(engine, spec)
    end = min(utc(end), after_newest) if end else after_newest
    with track_run(engine, PROJECT, "train.prepare", run_id, interval_end=end) as run:
        prepared = training.start_training(engine, end, spec, reason, run.run_id)
        run.summary = {
            "stage": "train.prepare",
            "project": PROJECT,
            "end": end.isoformat(),
            "reason": reason,
            "run_id": run.run_id,
            **prepared,
        }
    return run.summary if quiet else report(run.summary)


def train_candidate(prepared: dict, candidate: str, config: str = "default", quiet: bool = False) -> dict[str, Any]:
    began = time.perf_counter()
    result = training.train_candidate(
        _engine(), utc(prepared["end"]), load_spec_from_config(config), candidate, prepared["parent_run_id"]
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
    end = utc(prepared["end"])
    engine = _engine()
    with track_run(engine, PROJECT, "train", run_id, interval_end=end) as run:
        decision = evaluate.evaluate_and_gate(
            engine, end, load_spec_from_config(config), list(results), prepared["parent_run_id"], run.run_id
        )
        run.rows_written = 1
        run.summary = {
            "stage": "train",
            "project": PROJECT,
            "end": end.isoformat(),
            "parent_run_id": prepared["parent_run_id"],
            "run_id": run.run_id,
            **decision,
        }
    return run.summary if quiet else report(run.summary)


def inference(
    start: datetime | str,
    end: datetime | str,
    config: str = "default",
    run_id: str | None = None,
    dag_id: str | None = None,
) -> dict[str, Any]:
    """The champion's verdict on every sample that arrived in [start, end), upserted with lineage."""
    began = time.perf_counter()
    start, end = utc(start), utc(end)
    engine = _engine()
    with track_run(engine, PROJECT, "inference", run_id, start, end) as run:
        try:
            result = classifying.classify(engine, start, end, load_spec_from_config(config), run.run_id)
        except NoChampion as error:
            raise champion_missing(
                engine,
                PROJECT,
                registered_model_name(),
                run.run_id,
                dag_id,
                error,
                f"inference for {start.isoformat()} .. {end.isoformat()}",
            ) from None
        run.rows_written, run.rows_unchanged = result["written"], result["unchanged"]
        run.summary = {
            "stage": "inference",
            "project": PROJECT,
            "interval": {"start": start.isoformat(), "end": end.isoformat()},
            **result,
            "rows_written": result["written"],
            "rows_unchanged": result["unchanged"],
            "duration_s": round(time.perf_counter() - began, 3),
            "run_id": run.run_id,
        }
    return report(run.summary)


def monitor(
    end: datetime | str, config: str = "default", run_id: str | None = None, dag_id: str | None = None
) -> dict[str, Any]:
    """Decay and drift over the windows ending at `end`; one monitoring row; Slack when trouble starts."""
    began = time.perf_counter()
    end = utc(end)
    spec = load_spec_from_config(config)
    engine = _engine()
    with track_run(engine, PROJECT, "monitor", run_id, interval_end=end) as run:
        result = monitoring.check(engine, end, spec, run.run_id)
        delivery = (
            notify(monitoring.alert(result, spec.monitoring, dag_id, run.run_id), engine) if result["alert"] else None
        )
        run.rows_written = result["written"]
        run.summary = {
            "stage": "monitor",
            "project": PROJECT,
            "end": end.isoformat(),
            "decision": result["decision"],
            "reasons": result["reasons"],
            "retrain": result["retrain"],
            "model": result["model_name"],
            "version": result["model_version"],
            "rows_joined": result["rows_joined"],
            "metrics": result["metrics"].get("live", {}),
            "drift": {feature: round(stats["psi"], 4) for feature, stats in result["drift"].items()},
            "alert": delivery.status if delivery else None,
            "duration_s": round(time.perf_counter() - began, 3),
            "run_id": run.run_id,
        }
    return report(run.summary)


def _after_newest_batch(engine, spec) -> datetime:
    """Just after the newest stored batch: the default end of a training window."""
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(samples.c.arrived_at))).scalar_one()
    if newest is None:
        raise ValueError("no stored samples: run the data stage first")
    return newest + timedelta(hours=spec.data.batch_every_hours)


def _engine():
    return project_engine(PROJECT, MIGRATIONS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m projects.{PROJECT}.run", description=__doc__.splitlines()[0])
    stages = parser.add_subparsers(dest="stage", required=True)
    when = "ISO 8601 (UTC when no offset)"

    data_cmd = stages.add_parser("data", help="load the batches arriving in [start, end)")
    data_cmd.add_argument("--start", required=True, help=when)
    data_cmd.add_argument("--end", required=True, help=f"exclusive, {when}")

    train_cmd = stages.add_parser("train", help="train the candidates, register the best, gate the champion alias")
    train_cmd.add_argument("--end", help=f"end of the window (default: after the newest batch), {when}")
    train_cmd.add_argument("--reason", default="manual", help="why this training runs (recorded in MLflow)")

    inference_cmd = stages.add_parser("inference", help="classify the samples that arrived in [start, end)")
    inference_cmd.add_argument("--start", required=True, help=when)
    inference_cmd.add_argument("--end", required=True, help=f"exclusive, {when}")

    monitor_cmd = stages.add_parser("monitor", help="decay and drift over the windows ending at --end")
    monitor_cmd.add_argument("--end", required=True, help=when)

    for command in (data_cmd, train_cmd, inference_cmd, monitor_cmd):
        command.add_argument("--config", default="default", help="config set name (configs/project.py)")
        command.add_argument("--run-id", help="run id to record (Airflow passes its own)")
    return run_cli(parser, {"data": data, "train": train, "inference": inference, "monitor": monitor}, argv)


if __name__ == "__main__":
    sys.exit(main())
