"""Overlap stress: crypto_forecast's two markets (config set `two_markets`) under trainings with various ends (old
ones too), hand promotions, rollbacks, retentions, adjacent backfills and corrected candles, run at once by worker
processes for a bounded wall time and number of operations; then every invariant of devkit.invariants.

    run(seed=1, seconds=60)   # on DATABASE_URL and MLFLOW_TRACKING_URI (best a tracking server: several writers)

The seed fixes the plan (random.Random(seed)): each operation's kind, market, dates and draws, handed out in order;
which of them overlap is up to timing. KRW-BTC comes from the shipped replay; KRW-ETH, which the replay lacks, from
a CSV made of the same candles rescaled. A backfill loads the next two days after the stored and planned ones, each
by its own data stage, at once: two adjacent backfills. A refused operation (an expected error: nothing to roll
back, a version deleted meanwhile, too little data, a correction without its flag) is counted apart from a failure
(any other error).
"""

import contextlib
import io
import random
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd
from mlflow.exceptions import MlflowException
from sqlalchemy import Engine, select

from devkit import invariants
from lifecycle import stages
from lifecycle.contract import Batch, DataError, Project
from lifecycle.discovery import load_project
from lifecycle.records import project_engine, utc
from service.models import registry, roles
from service.models.mlflow_client import is_missing

PROJECT_NAME, CONFIG = "crypto_forecast", "two_markets"
BASE_START, BASE_END = utc("2024-01-15T00:00:00+00:00"), utc("2024-03-04T00:00:00+00:00")  # stored before the run
OLDEST_END = utc("2024-03-01T00:00:00+00:00")  # the oldest end a training is given (enough rows to train before)
CHUNK, HOUR = timedelta(days=1), timedelta(hours=1)
CSV_SPAN = (utc("2024-01-01T00:00:00+00:00"), utc("2024-05-21T00:00:00+00:00"))  # the replay's last months
WEIGHTS = {"train": 3, "promote": 3, "rollback": 2, "retention": 2, "backfill": 3, "correction": 3}
OUTCOMES = ("done", "refused", "failed")


@dataclass(frozen=True)
class Op:
    """One planned operation: `at` is a training's end or a backfill's first hour; `draw` picks what exists when it
    runs (a version, a stored candle); `variant` a role, or a correction's size and flag."""

    index: int
    kind: str
    partition: str
    draw: float
    variant: float
    at: datetime | None = None


@dataclass(frozen=True)
class Context:
    """What every worker needs besides the operation: its sources, a folder for correction files, the time to stop,
    and a tag making this run's run ids unique (the MLflow store may outlive it)."""

    sources: dict[str, str]
    folder: str
    tag: str
    deadline: float = 0.0  # time.time() after which no operation starts; set once the workers are ready


@dataclass
class StressResult:
    seed: int
    seconds: float
    ops: dict[str, Counter] = field(default_factory=dict)  # kind -> done / refused / failed
    refusals: list[str] = field(default_factory=list)  # "kind: error: message"
    failures: list[str] = field(default_factory=list)
    checks: int = 0
    violations: list[str] = field(default_factory=list)

    def tally(self, outcomes: list[tuple[str, str, str]]) -> None:
        """Count each (kind, outcome, detail); keep the details of refusals and failures."""
        for kind, outcome, detail in outcomes:
            self.ops.setdefault(kind, Counter())[outcome] += 1
            if outcome != "done":
                (self.refusals if outcome == "refused" else self.failures).append(f"{kind}: {detail}")

    def judge(self, checked: dict[str, list[str]]) -> None:
        """Keep the invariant checks' count and every violation they found."""
        self.checks = len(checked)
        self.violations = [violation for found in checked.values() for violation in found]

    @property
    def count(self) -> int:
        return sum(sum(counts.values()) for counts in self.ops.values())

    @property
    def ops_per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "seconds": round(self.seconds, 1),
            "ops": self.count,
            "ops_per_second": round(self.ops_per_second, 3),
            "by_kind": {kind: {outcome: counts[outcome] for outcome in OUTCOMES} for kind, counts in self.ops.items()},
            "failures": self.failures,
            "checks": self.checks,
            "violations": self.violations,
        }


class Unrefused(AssertionError):
    """An operation the loop should have refused went through."""


def run(seed: int, seconds: float, workers: int = 3, max_ops: int = 120) -> StressResult:
    """Set up both markets (stored candles, a champion each), run the seed's plan until `seconds` have passed or it
    is done (operations already started finish), then check every invariant."""
    project = load_project(PROJECT_NAME)
    spec = project.spec(CONFIG)
    engine = project_engine(project)
    partitions = project.partitions_of(spec)
    with tempfile.TemporaryDirectory(prefix="mlops-stress-") as folder:
        sources = {"KRW-BTC": "replay", "KRW-ETH": write_rescaled_csv(project, Path(folder) / "KRW-ETH.csv")}
        tag = f"{seed}_{uuid.uuid4().hex[:6]}"
        with contextlib.redirect_stdout(io.StringIO()):
            set_up(project, sources, tag)
        outcomes, taken = run_plan(plan(seed, max_ops, partitions), Context(sources, folder, tag), workers, seconds)
    result = StressResult(seed, taken)
    result.tally(outcomes)
    result.judge(invariants.check_all(engine, project, spec, partitions))
    return result


def write_rescaled_csv(project: Project, path: Path) -> str:
    """A second market for the replay's KRW-BTC candles: prices x 0.04, volumes x 25, as a CSV `--source`."""
    batch = Batch("KRW-BTC", *CSV_SPAN, project.spec(CONFIG), {"source": "replay"})
    candles = project.hooks.load(batch).drop(columns="source")
    prices, volumes = ["open", "high", "low", "close"], ["volume"]
    candles[prices], candles[volumes] = candles[prices] * 0.04, candles[volumes] * 25
    write_candles(candles, path)
    return str(path)


def write_candles(candles: pd.DataFrame, path: Path) -> None:
    """Candles as a CSV the project's loader reads (times in a `_utc` column)."""
    candles.rename(columns={"candle_time": "candle_time_utc"}).to_csv(
        path, index=False, date_format="%Y-%m-%dT%H:%M:%S%z"
    )


def set_up(project: Project, sources: dict[str, str], tag: str) -> None:
    """The base candles of each market and a champion trained on them."""
    for partition, source in sources.items():
        stages.data(project, BASE_START, BASE_END, partition, CONFIG, source=source)
        stages.train(project, BASE_END, partition, "stress", CONFIG, run_id=f"manual__stress_{tag}_setup")


def plan(seed: int, count: int, partitions: list[str]) -> list[Op]:
    """`count` operations drawn from `seed`; a market's backfills claim the next two days after its stored and
    planned ones, and its trainings end anywhere from OLDEST_END to the last day planned so far."""
    rng = random.Random(seed)
    kinds = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=count)
    frontier = dict.fromkeys(partitions, BASE_END)
    ops = []
    for index, kind in enumerate(kinds):
        partition = rng.choice(partitions)
        at = None
        if kind == "backfill":
            at, frontier[partition] = frontier[partition], frontier[partition] + 2 * CHUNK
        elif kind == "train":
            at = OLDEST_END + rng.randrange(int((frontier[partition] - OLDEST_END) / HOUR) + 1) * HOUR
        ops.append(Op(index, kind, partition, rng.random(), rng.random(), at))
    return ops


def run_plan(ops: list[Op], context: Context, workers: int, seconds: float) -> tuple[list[tuple[str, str, str]], float]:
    """Every operation, handed out in order to `workers` processes, started until `seconds` have passed since the
    workers were ready: (kind, outcome, detail) of each started one, and the seconds until the last ended."""
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(warm_up, range(workers)))
        began = time.monotonic()
        context = replace(context, deadline=time.time() + seconds)
        futures = [pool.submit(execute, op, context) for op in ops]
        outcomes = [future.result() for future in futures]
        taken = time.monotonic() - began
    return [outcome for outcome in outcomes if outcome is not None], taken


def warm_up(_: int) -> None:
    """A worker's imports and its database engine, before the clock starts."""
    project_engine(load_project(PROJECT_NAME))


def execute(op: Op, context: Context) -> tuple[str, str, str] | None:
    """Run one operation in a worker: (kind, done | refused | failed, what happened); None after the deadline."""
    if time.time() > context.deadline:
        return None
    project = load_project(PROJECT_NAME)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            detail = OPERATIONS[op.kind](project, project_engine(project), op, context)
    except Exception as error:
        return op.kind, "refused" if refused(op.kind, error) else "failed", first_line(error)
    return op.kind, "done", detail


def first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def refused(kind: str, error: Exception) -> bool:
    """An answer the loop gives on purpose: too little data or a refused correction (DataError), nothing to roll back
    or a version deleted meanwhile (LookupError, the registry's "not found"), a role that would conflict, a move by
    hand whose expected version lost the role meanwhile (Superseded)."""
    if isinstance(error, MlflowException):
        return kind in ("promote", "rollback") and is_missing(error)
    return isinstance(error, REFUSALS[kind])


REFUSALS: dict[str, tuple[type[Exception], ...]] = {
    "train": (DataError,),
    "promote": (LookupError, roles.RoleConflict, roles.Superseded),
    "rollback": (LookupError,),
    "retention": (),
    "backfill": (DataError,),
    "correction": (DataError,),
}


def train(project: Project, engine: Engine, op: Op, context: Context) -> str:
    run_id = f"manual__stress_{context.tag}_{op.index}"
    summary = stages.train(project, op.at, op.partition, "stress", CONFIG, run_id=run_id)
    return f"{op.partition} until {op.at:%m-%d %H:%M}: {summary['decision']} v{summary['version']}"


def promote(project: Project, engine: Engine, op: Op, context: Context) -> str:
    """By hand: a version drawn from those that exist becomes champion (or, one time in four, shadow), naming the
    version the operator saw in that role (the move is superseded when another took it meanwhile)."""
    name = project.model_name(op.partition)
    versions = sorted((str(version.version) for version in registry.all_versions(name)), key=int)
    if not versions:
        raise LookupError(f"{name} has no versions yet")
    version, role = versions[int(op.draw * len(versions))], "champion" if op.variant < 0.75 else "shadow"
    seen = registry.aliases(name).get(role)
    roles.assign_by_hand(engine, project.name, name, version, role, "stress", expected=seen)
    return f"{name} v{version} {role}"


def rollback(project: Project, engine: Engine, op: Op, context: Context) -> str:
    event = roles.rollback(engine, project.name, project.model_name(op.partition), "stress")
    return f"v{event.from_version} -> v{event.to_version}"


def retention(project: Project, engine: Engine, op: Op, context: Context) -> str:
    deleted = roles.apply_retention(engine, project.name, project.model_name(op.partition), 0)
    return f"deleted {deleted}"


def backfill(project: Project, engine: Engine, op: Op, context: Context) -> str:
    """The two days from `op.at`, each by its own data stage, at once (two threads)."""
    days = [(op.at + n * CHUNK, op.at + (n + 1) * CHUNK) for n in range(2)]
    with ThreadPoolExecutor(len(days)) as pool:
        runs = [
            pool.submit(stages.data, project, *day, op.partition, CONFIG, source=context.sources[op.partition])
            for day in days
        ]
        written = [run.result()["rows_written"] for run in runs]
    return f"{op.partition} {op.at:%m-%d} and the day after: {written} rows written"


def correction(project: Project, engine: Engine, op: Op, context: Context) -> str:
    """A stored candle's close moved by up to 2.5 % (high and low widened to hold it), loaded from a CSV of that one
    candle; one time in four without `allow_corrections`, which must be refused."""
    candle = stored_candle(engine, project, op.partition, op.draw)
    candle["close"] *= 1 + 0.05 * (op.variant - 0.5)
    candle["high"], candle["low"] = max(candle["high"], candle["close"]), min(candle["low"], candle["close"])
    path = Path(context.folder) / f"correction_{op.index}.csv"
    write_candles(pd.DataFrame([candle]), path)
    allow = op.variant >= 0.25
    at = candle["candle_time"]
    summary = stages.data(project, at, at + HOUR, op.partition, CONFIG, source=str(path), allow_corrections=allow)
    if not allow and summary["tables"]["raw"]["written"]:
        raise Unrefused(f"{op.partition} {at.isoformat()}: a changed candle was stored without allow_corrections")
    return f"{op.partition} {at.isoformat()}: close {candle['close']:.6g}, allow_corrections={allow}"


def stored_candle(engine: Engine, project: Project, partition: str, draw: float) -> dict[str, Any]:
    """The stored candle at position `draw` (0 <= draw < 1) of the partition's, as the loader's columns."""
    raw = project.tables.raw
    columns = [raw.c[name] for name in ("candle_time", "open", "high", "low", "close", "volume", "value")]
    query = select(*columns).where(raw.c[project.tables.partition] == partition).order_by(raw.c.candle_time)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    row = rows[int(draw * len(rows))]._mapping
    return {**row, "candle_time": utc(row["candle_time"])}


OPERATIONS = {
    "train": train,
    "promote": promote,
    "rollback": rollback,
    "retention": retention,
    "backfill": backfill,
    "correction": correction,
}
