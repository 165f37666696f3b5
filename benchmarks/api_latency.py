"""/predict latency and throughput of the service on loopback (target p99 <= 50 ms at 50 requests/s).

    .venv/bin/python benchmarks/api_latency.py [--rates 50,100,200] [--seconds 20] [--connections 50]

A ridge champion of crypto_forecast (smoke config) is trained into a fresh schema and MLflow store; the service
runs in its own process (`python -m service.api`, one uvicorn worker), the load generator in this one
(benchmarks/http_load.py). Each request asks for the forecast of one hour (one feature row). For each rate the
service is started afresh and the load begins the moment it answers: open loop, latency from each request's
scheduled send time, the first seconds after the start included. Then a closed loop (each of `--connections`
sends its next request when the last one answered) gives the most it serves.
"""

import argparse
import asyncio
import os
import subprocess
import sys

import httpx
from http_load import closed_loop, figures, line, open_loop

from compose.paths import REPO_ROOT
from devkit.environment import isolated_stack
from devkit.figures import report
from devkit.http import free_port
from devkit.processes import wait_until

PATH = "/projects/crypto_forecast/predict"


def start_service() -> tuple[subprocess.Popen, str]:
    """The service in its own process, once it answers (it has loaded every champion by then)."""
    port = free_port()
    env = {**os.environ, "API_TOKEN": "benchmark"}
    command = [sys.executable, "-m", "service.api", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/projects", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until("the service", answers, 60, lambda: process.poll() is None)
    return process, url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="50,100,200", help="requests per second in all, one measured load each")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=50, help="of the closed loop")
    args = parser.parse_args()

    with isolated_stack():
        from lifecycle import stages
        from lifecycle.discovery import load_project

        project = load_project("crypto_forecast")
        spec = project.spec("smoke")
        stages.data(project, spec.example.data_start, spec.example.end, config="smoke")
        serve_a_ridge(project, spec)
        body = {"rows": [{name: 0.001 for name in spec.features.columns}]}
        opened = {}
        for rate in (float(rate) for rate in args.rates.split(",")):
            process, url = start_service()
            try:
                opened[rate] = figures(*asyncio.run(open_loop(url, PATH, body, rate, args.seconds)), args.seconds)
            finally:
                process.terminate()
                process.wait(10)
        process, url = start_service()
        try:
            saturated = figures(
                *asyncio.run(closed_loop(url, PATH, body, args.connections, args.seconds)), args.seconds
            )
        finally:
            process.terminate()
            process.wait(10)

    report(
        "/predict, one row, one uvicorn worker, from the service's start (target p99 <= 50 ms at 50/s)",
        [
            *((f"open loop, {rate:g}/s", line(measured)) for rate, measured in opened.items()),
            (f"closed loop, {args.connections} connections", line(saturated)),
            ("non-200 answers", str(sum(f["failures"] for f in [*opened.values(), saturated]))),
        ],
        {"benchmark": "api_latency", "open_loop": opened, "closed_loop": saturated},
    )


def serve_a_ridge(project, spec) -> None:
    """A ridge champion, so the figures time a fitted model: the naive baseline wins the smoke window, and a second
    training registers the ridge it beat, which is then promoted by hand."""
    from db_handler import get_engine
    from lifecycle import stages
    from service.models import registry
    from service.models.roles import assign_by_hand

    for _ in range(2):
        stages.train(project, end=spec.example.train_end, config="smoke")
    name = project.model_name(project.partitions_of(spec)[0])
    ridge = next(version for version in registry.all_versions(name) if version.tags.get("candidate") == "ridge")
    assign_by_hand(get_engine(), project.name, name, str(ridge.version), "champion", "benchmark: time a fitted model")


if __name__ == "__main__":
    main()
