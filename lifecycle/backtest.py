"""Walk-forward backtest: how each candidate and the baseline would have fared, week after week, had the train
stage run at each of the last N weekly origins.

One test window says little about skill that moves with the market; rolling the origin gives a distribution. At
each origin every candidate is fitted as the train stage fits what it serves (its defaults on the train split,
early stopping on validation, then refitted with the chosen settings on every row labelled before the origin) and
forecasts the following week; the project's `score` hook scores it beside the baseline on the same rows. Nothing
labelled at or after the origin reaches a fit. The folds and a summary (mean and spread of skill across origins)
are logged to MLflow as tables with a plot, and printed as the stage's JSON line.

    python -m projects.<name>.run backtest --weeks 13 [--end ...] [--candidates ridge,gru]
"""

import logging
import time
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from compose.config import ConfigSet
from lifecycle.contract import Candidate, Project
from lifecycle.reads import read_dataset
from lifecycle.records import per_partition, project_engine, stage_run
from lifecycle.stages.train import (
    HISTORY_ROWS,
    assign_splits,
    candidate_family,
    no_report,
    require_splits,
    scores_on_common_rows,
    window_end,
)

log = logging.getLogger(__name__)
WEEK = timedelta(weeks=1)


def backtest(
    project: Project,
    weeks: int = 13,
    end: datetime | str | None = None,
    candidates: tuple[str, ...] | None = None,
    partition: str | None = None,
    config: str | ConfigSet = "default",
    run_id: str | None = None,
) -> dict[str, Any]:
    """Backtest every partition (or one) over `weeks` weekly origins ending at `end` (default: after the newest
    stored row); `candidates` defaults to the config's. One summary line per partition."""
    spec = project.spec(config)
    families = [candidate_family(project, name) for name in candidates or spec.train.candidates]
    return per_partition(
        project,
        spec,
        partition,
        lambda name: backtest_partition(project, name, weeks, end, [*families, project.hooks.baseline], spec, run_id),
    )


def backtest_partition(
    project: Project,
    partition: str,
    weeks: int,
    end: datetime | str | None,
    families: list[Candidate],
    spec: ConfigSet,
    run_id: str | None,
) -> dict[str, Any]:
    """The folds of one partition, logged as one MLflow run; its summary."""
    engine = project_engine(project)
    end = window_end(engine, project, partition, end)
    schedule = origins(end, weeks)
    first = project.hooks.split(schedule[0], spec).train_start - HISTORY_ROWS * project.cadence
    with stage_run(engine, project, "backtest", run_id, start=schedule[0], end=end, partition=partition) as run:
        with engine.connect() as conn:
            frame = read_dataset(conn, project.tables, partition, first, end, spec.features.columns)
        frame = project.label(frame, spec)
        folds = pd.concat(
            [fold(project, partition, frame, origin, families, spec) for origin in schedule], ignore_index=True
        )
        summary = summarise(folds)
        mlflow_run = _log(project, partition, spec, folds, summary, families[-1].name, weeks)
        run.summary = {
            "partition": partition,
            "weeks": weeks,
            "origins": [schedule[0].isoformat(), schedule[-1].isoformat()],
            "metric": spec.train.selection_metric,
            "baseline": families[-1].name,
            "skill": summary.drop(index=families[-1].name).to_dict(orient="index"),
            "fit_seconds": folds.groupby("candidate")["fit_s"].sum().round(1).to_dict(),
            "mlflow_run_id": mlflow_run,
        }
    return run.summary


def origins(end: datetime, weeks: int, step: timedelta = WEEK) -> list[datetime]:
    """The `weeks` origins, oldest first, whose following `step` tiles the stretch ending at `end`."""
    if weeks < 1:
        raise ValueError(f"a backtest needs at least one origin, not {weeks}")
    return [end - k * step for k in range(weeks, 0, -1)]


def fold(
    project: Project,
    partition: str,
    frame: pd.DataFrame,
    origin: datetime,
    families: list[Candidate],
    spec: ConfigSet,
    step: timedelta = WEEK,
) -> pd.DataFrame:
    """One row per family: its metrics on the rows labelled in [origin, origin + step) that every family forecast,
    its skill against the baseline (the last family) there, and what its fit saw."""
    bounds = project.hooks.split(origin, spec)
    start = bounds.train_start - HISTORY_ROWS * project.cadence
    window = frame[(frame[project.tables.time] >= start) & (frame["label_time"] < origin + step)]
    window = assign_splits(window, bounds).reset_index(drop=True)
    require_splits(window, project, partition, bounds, spec)
    known = window[window["label_time"] < origin]  # a fit sees nothing labelled at or after the origin
    ahead = ((window["label_time"] >= origin) & window["target"].notna()).to_numpy()
    predicted, seconds = {}, {}
    for family in families:
        began = time.perf_counter()
        predicted[family.name] = np.asarray(fit_as_served(family, known, spec).predict(window), dtype=float)
        seconds[family.name] = time.perf_counter() - began
        log.info("backtest %s: %s fitted at origin %s in %.1f s", partition, family.name, origin, seconds[family.name])
    scores = scores_on_common_rows(project, spec, window, ahead, predicted, families[-1].name)
    fitted = known["split"].notna()
    return pd.DataFrame(
        [
            {
                "origin": origin,
                "candidate": name,
                "fit_s": seconds[name],
                "fitted_rows": int(fitted.sum()),
                "fitted_until": known.loc[fitted, "label_time"].max(),
                **scores[name],
            }
            for name in predicted
        ]
    )


def fit_as_served(family: Candidate, known: pd.DataFrame, spec: ConfigSet):
    """The family's defaults fitted on the train split (early stopping on validation), then refitted with the
    settings that chose (e.g. epochs) on every labelled row: what the train stage would register."""
    defaults = family.params()
    chosen = family.fit(known, defaults, spec.train.seed, no_report).settings
    params = family.params(**{**defaults.model_dump(), **chosen})
    everything = known.assign(split=np.where(known["split"].notna(), "train", None))
    return family.fit(everything, params, spec.train.seed, no_report).model


def summarise(folds: pd.DataFrame) -> pd.DataFrame:
    """Per candidate, across origins: how many, the mean skill and its spread (std, min, max), and at how many
    origins it beat the baseline."""
    by_candidate = folds.groupby("candidate", sort=False)["skill"]
    return pd.DataFrame(
        {
            "origins": by_candidate.count(),
            "mean": by_candidate.mean(),
            "std": by_candidate.std(),
            "min": by_candidate.min(),
            "max": by_candidate.max(),
            "beats_baseline": by_candidate.apply(lambda values: int((values > 0).sum())),
        }
    )


def skill_plot(folds: pd.DataFrame, summary: pd.DataFrame, baseline: str, title: str) -> Figure:
    """Skill against the baseline at each origin, one line per candidate (its mean and std in the legend)."""
    figure = Figure(figsize=(10, 4.5))
    axis = figure.subplots()
    for candidate, rows in folds[folds["candidate"] != baseline].groupby("candidate", sort=False):
        stats = summary.loc[candidate]
        label = f"{candidate}: {stats['mean']:+.4f} ± {stats['std']:.4f}"
        axis.plot(rows["origin"], rows["skill"], marker="o", label=label)
    axis.axhline(0, color="black", linewidth=0.8, label=f"{baseline} (0)")
    axis.set_ylabel(f"skill vs {baseline}")
    axis.set_xlabel("origin (the week after it is forecast)")
    axis.set_title(title)
    axis.legend()
    figure.autofmt_xdate()
    return figure


def _log(project: Project, partition: str, spec: ConfigSet, folds, summary, baseline: str, weeks: int) -> str:
    """One MLflow run in the project's experiment: the folds and the summary as tables, the plot, and each
    candidate's mean and spread of skill as metrics; returns its id."""
    import mlflow

    from service.models.mlflow_client import configure_mlflow, mlflow_call, project_experiment_id

    metric = spec.train.selection_metric
    title = f"{project.model_name(partition)}: {metric} skill over {weeks} weekly origins"
    with mlflow_call(f"a backtest run of {project.name}"):
        configure_mlflow()
        with mlflow.start_run(
            experiment_id=project_experiment_id(project.name),
            run_name=f"backtest {partition} {weeks} weeks until {folds['origin'].max() + WEEK:%Y-%m-%d %H:%M}",
            tags={"kind": "backtest", "partition": partition, "model_name": project.model_name(partition)},
        ) as run:
            mlflow.log_params({"weeks": weeks, "config": spec.name, "metric": metric, "baseline": baseline})
            mlflow.log_metrics(
                {
                    f"{candidate}_skill_{stat}": float(value)
                    for candidate, stats in summary.drop(index=baseline).iterrows()
                    for stat, value in stats.items()
                    if np.isfinite(value)
                }
            )
            table = folds.assign(origin=folds["origin"].astype(str), fitted_until=folds["fitted_until"].astype(str))
            mlflow.log_table(table, "backtest/folds.json")
            mlflow.log_table(summary.reset_index(), "backtest/summary.json")
            mlflow.log_figure(skill_plot(folds, summary, baseline, title), "backtest/skill_by_origin.png")
    return run.info.run_id
