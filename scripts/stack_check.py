"""The team stack's topology (docker-compose.yml), proven natively, process by process, on this machine.

    .venv/bin/python scripts/stack_check.py [--timeout 1500] [--keep-running]

Starts, each as its own process: Redis, a local S3 server (moto), an MLflow tracking server (PostgreSQL
backend, artifacts proxied to the S3 bucket), and Airflow with the CeleryExecutor on PostgreSQL metadata
(api-server, scheduler, dag-processor, two celery workers); PostgreSQL is the machine's (STACK_DATABASE_URL,
default the local server), with three fresh databases. A local Slack-compatible server records messages.

Then it runs crypto_forecast through the scheduler: the data workflow over three intervals of calm 2022
candles, the train workflow, and five stormy days of the FTX collapse, each day's data run feeding
inference and monitoring through their Assets; monitoring alerts Slack and triggers a retrain. It asserts:
tasks ran on both workers, results are in PostgreSQL, model artifacts are in the bucket, the champion alias
is set on the MLflow server, and an alert reached Slack. It prints the wall time and the per-worker task
counts, and stops only the processes it started (and drops the databases it made), also on failure.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
BIN = Path(sys.executable).parent
CONFIG = "calm_regime"  # a ridge champion that only saw calm weeks: the FTX days drift away from it
CALM = [("2022-08-01", "2022-09-01"), ("2022-09-01", "2022-10-01"), ("2022-10-01", "2022-11-06")]
# the FTX collapse, a day per data run: monitoring of this calm champion first flags drift on the window ending
# 11-10 (three days are not enough since PSI bins are smoothed), which triggers the retrain; the fifth day follows it
STORMY_DAYS = [(f"2022-11-{day:02d}", f"2022-11-{day + 1:02d}") for day in range(6, 11)]
MODEL = "crypto_forecast-KRW-BTC"


class Processes:
    """The processes this check started, each in its own session, so stopping them stops their children."""

    def __init__(self, logs: Path) -> None:
        self.logs, self.started = logs, []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT, start_new_session=True
        )
        self.started.append((name, process, log))
        return process

    def check_alive(self) -> None:
        for name, process, _ in self.started:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {self.logs / name}.log")

    def stop(self) -> None:
        for _, process, _ in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for _, process, log in reversed(self.started):
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


class SlackRecorder:
    """A Slack-compatible endpoint (chat.postMessage) that records what it is sent."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                recorder.messages.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                body = json.dumps({"ok": True, "ts": str(time.time())}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(what: str, ready, timeout: float, processes: Processes) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        try:
            if ready():
                return
        except Exception:
            pass
        time.sleep(1)
    raise TimeoutError(f"{what} not ready within {timeout:.0f} s")


@contextmanager
def databases(base_url: str, names: list[str]):
    """Fresh databases on the server of `base_url`, dropped afterwards; yields their URLs by name."""
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    prefix = f"stack_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{prefix}_{name}"'))
    try:
        yield {
            name: make_url(base_url).set(database=f"{prefix}_{name}").render_as_string(hide_password=False)
            for name in names
        }
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{prefix}_{name}" WITH (FORCE)'))
        admin.dispose()


def start_stack(processes: Processes, urls: dict[str, str], home: Path, slack: SlackRecorder) -> dict:
    """Every service of the stack; returns the environment Airflow's processes share, and the endpoints."""
    redis_port, s3_port, mlflow_port, api_port = free_port(), free_port(), free_port(), free_port()
    processes.start(
        "redis", ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"], dict(os.environ)
    )
    s3 = {
        "AWS_ACCESS_KEY_ID": "stack",
        "AWS_SECRET_ACCESS_KEY": secrets.token_hex(12),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    processes.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], {**os.environ, **s3})
    s3_url = f"http://127.0.0.1:{s3_port}"
    wait_until("S3 (moto)", lambda: httpx.get(s3_url).status_code < 500, 60, processes)
    import boto3

    bucket = "mlflow"
    boto3.client(
        "s3",
        endpoint_url=s3_url,
        **{k.lower(): v for k, v in s3.items() if k != "AWS_DEFAULT_REGION"},
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    mlflow_url = f"http://127.0.0.1:{mlflow_port}"
    processes.start(
        "mlflow",
        [
            str(BIN / "mlflow"),
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(mlflow_port),
            "--workers",
            "2",
            "--backend-store-uri",
            urls["mlflow"],
            "--artifacts-destination",
            f"s3://{bucket}/artifacts",
        ],
        {**os.environ, **s3, "MLFLOW_S3_ENDPOINT_URL": s3_url},
    )

    password = secrets.token_urlsafe(16)
    (home / "passwords.json").write_text(json.dumps({"admin": password}))
    airflow_url = f"http://127.0.0.1:{api_port}"
    metadata = urls["airflow"]
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__BASE_URL": airflow_url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{airflow_url}/execution/",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata.replace(
            "+psycopg://", "+psycopg_async://"
        ),  # not asyncpg
        "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata,
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        "MLOPS_TIME_SCHEDULES": "off",  # 2022 is replayed: runs are triggered or Asset-driven, not hourly from now
        # what the projects read (compose/settings.py): the stack's services, Slack replaced by the recorder
        "DATABASE_URL": urls["results"],
        "MLFLOW_TRACKING_URI": mlflow_url,
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DATA_SOURCE": "replay",
        "SLACK_BOT_TOKEN": "xoxb-stack-check",
        "SLACK_CHANNEL": "#stack-check",
        "SLACK_API_URL": slack.url,
        "AIRFLOW_URL": airflow_url,
        "ALERTS_LOG_FILE": str(home / "alerts.log"),
        "MLOPS_ENV_FILE": os.devnull,
    }
    env.pop("MLFLOW_ARTIFACT_LOCATION", None)
    migrated = subprocess.run(
        [str(BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, text=True, timeout=600
    )
    if migrated.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{migrated.stderr[-3000:]}")
    airflow = str(BIN / "airflow")
    processes.start("api-server", [airflow, "api-server", "--port", str(api_port)], env)
    processes.start("scheduler", [airflow, "scheduler"], env)
    processes.start("dag-processor", [airflow, "dag-processor"], env)
    for worker in ("worker1", "worker2"):
        processes.start(
            worker,
            [
                airflow,
                "celery",
                "worker",
                "--concurrency",
                "2",
                "--skip-serve-logs",
                "--celery-hostname",
                f"{worker}@%h",
            ],
            env,
        )
    wait_until("MLflow server", lambda: httpx.get(f"{mlflow_url}/health").status_code == 200, 180, processes)
    wait_until(
        "Airflow api-server",
        lambda: httpx.get(f"{airflow_url}/api/v2/monitor/health").status_code == 200,
        240,
        processes,
    )
    return {
        "env": env,
        "airflow_url": airflow_url,
        "password": password,
        "mlflow_url": mlflow_url,
        "s3": s3,
        "s3_url": s3_url,
        "bucket": bucket,
    }


def airflow_client(stack: dict):
    from compose.settings import Settings
    from service.api.airflow_client import AirflowClient

    return AirflowClient(
        Settings(airflow_url=stack["airflow_url"], airflow_username="admin", airflow_password=stack["password"]),
        timeout=30,
    )


def run_and_wait(client, dag_id: str, conf: dict, processes: Processes, timeout: float = 900) -> dict:
    run = client.trigger(dag_id, conf)
    return wait_for_run(client, dag_id, run["dag_run_id"], processes, timeout)


def wait_for_run(client, dag_id: str, run_id: str, processes: Processes, timeout: float = 900) -> dict:
    began, deadline = time.perf_counter(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        run = client.run(dag_id, run_id)
        if run["state"] in ("success", "failed"):
            print(f"  {dag_id:<32} {run['state']:<8} {time.perf_counter() - began:6.1f} s  {run_id}")
            if run["state"] == "failed":
                errors = [
                    line[:1500]
                    for log in (processes.logs / f"dag_id={dag_id}" / f"run_id={run_id}").rglob("*.log")
                    for line in log.read_text(errors="replace").splitlines()
                    if '"level":"error"' in line
                ]
                raise RuntimeError(f"{dag_id} run {run_id} failed:\n" + "\n".join(errors[-3:]))
            return run
        time.sleep(2)
    raise TimeoutError(f"{dag_id} run {run_id} did not finish within {timeout:.0f} s")


def newest_run_after(client, dag_id: str, known: set[str], processes: Processes, timeout: float = 300) -> dict | None:
    """The first run of `dag_id` that is not in `known` (asset- or trigger-created), or None within the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        fresh = [run for run in client.runs(dag_id, limit=50)[0] if run["dag_run_id"] not in known]
        if fresh:
            return fresh[0]
        time.sleep(2)
    return None


def drive_workflows(stack: dict, processes: Processes) -> dict:
    client = airflow_client(stack)
    dag_ids = [f"crypto_forecast_{kind}_wf" for kind in ("data", "train", "inference", "monitoring")]
    wait_until("the four DAGs parsed", lambda: all(client.dag(dag_id) for dag_id in dag_ids), 300, processes)
    data, train, inference, monitoring = dag_ids
    for dag_id in (data, train):
        client.set_paused(dag_id, False)

    print("calm history: three data intervals at once, then the champion")
    runs = [client.trigger(data, {"start": start, "end": end, "config": CONFIG}) for start, end in CALM]
    for run in runs:
        wait_for_run(client, data, run["dag_run_id"], processes)
    run_and_wait(client, train, {"end": CALM[-1][1], "reason": "stack check baseline", "config": CONFIG}, processes)

    print("stormy days: each data run feeds inference, which feeds monitoring (Assets)")
    for dag_id in (inference, monitoring):
        client.set_paused(dag_id, False)  # Asset-scheduled: nothing runs until an Asset event
    retrains = 0
    for start, end in STORMY_DAYS:
        seen = {
            dag_id: {run["dag_run_id"] for run in client.runs(dag_id, limit=100)[0]}
            for dag_id in (inference, monitoring, train)
        }
        run_and_wait(client, data, {"start": start, "end": end, "config": CONFIG}, processes)
        for dag_id in (inference, monitoring):
            run = newest_run_after(client, dag_id, seen[dag_id], processes)
            assert run is not None, f"{dag_id} was not triggered by the Asset after the data run of {start}"
            wait_for_run(client, dag_id, run["dag_run_id"], processes)
        retrain = newest_run_after(client, train, seen[train], processes, timeout=15)
        if retrain is not None:
            retrains += 1
            wait_for_run(client, train, retrain["dag_run_id"], processes)
    return {"retrains": retrains}


def tasks_per_worker(stack: dict) -> dict[str, int]:
    """Tasks each Celery worker executed, as the workers themselves count them."""
    from celery import Celery

    app = Celery(broker=stack["env"]["AIRFLOW__CELERY__BROKER_URL"])
    stats = app.control.inspect(timeout=10).stats() or {}
    return {worker.split("@")[0]: sum(info.get("total", {}).values()) for worker, info in sorted(stats.items())}


def verify(stack: dict, urls: dict[str, str], slack: SlackRecorder) -> dict:
    import boto3
    from mlflow import MlflowClient

    engine = create_engine(urls["results"])
    with engine.connect() as conn:
        rows = {
            table: conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in (
                "crypto_forecast_raw_candles",
                "crypto_forecast_features",
                "crypto_forecast_predictions",
                "crypto_forecast_monitoring",
                "model_events",
            )
        }
    engine.dispose()
    s3 = stack["s3"]
    listing = boto3.client(
        "s3",
        endpoint_url=stack["s3_url"],
        aws_access_key_id=s3["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=s3["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    ).list_objects_v2(Bucket=stack["bucket"], Prefix="artifacts/")
    keys = [item["Key"] for item in listing.get("Contents", [])]
    champion = MlflowClient(tracking_uri=stack["mlflow_url"]).get_model_version_by_alias(MODEL, "champion")
    alerts = [
        message
        for message in slack.messages
        if "crypto_forecast" in json.dumps(message)
        and any(word in json.dumps(message).lower() for word in ("drift", "decay"))
    ]
    workers = tasks_per_worker(stack)

    assert all(count > 0 for count in rows.values()), f"empty results tables: {rows}"
    assert any(key.endswith("MLmodel") for key in keys), f"no model in s3://{stack['bucket']}/artifacts: {keys[:10]}"
    assert champion.version, "no champion alias on the MLflow server"
    assert alerts, f"no drift/decay alert reached Slack ({len(slack.messages)} messages)"
    assert len(workers) == 2 and all(count > 0 for count in workers.values()), f"tasks per worker: {workers}"
    return {
        "rows": rows,
        "artifact_objects": len(keys),
        "champion_version": champion.version,
        "slack_messages": len(slack.messages),
        "slack_alerts": len(alerts),
        "tasks_per_worker": workers,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=1500, help="seconds before the check gives up")
    parser.add_argument("--keep-running", action="store_true", help="leave the stack up (Ctrl-C stops it)")
    args = parser.parse_args()
    base_url = os.environ.get("STACK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    began = time.perf_counter()
    signal.signal(
        signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError(f"stack check over {args.timeout:.0f} s"))
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # killed: still stop what was started
    signal.alarm(int(args.timeout))
    home = Path(tempfile.mkdtemp(prefix="stack-"))  # kept when the check fails, for its logs
    with databases(base_url, ["airflow", "results", "mlflow"]) as urls:
        (home / "logs").mkdir()
        processes, slack, passed = Processes(home / "logs"), SlackRecorder(), False
        try:
            stack = start_stack(processes, urls, home, slack)
            print(
                f"stack up in {time.perf_counter() - began:.0f} s: Airflow {stack['airflow_url']}, MLflow {stack['mlflow_url']}"
            )
            loop = drive_workflows(stack, processes)
            figures = {**verify(stack, urls, slack), **loop, "wall_time_s": round(time.perf_counter() - began, 1)}
            print("\nstack check passed")
            for name, value in figures.items():
                print(f"  {name:<18} {value}")
            print(json.dumps({"benchmark": "stack_check", **figures}))
            passed = True
            if args.keep_running:
                print(f"Airflow UI {stack['airflow_url']} (admin / {stack['password']}); Ctrl-C stops the stack")
                signal.alarm(0)
                signal.pause()
            return 0
        except BaseException:
            if passed:  # Ctrl-C after --keep-running
                raise
            print(f"\nstack check FAILED after {time.perf_counter() - began:.0f} s; process logs in {home / 'logs'}:")
            for log in sorted((home / "logs").glob("*.log")):
                print(f"--- {log.name} (last lines)\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:]))
            raise
        finally:
            signal.alarm(0)
            processes.stop()
            slack.server.shutdown()
            if passed:
                shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
