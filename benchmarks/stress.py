"""The overlap stress test (devkit.stress) over many seeds: operations per second, operations by kind and outcome,
invariant checks and the violations they found.

    .venv/bin/python benchmarks/stress.py [--seeds 20] [--seconds 60] [--workers 3] [--max-ops 120]

Each seed gets its own PostgreSQL schema and a registry emptied of the project's models, on one local
`mlflow server` (a SQLite store behind one server process: several writers at once would lock a SQLite file).
"""

import argparse
import logging
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devkit.databases import Schemas, test_server
from devkit.environment import temporary_mlflow
from devkit.figures import report
from devkit.http import free_port
from devkit.processes import mlflow_server
from devkit.stress import OUTCOMES, PROJECT_NAME, StressResult, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds 1 .. N, one run each")
    parser.add_argument("--seconds", type=float, default=60, help="wall time of each run's operations")
    parser.add_argument("--workers", type=int, default=3, help="worker processes")
    parser.add_argument("--max-ops", type=int, default=120, help="operations planned per run")
    args = parser.parse_args()
    quiet_mlflow()
    results = []
    with temporary_mlflow() as home, test_server() as base_url, tracking_server(home):
        schemas = Schemas(base_url)
        try:
            for seed in range(1, args.seeds + 1):
                os.environ["DATABASE_URL"] = schemas.new("stress")
                empty_registry()
                results.append(run(seed, args.seconds, args.workers, args.max_ops))
                print(f"seed {seed}: {results[-1].summary()}", flush=True)
        finally:
            schemas.drop_all()
    show(results)


def quiet_mlflow() -> None:
    """MLflow's info lines and progress bars off, here and in the workers (they read the environment)."""
    os.environ.update(MLFLOW_LOGGING_LEVEL="ERROR", MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR="false")
    logging.getLogger("mlflow").setLevel(logging.ERROR)


@contextmanager
def tracking_server(home: Path) -> Iterator[None]:
    """A local `mlflow server` for the whole benchmark, MLflow pointed at it."""
    port = free_port()
    server = mlflow_server(home, port).start()
    os.environ["MLFLOW_TRACKING_URI"] = f"http://127.0.0.1:{port}"
    os.environ.pop("MLFLOW_ARTIFACT_LOCATION", None)
    try:
        yield
    finally:
        server.stop()


def empty_registry() -> None:
    """Delete the project's registered models (runs stay): each seed starts without versions."""
    from service.models import registry
    from service.models.mlflow_client import configure_mlflow

    for name in registry.project_model_names(PROJECT_NAME):
        configure_mlflow().delete_registered_model(name)


def show(results: list[StressResult]) -> None:
    by_kind: dict[str, Counter] = {}
    for result in results:
        for kind, counts in result.ops.items():
            by_kind.setdefault(kind, Counter()).update(counts)
    seconds, ops = sum(r.seconds for r in results), sum(r.count for r in results)
    violations = [f"seed {r.seed}: {violation}" for r in results for violation in r.violations]
    failures = [f"seed {r.seed}: {failure}" for r in results for failure in r.failures]
    refusals = Counter(":".join(refusal.split(":")[:2]) for r in results for refusal in r.refusals)  # kind: error
    figures = {
        "seeds": len(results),
        "ops": ops,
        "ops_per_second": round(ops / seconds, 3) if seconds else 0,
        "by_kind": {kind: {outcome: counts[outcome] for outcome in OUTCOMES} for kind, counts in by_kind.items()},
        "refusals": dict(refusals),
        "failures": len(failures),
        "checks": sum(r.checks for r in results),
        "violations": len(violations),
        "seeds_with_violations": sum(1 for r in results if r.violations),
    }
    rows = [
        ("seeds run", str(len(results))),
        ("operations", f"{ops} in {seconds:.0f} s = {figures['ops_per_second']} ops/s"),
        *((f"  {kind}", ", ".join(f"{counts[o]} {o}" for o in OUTCOMES)) for kind, counts in sorted(by_kind.items())),
        ("refused, by error", ", ".join(f"{count} {what}" for what, count in sorted(refusals.items())) or "none"),
        ("failures", str(len(failures))),
        ("invariant checks", str(figures["checks"])),
        ("violations", f"{len(violations)} in {figures['seeds_with_violations']} of {len(results)} seeds"),
        *((" ", line[:300]) for line in [*failures, *violations]),
    ]
    report("overlap stress of crypto_forecast (devkit.stress)", rows, figures)


if __name__ == "__main__":
    main()
