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
import os
import tempfile
from pathlib import Path

from api_latency import serve_a_ridge, start_service
from http_load import figures, line, open_loop

from devkit.environment import isolated_stack
from devkit.figures import report
from devkit.http import free_port
from devkit.processes import BIN, Server


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
            (f"{rate:g}/s service /predict", line(service)),
            (f"{rate:g}/s mlflow models serve", line(served_by_mlflow)),
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


if __name__ == "__main__":
    main()
