"""The team stack (docker-compose.yml) started in Docker on this machine and driven end to end.

    .venv/bin/python scripts/compose_check.py [--timeout 3600] [--keep-running]      (make compose-check)

1. A Docker engine: the one DOCKER_HOST or /var/run/docker.sock answers at, else a dockerd of its own (data root
   /var/lib/docker-mlops, socket /run/docker-mlops.sock) that it stops again at the end. docker.io,
   docker-compose and debootstrap come from Debian's packages when missing.
2. Every image built here (no image registry is reachable): Debian bookworm by debootstrap from this machine's
   apt mirror, with the machine's extra CA certificates, imported as mlops-local/debian:bookworm; the stand-in
   Airflow base (docker/airflow-base); torch's CPU wheel copied into docker/wheels by pip; then
   `build` with docker-compose.local.yml, which swaps only the images that cannot be pulled (it lists them).
3. `--profile flower up -d --scale airflow-worker=2` with a throw-away env file (random secrets, free host
   ports, the shipped replay of real candles, MLOPS_TIME_SCHEDULES=off), waits for every healthcheck, and lists
   the DAGs through the airflow-cli service (profile debug).
4. `run --rm stack-bootstrap`: the calm 2022 backfill and the first train (config calm_regime), then unpause.
5. The scenario of scripts/stack_check.py, through Airflow's REST API: the calm history again (its upserts
   change nothing), then five days of the FTX collapse, each data run feeding inference and monitoring through
   their Assets; monitoring alerts and triggers a retrain.
6. Asserts: result rows in PostgreSQL (psql in the postgres container), the champion alias on the MLflow server,
   model files in the bucket (S3 API), tasks on both Celery workers (task instances' hostnames), a train run
   triggered by monitoring, drift/decay alerts recorded. Prints build time, time to healthy, loop time and the
   peak memory of each container (docker stats every few seconds), then one JSON line.
7. `down -v` (containers, networks, volumes; also on failure or Ctrl-C) and stops the engine if it started it.
   Built images stay cached in the engine's data root, so a second run skips most of the build.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from scripts.stack_check import CALM, CONFIG, MODEL, airflow_client, drive_workflows  # noqa: E402

PROJECT = "mlops-compose-check"
COMPOSE_FILES = ["docker-compose.yml", "docker-compose.local.yml"]
DEBIAN_IMAGE = "mlops-local/debian:bookworm"
AIRFLOW_BASE_IMAGE = "mlops-local/airflow-base:3.3.2-python3.11"
TORCH = "torch==2.13.0+cpu"
OWN_ENGINE = {
    "socket": "/run/docker-mlops.sock",
    "data_root": "/var/lib/docker-mlops",
    "exec_root": "/run/docker-mlops",
    "pidfile": "/run/docker-mlops.pid",
}
RESULT_TABLES = (
    "crypto_forecast_raw_candles",
    "crypto_forecast_features",
    "crypto_forecast_predictions",
    "crypto_forecast_monitoring",
    "model_events",
    "alerts",
)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """A command that must succeed; its output is captured unless told otherwise."""
    kwargs.setdefault("capture_output", True)
    result = subprocess.run(command, text=True, cwd=REPO_ROOT, **kwargs)
    if result.returncode != 0:
        output = (result.stdout or "") + (result.stderr or "") if kwargs["capture_output"] else ""
        raise RuntimeError(f"{' '.join(command[:4])} ... exited {result.returncode}\n{output[-4000:]}")
    return result


def answers(env: dict[str, str]) -> bool:
    return subprocess.run(["docker", "info"], env=env, capture_output=True, timeout=30).returncode == 0


def ensure_tools() -> None:
    """docker, dockerd, docker-compose and debootstrap; from Debian's packages when missing (as root)."""
    missing = [tool for tool in ("docker", "dockerd", "debootstrap") if shutil.which(tool) is None]
    has_compose = shutil.which("docker-compose") or (
        shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    )
    if not missing and has_compose:
        return
    if os.geteuid() != 0:
        raise RuntimeError(
            f"missing {missing or ['docker-compose']}: apt-get install docker.io docker-compose debootstrap"
        )
    print("installing docker.io, docker-compose and debootstrap from Debian's packages ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-q"], env=env)
    run(["apt-get", "install", "-y", "-q", "docker.io", "docker-compose", "debootstrap"], env=env)


@contextmanager
def docker_engine(logs: Path):
    """A Docker engine to talk to: an answering one is used as it is; otherwise this starts its own dockerd
    (its own data root, exec root and socket, so it touches no other engine) and stops it afterwards."""
    env = dict(os.environ)
    if "DOCKER_HOST" in env and answers(env):
        yield {"DOCKER_HOST": env["DOCKER_HOST"], "started": False}
        return
    if Path("/var/run/docker.sock").exists() and answers({**env, "DOCKER_HOST": "unix:///var/run/docker.sock"}):
        yield {"DOCKER_HOST": "unix:///var/run/docker.sock", "started": False}
        return
    host = f"unix://{OWN_ENGINE['socket']}"
    if answers({**env, "DOCKER_HOST": host}):  # left running by an earlier run: use it, leave it running
        yield {"DOCKER_HOST": host, "started": False}
        return
    log = open(logs / "dockerd.log", "w")
    dockerd = subprocess.Popen(
        [
            "dockerd",
            f"--data-root={OWN_ENGINE['data_root']}",
            f"--exec-root={OWN_ENGINE['exec_root']}",
            f"--pidfile={OWN_ENGINE['pidfile']}",
            f"--host={host}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not answers({**env, "DOCKER_HOST": host}):
            if dockerd.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dockerd did not start; see {logs / 'dockerd.log'}")
            time.sleep(1)
        print(f"started dockerd (pid {dockerd.pid}, data root {OWN_ENGINE['data_root']})", flush=True)
        yield {"DOCKER_HOST": host, "started": True}
    finally:
        if dockerd.poll() is None:
            dockerd.send_signal(signal.SIGTERM)
            try:
                dockerd.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(dockerd.pid, signal.SIGKILL)
                dockerd.wait()
            print("stopped the dockerd this check started", flush=True)
        log.close()


def compose_command() -> list[str]:
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"]


def image_exists(name: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", name], capture_output=True).returncode == 0


def apt_mirror() -> str:
    """The Debian mirror this machine's apt uses for bookworm (DEBIAN_MIRROR overrides)."""
    if os.environ.get("DEBIAN_MIRROR"):
        return os.environ["DEBIAN_MIRROR"]
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in (p for p in sources if p.is_file()):
        text = path.read_text(errors="replace")
        for stanza in re.split(r"\n\s*\n", text):  # deb822 (.sources)
            uris, suites = re.search(r"^URIs:\s*(.+)$", stanza, re.M), re.search(r"^Suites:\s*(.+)$", stanza, re.M)
            if uris and suites and "bookworm" in suites.group(1).split() and "security" not in uris.group(1):
                return uris.group(1).split()[0]
        for line in text.splitlines():  # one-line format
            parts = line.split("#")[0].split()
            if len(parts) >= 3 and parts[0] == "deb" and parts[-2] == "bookworm" and "security" not in line:
                return next(part for part in parts[1:] if "://" in part)
    raise RuntimeError("no Debian bookworm mirror in /etc/apt/sources*; set DEBIAN_MIRROR")


def build_debian_base(work: Path) -> None:
    """Debian bookworm (minbase + CA certificates, plus this machine's extra CAs, which its registries' TLS
    needs), imported as an image: the base of every local image."""
    root = work / "debian-rootfs"
    run(["debootstrap", "--variant=minbase", "--include=ca-certificates", "bookworm", str(root), apt_mirror()])
    for certificate in Path("/usr/local/share/ca-certificates").rglob("*.crt"):
        shutil.copy(certificate, root / "usr/local/share/ca-certificates" / certificate.name)
    run(["chroot", str(root), "update-ca-certificates"])
    for leftover in [*(root / "var/cache/apt/archives").glob("*.deb"), *(root / "var/lib/apt/lists").glob("*_*")]:
        leftover.unlink()
    tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
    run(
        [
            "docker",
            "import",
            "--change",
            "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt",
            "--change",
            'CMD ["/bin/bash"]',
            "-",
            DEBIAN_IMAGE,
        ],
        stdin=tar.stdout,
    )
    tar.wait()
    shutil.rmtree(root, ignore_errors=True)


def fetch_torch_wheel() -> Path:
    """torch's CPU wheel into docker/wheels, by pip with this machine's own configuration (its find-links)."""
    wheels = REPO_ROOT / "docker" / "wheels"
    found = sorted(wheels.glob("torch-2.13.0+cpu-cp311-*.whl"))
    if not found:
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(wheels), TORCH])
        found = sorted(wheels.glob("torch-2.13.0+cpu-cp311-*.whl"))
    if not found:
        raise RuntimeError(f"pip found no {TORCH} wheel for Python 3.11 (see docker/wheels/README.md)")
    return found[0]


def build_images(compose: list[str], work: Path) -> dict[str, float]:
    timings = {}
    began = time.perf_counter()
    if not image_exists(DEBIAN_IMAGE):
        print(f"building {DEBIAN_IMAGE} (debootstrap from {apt_mirror()}) ...", flush=True)
        build_debian_base(work)
    timings["debian_base_s"] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    run(["docker", "build", "--quiet", "--tag", AIRFLOW_BASE_IMAGE, "docker/airflow-base"])
    timings["airflow_base_s"] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    wheel = fetch_torch_wheel()
    services = one_service_per_image(compose)
    print(f"building {AIRFLOW_BASE_IMAGE}, then the images of {', '.join(services)} ...", flush=True)
    try:
        run([*compose, "build", *services])
    finally:
        wheel.unlink()  # 190 MB; pip copies it again next time (the layer cache keys on its content)
    timings["compose_build_s"] = round(time.perf_counter() - began, 1)
    return timings


def one_service_per_image(compose: list[str]) -> list[str]:
    """A service for each image to build: a dozen services share the project image, and docker-compose 1.29
    would otherwise build it (sending its context) once per service."""
    import yaml

    services = yaml.safe_load(run([*compose, "config"]).stdout)["services"]
    chosen: dict[str, str] = {}
    for service_name, service in services.items():
        if "build" in service:
            chosen.setdefault(service["image"], service_name)
    return sorted(chosen.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return probe.getsockname()[1]


def write_env_file(path: Path) -> dict[str, str]:
    """Throw-away credentials and free host ports; replayed 2022 data, so no time schedules."""
    from cryptography.fernet import Fernet

    ports = {name: free_port() for name in ("AIRFLOW_PORT", "MLFLOW_PORT", "DASHBOARD_PORT", "S3_PORT", "FLOWER_PORT")}
    values = {
        "POSTGRES_USER": "mlops",
        "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
        "REDIS_PASSWORD": secrets.token_urlsafe(16),
        "S3_ACCESS_KEY_ID": "mlops",
        "S3_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
        "AIRFLOW_ADMIN_USERNAME": "admin",  # scripts/stack_check.py logs in as admin
        "AIRFLOW_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW_JWT_SECRET": secrets.token_urlsafe(32),
        "API_TOKEN": secrets.token_urlsafe(24),
        "DATA_SOURCE": "replay",
        "MLOPS_TIME_SCHEDULES": "off",
        **{name: str(port) for name, port in ports.items()},
        "AIRFLOW_PUBLIC_URL": f"http://localhost:{ports['AIRFLOW_PORT']}",
        "MLFLOW_PUBLIC_URL": f"http://localhost:{ports['MLFLOW_PORT']}",
        "DASHBOARD_PUBLIC_URL": f"http://localhost:{ports['DASHBOARD_PORT']}",
    }
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    path.chmod(0o600)
    return values


class Containers:
    """The check's containers as docker sees them (compose labels); stands in for stack_check's Processes."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs

    def listing(self) -> list[dict]:
        ids = run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={PROJECT}"]).stdout.split()
        if not ids:
            return []
        found = json.loads(run(["docker", "inspect", *ids]).stdout)
        return [
            {
                "id": item["Id"][:12],
                "hostname": item["Config"]["Hostname"],
                "service": item["Config"]["Labels"].get("com.docker.compose.service", "?"),
                "number": item["Config"]["Labels"].get("com.docker.compose.container-number", "1"),
                "status": item["State"]["Status"],
                "exit_code": item["State"]["ExitCode"],
                "health": (item["State"].get("Health") or {}).get("Status"),
                "restart": item["HostConfig"]["RestartPolicy"]["Name"],
            }
            for item in found
        ]

    def check_alive(self) -> None:
        for container in self.listing():
            if container["restart"] == "always" and container["status"] != "running":
                raise RuntimeError(f"{name(container)} is {container['status']} (exit {container['exit_code']})")

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = []
            for container in self.listing():
                if container["restart"] != "always":  # one-shot
                    if container["status"] == "exited" and container["exit_code"] != 0:
                        raise RuntimeError(f"{name(container)} exited {container['exit_code']}")
                elif container["health"] != "healthy":
                    waiting.append(f"{name(container)}: {container['health'] or container['status']}")
            if not waiting:
                return
            time.sleep(2)
        raise TimeoutError(f"not healthy within {timeout:.0f} s: {waiting}")


def name(container: dict) -> str:
    return container["service"] if container["number"] == "1" else f"{container['service']}-{container['number']}"


class MemorySampler(threading.Thread):
    """`docker stats --no-stream` every few seconds: the peak of each container and of their sum."""

    UNITS = {"b": 1, "kib": 2**10, "mib": 2**20, "gib": 2**30, "kb": 1e3, "mb": 1e6, "gb": 1e9}

    def __init__(self, containers: Containers) -> None:
        super().__init__(daemon=True)
        self.containers, self.stopped = containers, threading.Event()
        self.peak: dict[str, float] = {}
        self.peak_total = 0.0

    def run(self) -> None:
        while not self.stopped.is_set():
            with suppress(Exception):  # a container that just went away: the next sample counts again
                self.sample()
            self.stopped.wait(5)

    def sample(self) -> None:
        running = {c["id"]: name(c) for c in self.containers.listing() if c["status"] == "running"}
        if not running:
            return
        stats = run(["docker", "stats", "--no-stream", "--format", "{{.ID}}\t{{.MemUsage}}", *running]).stdout
        total = 0.0
        for line in stats.splitlines():
            container_id, usage = line.split("\t")
            value, unit = re.match(r"([\d.]+)\s*([A-Za-z]+)", usage.split("/")[0].strip()).groups()
            mib = float(value) * self.UNITS[unit.lower()] / 2**20
            key = running.get(container_id[:12], container_id)
            self.peak[key] = max(self.peak.get(key, 0.0), mib)
            total += mib
        self.peak_total = max(self.peak_total, total)


def psql(compose: list[str], env: dict[str, str], query: str) -> str:
    command = [*compose, "exec", "-T", "postgres", "psql", "-U", env["POSTGRES_USER"], "-d", "results", "-tAc", query]
    return run(command).stdout.strip()


def verify(compose: list[str], env: dict[str, str], containers: Containers, client) -> dict:
    import boto3
    from mlflow import MlflowClient

    rows = {table: int(psql(compose, env, f'SELECT count(*) FROM "{table}"')) for table in RESULT_TABLES}
    alert_kinds = dict(
        line.split("|") for line in psql(compose, env, "SELECT kind, count(*) FROM alerts GROUP BY kind").splitlines()
    )
    champion = MlflowClient(tracking_uri=f"http://127.0.0.1:{env['MLFLOW_PORT']}").get_model_version_by_alias(
        MODEL, "champion"
    )
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{env['S3_PORT']}",
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket="mlflow", Prefix="artifacts/").get("Contents", [])]

    # Tasks per worker: the hostname Airflow records on each task instance is its worker container's.
    workers = {c["hostname"]: name(c) for c in containers.listing() if c["service"] == "airflow-worker"}
    per_worker = dict.fromkeys(sorted(workers.values()), 0)
    train_runs = []
    for kind in ("data", "train", "inference", "monitoring"):
        dag_id = f"crypto_forecast_{kind}_wf"
        for dag_run in client.runs(dag_id, limit=100)[0]:
            if kind == "train":
                train_runs.append(dag_run)
            for task in client.task_instances(dag_id, dag_run["dag_run_id"]):
                if task.get("hostname") in workers:
                    per_worker[workers[task["hostname"]]] += 1
    by_monitoring = [r for r in train_runs if r.get("triggered_by") == "operator"]

    assert all(count > 0 for count in rows.values()), f"empty results tables: {rows}"
    assert any(kind in ("drift", "decay", "drift+decay") for kind in alert_kinds), (
        f"no drift/decay alert: {alert_kinds}"
    )
    assert champion.version, "no champion alias on the MLflow server"
    assert any(key.endswith("MLmodel") for key in keys), f"no model in s3://mlflow/artifacts: {keys[:10]}"
    assert len(per_worker) == 2 and all(count > 0 for count in per_worker.values()), f"tasks per worker: {per_worker}"
    assert by_monitoring and all(r["state"] == "success" for r in by_monitoring), (
        f"no successful train run triggered by monitoring: {[(r['dag_run_id'], r.get('triggered_by')) for r in train_runs]}"
    )
    return {
        "rows": rows,
        "alerts_by_kind": {kind: int(count) for kind, count in alert_kinds.items()},
        "champion_version": champion.version,
        "artifact_objects": len(keys),
        "tasks_per_worker": per_worker,
        "train_runs_by_monitoring": len(by_monitoring),
    }


def report_failure(compose: list[str], containers: Containers) -> None:
    try:
        listing = containers.listing()
    except Exception:
        return
    for container in listing:
        print(
            f"  {name(container):<24} {container['status']:<9} health={container['health']} exit={container['exit_code']}"
        )
    troubled = {c["service"] for c in listing if c["health"] not in (None, "healthy") or c["exit_code"] not in (0,)}
    for service in sorted(troubled):
        logs = subprocess.run([*compose, "logs", "--no-color", "--tail", "30", service], capture_output=True, text=True)
        print(f"--- {service} (last lines)\n{logs.stdout[-4000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before the check gives up")
    parser.add_argument("--keep-running", action="store_true", help="leave the stack up afterwards (Ctrl-C stops it)")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError(f"over {args.timeout:.0f} s")))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # killed: still tear down
    signal.alarm(int(args.timeout))
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="compose-check-"))
    ensure_tools()
    with docker_engine(work) as engine:
        os.environ["DOCKER_HOST"] = engine["DOCKER_HOST"]
        env_file = work / "check.env"
        env = write_env_file(env_file)
        compose = [*compose_command(), "--project-name", PROJECT, "--env-file", str(env_file)]
        compose += [option for file in COMPOSE_FILES for option in ("--file", file)]
        containers, figures, passed = Containers(work), {}, False
        sampler = MemorySampler(containers)
        try:
            figures["build"] = build_images(compose, work)
            figures["build_s"] = round(sum(figures["build"].values()), 1)
            print(f"images built in {figures['build_s']} s: {figures['build']}", flush=True)

            up_began = time.perf_counter()
            sampler.start()
            run([*compose, "--profile", "flower", "up", "-d", "--scale", "airflow-worker=2"])
            containers.wait_healthy(900)
            figures["time_to_healthy_s"] = round(time.perf_counter() - up_began, 1)
            print(f"stack healthy in {figures['time_to_healthy_s']} s (Airflow :{env['AIRFLOW_PORT']})", flush=True)
            cli = run([*compose, "run", "--rm", "--no-deps", "airflow-cli", "dags", "list", "--output", "plain"])
            assert "crypto_forecast_train_wf" in cli.stdout, f"airflow-cli dags list:\n{cli.stdout[-2000:]}"
            print("profiles: flower healthy, airflow-cli lists the DAGs", flush=True)

            loop_began = time.perf_counter()
            print("bootstrap (docker compose run --rm stack-bootstrap): calm 2022 backfill, first train, unpause")
            bootstrap = [
                *("--start", CALM[0][0], "--end", CALM[-1][1], "--chunks", str(len(CALM))),
                *("--config", CONFIG, "--source", "replay"),
            ]
            run([*compose, "run", "--rm", "stack-bootstrap", *bootstrap], capture_output=False)
            figures["bootstrap_s"] = round(time.perf_counter() - loop_began, 1)
            stack = {
                "airflow_url": f"http://127.0.0.1:{env['AIRFLOW_PORT']}",
                "password": env["AIRFLOW_ADMIN_PASSWORD"],
            }
            figures.update(drive_workflows(stack, containers))
            figures["loop_s"] = round(time.perf_counter() - loop_began, 1)

            figures.update(verify(compose, env, containers, airflow_client(stack)))
            sampler.stopped.set()
            figures["memory_peak_mib"] = {key: round(value) for key, value in sorted(sampler.peak.items())}
            figures["memory_peak_total_mib"] = round(sampler.peak_total)
            figures["wall_time_s"] = round(time.perf_counter() - began, 1)
            print("\ncompose check passed")
            for key, value in figures.items():
                print(f"  {key:<24} {value}")
            print(json.dumps({"benchmark": "compose_check", **figures}))
            passed = True
            if args.keep_running:
                print(
                    f"Airflow http://localhost:{env['AIRFLOW_PORT']} (admin / {env['AIRFLOW_ADMIN_PASSWORD']}); Ctrl-C stops"
                )
                signal.alarm(0)
                signal.pause()
            return 0
        except BaseException:
            if not passed:
                print(f"\ncompose check FAILED after {time.perf_counter() - began:.0f} s", flush=True)
                report_failure(compose, containers)
            raise
        finally:
            signal.alarm(0)
            sampler.stopped.set()
            subprocess.run(
                [*compose, "--profile", "bootstrap", "--profile", "flower", "down", "--volumes", "--remove-orphans"],
                cwd=REPO_ROOT,
                capture_output=True,
            )
            print("stack removed (containers, networks, volumes); images stay cached", flush=True)
            if passed:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
