"""First run of the team stack: backfill, first train, then unpause, through Airflow's REST API.

    docker compose run --rm stack-bootstrap [--project crypto_forecast] [--days 90 | --start ISO --end ISO]
                                            [--chunks 3] [--config NAME] [--source replay] [--no-unpause]

The DAGs are paused at creation (docker-compose.yml), so a fresh stack neither ingests nor alerts before it has a
champion. For each project this:
  1. triggers its data workflow over the backfill window, cut into chunks that run side by side, unpauses it, and
     waits for every chunk;
  2. triggers its train workflow on the window's end (reason "bootstrap"), unpauses it, and waits: the first
     champion, if the gate lets the winner through;
  3. unpauses inference and monitoring, which from then on follow each data run through their Assets.
Unpausing a time-scheduled DAG also starts its latest interval (catchup is off): the hourly data run and the
weekly train run of now, on a live stack; MLOPS_TIME_SCHEDULES=off (replays of past data) drops those schedules.

It talks to the stack only through Airflow's REST API (AIRFLOW_URL, AIRFLOW_USERNAME, AIRFLOW_PASSWORD: the
stack-bootstrap service sets them), and prints one JSON line. Running it again is safe: the data upserts change
nothing and the train run meets the champion at its gate.
"""

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta

from compose.settings import Settings, get_settings
from service.api.airflow_client import AirflowClient, AirflowError

KINDS = ("data", "train", "inference", "monitoring")


def client_for(settings: Settings | None = None) -> AirflowClient:
    return AirflowClient(settings or get_settings(), timeout=30)


def wait_until_ready(client: AirflowClient, dag_ids: list[str], timeout: float) -> None:
    """Until the api-server answers and the dag-processor has parsed every DAG named."""
    deadline, missing = time.monotonic() + timeout, list(dag_ids)
    while time.monotonic() < deadline:
        try:
            missing = [dag_id for dag_id in dag_ids if not _exists(client, dag_id)]
        except AirflowError:
            missing = list(dag_ids)  # api-server not answering yet
        if not missing:
            return
        time.sleep(3)
    raise TimeoutError(f"not parsed by Airflow within {timeout:.0f} s: {', '.join(missing)}")


def wait_for_runs(client: AirflowClient, dag_id: str, run_ids: list[str], timeout: float) -> dict[str, dict]:
    """Every run's final state (success or failed), polled; a failed run raises after all have finished."""
    deadline, finished = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        for run_id in run_ids:
            if run_id not in finished:
                run = client.run(dag_id, run_id)
                if run["state"] in ("success", "failed"):
                    finished[run_id] = run
                    print(f"  {dag_id:<32} {run['state']:<8} {run_id}", flush=True)
        if len(finished) == len(run_ids):
            failed = [run_id for run_id, run in finished.items() if run["state"] == "failed"]
            if failed:
                raise RuntimeError(f"{dag_id}: runs failed: {', '.join(failed)} (their task logs are in the UI)")
            return finished
        time.sleep(3)
    raise TimeoutError(f"{dag_id}: runs not finished within {timeout:.0f} s: {sorted(set(run_ids) - set(finished))}")


def chunks(start: datetime, end: datetime, count: int) -> list[tuple[str, str]]:
    """[start, end) cut into `count` consecutive intervals on whole hours."""
    hours = int((end - start).total_seconds() // 3600)
    if hours < 1:
        raise ValueError(f"empty backfill window: {start.isoformat()} .. {end.isoformat()}")
    count = max(1, min(count, hours))
    bounds = [start + timedelta(hours=hours * i // count) for i in range(count)] + [end]
    return [(a.isoformat(), b.isoformat()) for a, b in zip(bounds, bounds[1:])]


def bootstrap(client: AirflowClient, project: str, args: argparse.Namespace) -> dict:
    data, train, inference, monitoring = (f"{project}_{kind}_wf" for kind in KINDS)
    wait_until_ready(client, [data, train, inference, monitoring], args.timeout)
    extra = {"config": args.config, **({"source": args.source} if args.source else {})}
    windows = chunks(args.start, args.end, args.chunks)
    print(f"{project}: backfill {args.start.isoformat()} .. {args.end.isoformat()} in {len(windows)} runs", flush=True)
    runs = [client.trigger(data, {"start": start, "end": end, **extra})["dag_run_id"] for start, end in windows]
    client.set_paused(data, False)
    wait_for_runs(client, data, runs, args.timeout)

    print(f"{project}: first train on data up to {args.end.isoformat()}", flush=True)
    run = client.trigger(train, {"end": args.end.isoformat(), "reason": "bootstrap", "config": args.config})
    client.set_paused(train, False)
    wait_for_runs(client, train, [run["dag_run_id"]], args.timeout)

    unpaused = [data, train]
    if args.unpause:
        for dag_id in (inference, monitoring):
            client.set_paused(dag_id, False)
        unpaused += [inference, monitoring]
    print(f"{project}: unpaused {', '.join(unpaused)}", flush=True)
    return {"project": project, "data_runs": runs, "train_run": run["dag_run_id"], "unpaused": unpaused}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", help="project to bootstrap (repeatable; crypto_forecast)")
    parser.add_argument("--days", type=float, default=90, help="backfill window ending now, in days (90)")
    parser.add_argument("--start", help="backfill window start, ISO 8601 UTC (instead of --days)")
    parser.add_argument("--end", help="backfill window end, ISO 8601 UTC (default: this hour)")
    parser.add_argument("--chunks", type=int, default=3, help="data runs the window is cut into (3)")
    parser.add_argument("--config", default="default", help="config set of the project (default)")
    parser.add_argument("--source", help="data source param of the data workflow, e.g. replay (its default)")
    parser.add_argument("--no-unpause", dest="unpause", action="store_false", help="leave inference/monitoring paused")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for each step (3600)")
    args = parser.parse_args(argv)
    args.project = args.project or ["crypto_forecast"]
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    args.end = _utc(args.end) if args.end else now
    args.start = _utc(args.start) if args.start else args.end - timedelta(days=args.days)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began, client = time.perf_counter(), client_for()
    done = [bootstrap(client, project, args) for project in args.project]
    print(json.dumps({"stage": "bootstrap", "projects": done, "duration_s": round(time.perf_counter() - began, 1)}))
    return 0


def _exists(client: AirflowClient, dag_id: str) -> bool:
    try:
        return bool(client.dag(dag_id))
    except AirflowError as error:
        if error.status == 404:
            return False
        raise


def _utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


if __name__ == "__main__":
    sys.exit(main())
