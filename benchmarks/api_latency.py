"""/predict latency and throughput of the service under 50 concurrent clients on loopback (target p99 <= 50 ms).

    .venv/bin/python benchmarks/api_latency.py [--clients 50] [--seconds 20] [--rates 1,2,4]

A ridge champion of crypto_forecast (smoke config) is trained into a fresh schema and MLflow store; the service
runs in its own process (`python -m service.api`, one uvicorn worker), the load generator in this one. Each
request asks for the forecast of one hour (one feature row). Loads:
- bounded: every client sends `rate` requests per second (open loop; 50 clients x 2/s = 100 requests/s in all),
  for each rate of `--rates`: the latency a caller sees at a steady load;
- saturated: every client sends its next request as soon as the last one answered (closed loop): the most the
  service gives, and the latency at that point.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time

import httpx
import numpy as np
from _common import REPO_ROOT, isolated_stack, report


def start_service() -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "API_TOKEN": "benchmark"}
    command = [sys.executable, "-m", "service.api", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/projects", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the service did not start within 30 s")


async def load(url: str, body: dict, clients: int, seconds: float, rate: float | None) -> tuple[list[float], int]:
    """Latencies (s) of every answered request, and how many answers were not 200. Each client keeps one
    HTTP/1.1 connection and speaks it over raw asyncio streams: a Python HTTP client library would cost more CPU
    per request than the service, on the same two cores, and measure itself."""
    host, port = url.removeprefix("http://").split(":")
    payload = json.dumps(body).encode()
    request = (
        f"POST /projects/crypto_forecast/predict HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    latencies, failures = [], 0
    stop_at = time.perf_counter() + seconds

    async def client(number: int) -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(host, int(port))
        next_send = time.perf_counter() + (number / clients / rate if rate else 0)  # spread the clients' phases
        while time.perf_counter() < stop_at:
            if rate:
                await asyncio.sleep(max(0.0, next_send - time.perf_counter()))
                next_send += 1 / rate
            began = time.perf_counter()
            writer.write(request)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - began)
            failures += status != 200
        writer.close()

    await asyncio.gather(*(client(number) for number in range(clients)))
    return latencies, failures


def measure(url: str, body: dict, clients: int, seconds: float, rate: float | None) -> dict:
    latencies, failures = asyncio.run(load(url, body, clients, seconds, rate))
    ms = np.array(latencies) * 1000
    return {
        "requests": len(ms),
        "failures": failures,
        "per_second": round(len(ms) / seconds, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p90_ms": round(float(np.percentile(ms, 90)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "max_ms": round(float(ms.max()), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rates", default="1,2,4", help="requests per second of each client, one bounded load each")
    args = parser.parse_args()

    with isolated_stack():
        from lifecycle import stages
        from lifecycle.discovery import load_project

        project = load_project("crypto_forecast")
        spec = project.spec("smoke")
        stages.data(project, spec.example.data_start, spec.example.end, config="smoke")
        serve_a_ridge(project, spec)
        body = {"rows": [{name: 0.001 for name in spec.features.columns}]}

        process, url = start_service()
        try:
            httpx.post(
                f"{url}/projects/crypto_forecast/predict", json=body, timeout=60
            ).raise_for_status()  # loads the champion
            bounded = {
                float(rate): measure(url, body, args.clients, args.seconds, float(rate))
                for rate in args.rates.split(",")
            }
            saturated = measure(url, body, args.clients, args.seconds, None)
        finally:
            process.terminate()
            process.wait(10)

    rows = [(f"bounded, {args.clients} x {rate:g}/s", _line(figures)) for rate, figures in bounded.items()]
    report(
        f"/predict, one row, {args.clients} concurrent clients on loopback, one uvicorn worker (target p99 <= 50 ms)",
        [
            *rows,
            ("saturated (closed loop)", _line(saturated)),
            ("non-200 answers", str(sum(f["failures"] for f in [*bounded.values(), saturated]))),
        ],
        {"benchmark": "api_latency", "clients": args.clients, "bounded": bounded, "saturated": saturated},
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


def _line(figures: dict) -> str:
    return f"{figures['per_second']} req/s: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms"


if __name__ == "__main__":
    main()
