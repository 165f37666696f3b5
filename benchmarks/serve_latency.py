"""The service's /predict against `mlflow models serve` on the same model under the same open-loop load.

    .venv/bin/python benchmarks/serve_latency.py [--rates 50,100] [--seconds 20]

A ridge champion of crypto_forecast (smoke config, as api_latency.py trains it) is served by the service
(`python -m service.api`, one uvicorn worker, the champion from the registry) and by `mlflow models serve -m <its
artifacts> --env-manager local` (one uvicorn worker), each asked for one forecast of one feature row per request.
For each rate, each server is started afresh and the load begins the moment it answers its health check, with no
warm-up: requests go out on a fixed schedule (rate per second, evenly spaced) whatever the answers, on as many
connections as are needed, and a request's latency runs from its scheduled send time to its full answer. So a
slow answer, a queue or a cold start all count, the first seconds after start included (open loop, no
coordinated omission). Prints p50/p99/max of both, the p99 after the first 2 s, and the ratio service / MLflow.
"""

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import isolated_stack, report
from api_latency import serve_a_ridge, start_service

from devkit.http import free_port
from devkit.processes import BIN, Server

SETTLED_AFTER = 2.0  # seconds: the p99 "after start" leaves out requests scheduled before this


async def open_loop(url: str, path: str, body: dict, rate: float, seconds: float) -> tuple[np.ndarray, int]:
    """Send `rate` requests per second for `seconds` on a fixed schedule; returns each answered request's
    scheduled send time and latency in seconds (rows of an array), and how many answers were not 200."""
    host, port = url.removeprefix("http://").split(":")
    request = post_request(host, path, body)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    timings, failures = [], 0
    start = time.perf_counter()

    async def send(scheduled: float) -> None:
        nonlocal failures
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        status = None
        while status is None:  # a kept-alive connection the server has closed since answers nothing: another one
            reader, writer = idle.pop() if idle else await asyncio.open_connection(host, int(port))
            writer.write(request)
            status = await _status_of_answer(reader)
        timings.append((scheduled - start, time.perf_counter() - scheduled))
        failures += status != 200
        idle.append((reader, writer))

    await asyncio.gather(*(send(start + number / rate) for number in range(int(rate * seconds))))
    for _, writer in idle:
        writer.close()
    return np.array(timings), failures


def post_request(host: str, path: str, body: dict) -> bytes:
    """The bytes of an HTTP/1.1 POST of `body` as JSON, sent as they are on a kept-alive connection."""
    payload = json.dumps(body).encode()
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
    ]
    return "\r\n".join([*head, "", ""]).encode() + payload


async def _status_of_answer(reader: asyncio.StreamReader) -> int | None:
    """Read one HTTP/1.1 answer framed by Content-Length (raw streams: a client library would cost more CPU per
    request than the servers, on the same two cores); returns its status, None when the connection was closed."""
    try:
        status_line = await reader.readline()
    except ConnectionResetError:
        return None
    if not status_line:
        return None
    status = int(status_line.split()[1])
    headers = {}
    while (line := await reader.readline()).strip():
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    await reader.readexactly(int(headers.get("content-length", 0)))
    return status


def figures(timings: np.ndarray, failures: int, seconds: float) -> dict:
    ms = timings[:, 1] * 1000
    settled = ms[timings[:, 0] >= SETTLED_AFTER]
    milliseconds = {
        "p50": np.percentile(ms, 50),
        "p99": np.percentile(ms, 99),
        "max": ms.max(),
        "p99_after_start": np.percentile(settled, 99),
    }
    counts = {"requests": len(ms), "failures": failures, "per_second": round(len(ms) / seconds, 1)}
    return {**counts, **{f"{name}_ms": round(float(value), 2) for name, value in milliseconds.items()}}


def mlflow_serve(model_dir: Path, log: Path) -> tuple[Server, str]:
    port = free_port()
    command = [str(BIN / "mlflow"), "models", "serve", "-m", str(model_dir), "--env-manager", "local"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    url = f"http://127.0.0.1:{port}"
    return Server("mlflow models serve", command, log, f"{url}/ping").start(), url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="50,100", help="requests per second in all, one measured load each")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"

    with isolated_stack(), tempfile.TemporaryDirectory() as folder:
        import mlflow

        from lifecycle import stages
        from lifecycle.discovery import load_project

        project = load_project("crypto_forecast")
        spec = project.spec("smoke")
        stages.data(project, spec.example.data_start, spec.example.end, config="smoke")
        serve_a_ridge(project, spec)
        name = project.model_name(project.partitions_of(spec)[0])
        model_dir = Path(mlflow.artifacts.download_artifacts(f"models:/{name}@champion", dst_path=folder))
        row = {column: 0.001 for column in spec.features.columns}
        service_body = {"rows": [row]}
        mlflow_body = {"dataframe_split": {"columns": list(row), "data": [list(row.values())]}}

        results: dict[str, dict[float, dict]] = {"service": {}, "mlflow": {}}
        for rate in rates:
            process, url = start_service()
            try:
                timings = asyncio.run(
                    open_loop(url, "/projects/crypto_forecast/predict", service_body, rate, args.seconds)
                )
            finally:
                process.terminate()
                process.wait(10)
            results["service"][rate] = figures(*timings, args.seconds)

            server, url = mlflow_serve(model_dir, Path(folder) / "mlflow-serve.log")
            try:
                timings = asyncio.run(open_loop(url, "/invocations", mlflow_body, rate, args.seconds))
            finally:
                server.stop()
            results["mlflow"][rate] = figures(*timings, args.seconds)

    rows = []
    for rate in rates:
        service, served_by_mlflow = results["service"][rate], results["mlflow"][rate]
        rows += [
            (f"{rate:g}/s service /predict", _line(service)),
            (f"{rate:g}/s mlflow models serve", _line(served_by_mlflow)),
            (
                f"{rate:g}/s ratio service / mlflow",
                f"p50 {service['p50_ms'] / served_by_mlflow['p50_ms']:.2f}x, "
                f"p99 {service['p99_ms'] / served_by_mlflow['p99_ms']:.2f}x",
            ),
        ]
    report(
        f"one forecast per request, open loop for {args.seconds:g} s from each server's start, one uvicorn worker each, "
        "latency from the scheduled send time",
        rows,
        {"benchmark": "serve_latency", "seconds": args.seconds, **results},
    )


def _line(measured: dict) -> str:
    return (
        f"p50 {measured['p50_ms']} ms, p99 {measured['p99_ms']} ms (after {SETTLED_AFTER:g} s: "
        f"{measured['p99_after_start_ms']} ms), max {measured['max_ms']} ms, {measured['failures']} non-200"
    )


if __name__ == "__main__":
    main()
