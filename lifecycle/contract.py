"""The contract between the platform and a project: one typed object, `PROJECT` in projects/<name>/run.py.

A project holds only its ML: how rows are loaded and checked, which features they give, how a row is labelled
and the window split, which candidate models exist and how each is fitted, how forecasts become rows of its
predictions table, how outcomes are joined back and scored. Every hook is a plain function on frames and plain
values: no database, MLflow or Airflow inside, so each is unit-tested on its own.

The platform owns the loop around the hooks (lifecycle.stages): bookkeeping, the train sequence and its gate,
the registry, inference with lineage, monitoring with its alerts and retrain triggers.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import MetaData, Table

from compose.config import ConfigSet, ModelParams

SINGLE_PARTITION = "all"
ROLES = ("champion", "shadow", "baseline")  # whose forecast a predictions row is


class DataError(ValueError):
    """Input a retry cannot fix (bad values, an interval outside the source, too little data): the task fails
    at once with this message instead of retrying."""

    @classmethod
    def listing(cls, problems: list[str], what: str, shown: int = 10) -> "DataError":
        """One error on one line for many problems: how many, then the first `shown` of them, by semicolons."""
        more = f"; ... and {len(problems) - shown} more" if len(problems) > shown else ""
        error = cls(f"{len(problems)} invalid {what}; nothing was written: " + "; ".join(problems[:shown]) + more)
        error.problems = problems
        return error


class UnknownPartition(DataError):
    """A partition the config set does not declare (a typo, or a market not added to the config yet)."""


class NotEnoughData(DataError):
    """Too few rows to train; the message says what to load first."""


class Model(Protocol):
    """What a candidate's fit returns: it reads `inputs` from consecutive rows of one partition, oldest first,
    and gives one value per row (NaN where the row, or the `window` of rows ending at it, lacks data)."""

    inputs: list[str]
    window: int

    def predict(self, frame: pd.DataFrame) -> Any: ...


@dataclass(frozen=True)
class Fitted:
    """A fitted model, the settings a refit must reuse (e.g. the epochs early stopping chose), and per-epoch
    metrics for a learning curve (empty for models without epochs)."""

    model: Model
    settings: dict[str, Any] = field(default_factory=dict)
    epochs: list[dict[str, float]] = field(default_factory=list)


# fit(frame, params, seed, report): fit on the rows whose `split` is "train", optionally stop early on
# "validation"; `report(epoch, value)` reports a validation score per epoch and raises when the search prunes.
FitFunction = Callable[[pd.DataFrame, Any, int, Callable[[int, float], None]], Fitted]


@dataclass(frozen=True)
class Candidate:
    """One model family: its hyperparameters (defaults and search space) and how to fit it."""

    name: str
    params: type[ModelParams]
    fit: FitFunction
    requirements: tuple[str, ...] = ()  # packages its logged model needs beyond mlflow, pandas, numpy, sklearn


@dataclass(frozen=True)
class SplitBounds:
    """train is [train_start, validation_start), validation [validation_start, test_start), test [test_start, end),
    by `label_time`. The registered version keeps these as tags."""

    train_start: datetime
    validation_start: datetime
    test_start: datetime
    end: datetime

    def as_dict(self) -> dict[str, str]:
        return {name: value.isoformat() for name, value in vars(self).items()}


@dataclass(frozen=True)
class Batch:
    """What the load hook is asked for: a partition's rows in [start, end), with the run's options (e.g. source)."""

    partition: str
    start: datetime
    end: datetime
    spec: ConfigSet
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tables:
    """The project's tables (utils/tables.py) and the columns the platform reads them by.

    raw and features share their key; `time` windows both. predictions hold one row per forecast and model
    version and role (db_handler.columns.lineage_columns); `prediction_time` windows them. monitoring is written by
    the platform (db_handler.columns.monitoring_columns). `truth` names the raw columns labels are made from.
    `partition` is the column holding the partition in every table, None for a single-partition project.
    `provenance` names raw columns that say where a row came from (e.g. its source): written with a row that
    changed, never a change themselves, so the same values from another source leave the stored row alone."""

    metadata: MetaData
    raw: Table
    features: Table
    predictions: Table
    monitoring: Table
    time: str
    prediction_time: str
    truth: tuple[str, ...]
    partition: str | None = None
    provenance: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return sorted(self.metadata.tables)


class Hooks(Protocol):
    """The project's lifecycle steps: its `core` package provides them by these names, each a pure function
    (frames and plain values in and out), and run.py hands the package over (`hooks=core`).

    It may also provide `label`, `realise` and `display`; without them the platform's defaults apply (see
    Project.label, Project.realise, Project.display)."""

    # data: rows of one partition from the source, checked (raise DataError naming partition, time, column)
    load: Callable[[Batch], pd.DataFrame]
    validate: Callable[[pd.DataFrame, Batch], pd.DataFrame]
    # raw rows of one partition, with `lookback_hours` of history before the interval -> key + feature columns
    features: Callable[[pd.DataFrame, ConfigSet], pd.DataFrame]
    # the train | validation | test bounds of a window ending at `end`
    split: Callable[[datetime, ConfigSet], SplitBounds]
    candidates: Mapping[str, Candidate]
    baseline: Candidate  # the naive forecast: trained, gated, registered and served like any candidate
    # metrics of `predicted` against labelled rows; the selection metric is one of them
    score: Callable[[pd.DataFrame, Any, ConfigSet], dict[str, float]]
    # test rows (with `predicted`) -> figures logged with each fit, by file name (e.g. residuals.png)
    plots: Callable[[pd.DataFrame], dict[str, Any]]
    # model output for feature rows -> rows of the predictions table (its own columns, without lineage)
    prediction_rows: Callable[[pd.DataFrame, Any, ConfigSet], pd.DataFrame]


@dataclass(frozen=True)
class Project:
    """A project as the platform sees it. `run.py` declares it once as PROJECT; nothing else is looked up."""

    name: str
    description: str
    config_sets: Mapping[str, type[ConfigSet]]
    folder: Path  # projects/<name>: its code is logged with every training, its migrations/ run on first use
    tables: Tables
    hooks: Hooks
    output: str  # the model's output column, stored in the predictions table
    cadence: timedelta  # how often new rows arrive (the data workflow's step)
    partitions: Callable[[ConfigSet], Sequence[str]] | None = None
    # extra options of the data stage (CLI flags and DAG params), e.g. {"source": "upbit | replay | PATH.csv"}
    data_options: Mapping[str, str] = field(default_factory=dict)

    @property
    def migrations(self) -> Path:
        return self.folder / "migrations"

    @property
    def package(self) -> str:
        """The project's Python package, e.g. projects.crypto_forecast (its models carry its code)."""
        return f"{self.folder.parent.name}.{self.folder.name}"

    def spec(self, config: "str | ConfigSet" = "default") -> ConfigSet:
        """The config set called `config` with its defaults (a ConfigSet instance is used as it is)."""
        if isinstance(config, ConfigSet):
            return config
        if config not in self.config_sets:
            raise KeyError(f"{self.name} has no config named {config!r}; available: {', '.join(self.config_sets)}")
        return self.config_sets[config]()

    def partitions_of(self, spec: ConfigSet) -> list[str]:
        return list(self.partitions(spec)) if self.partitions else [SINGLE_PARTITION]

    def require_partition(self, spec: ConfigSet, name: str) -> str:
        """`name` when the config set declares it as a partition, else UnknownPartition naming the declared ones.
        Every stage and workflow checks a partition asked for here, before anything is written (the REST API's
        catalog answers 404 for the same partitions, and takes a model's name too)."""
        declared = self.partitions_of(spec)
        if name not in declared:
            what = self.tables.partition or "partition"
            raise UnknownPartition(
                f"unknown {what} {name!r}: config {spec.name!r} of {self.name} declares {', '.join(declared)}"
            )
        return name

    def partitions_for(self, spec: ConfigSet, partition: str | None) -> list[str]:
        """The one partition asked for (checked by require_partition), or every one the config set declares."""
        return [self.require_partition(spec, partition)] if partition else self.partitions_of(spec)

    def model_name(self, partition: str) -> str:
        """One registered model per partition: crypto_forecast-KRW-BTC; the project's name when it has one."""
        return self.name if self.partitions is None else f"{self.name}-{partition}"

    def dag_id(self, kind: str) -> str:
        return f"{self.name}_{kind}_wf"

    def label(self, frame: pd.DataFrame, spec: ConfigSet) -> pd.DataFrame:
        """The project's `label` hook (features + truth columns -> the same rows with `target` and `label_time`, and
        what `score` reads); by default the one truth column is the target, known at the row's time."""
        if hook := getattr(self.hooks, "label", None):
            return hook(frame, spec)
        [truth] = self.tables.truth
        return frame.assign(target=frame[truth].astype(float), label_time=frame[self.tables.time])

    def realise(self, forecasts: pd.DataFrame, raw: pd.DataFrame, spec: ConfigSet) -> pd.DataFrame:
        """The project's `realise` hook (forecasts, with the model output also as `predicted`, + raw rows of the same
        window -> the forecasts with the columns `label` gives, joined BY KEY from the outcomes, target NaN until
        known); by default forecasts join the raw rows on the key columns they share, the truth column the target."""
        if hook := getattr(self.hooks, "realise", None):
            return hook(forecasts, raw, spec)
        [truth] = self.tables.truth
        keys = [c.name for c in self.tables.raw.primary_key.columns if c.name in forecasts.columns]
        joined = forecasts.merge(raw[[*keys, truth]], on=keys, how="left")
        return joined.assign(target=joined[truth].astype(float))

    def display(self, realised: pd.DataFrame) -> pd.DataFrame:
        """The project's `display` hook (realised rows -> time, predicted, actual on a scale people read, for the
        dashboard); by default the mean forecast and outcome per prediction time."""
        if hook := getattr(self.hooks, "display", None):
            return hook(realised)
        by_time = realised.groupby(self.tables.prediction_time)
        means = by_time.agg(predicted=("predicted", "mean"), actual=("target", "mean"))
        return means.reset_index().rename(columns={self.tables.prediction_time: "time"})
