"""The walk-forward backtest: its origin schedule and summary (pure), its command line, and one run on
crypto_forecast's smoke config against real PostgreSQL and a local MLflow store."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import mlflow
import numpy as np
import pandas as pd
import pytest

from lifecycle import stages
from lifecycle.backtest import backtest, origins, summarise
from lifecycle.cli import build_parser
from lifecycle.records import utc
from projects.crypto_forecast.run import PROJECT
from service.models.mlflow_client import configure_mlflow

END = datetime(2024, 5, 21, tzinfo=UTC)


def test_origins_are_weekly_oldest_first_and_the_last_week_ends_at_end():
    schedule = origins(END, 13)
    assert len(schedule) == 13 and schedule[0] == END - timedelta(weeks=13) and schedule[-1] == END - timedelta(weeks=1)
    assert {later - earlier for earlier, later in zip(schedule, schedule[1:])} == {timedelta(weeks=1)}
    assert origins(END, 2, timedelta(days=1)) == [END - timedelta(days=2), END - timedelta(days=1)]
    with pytest.raises(ValueError, match="at least one origin"):
        origins(END, 0)


def test_summary_is_the_mean_and_spread_of_skill_across_origins():
    folds = pd.DataFrame({"candidate": ["ridge", "naive"] * 3, "skill": [0.1, 0.0, -0.2, 0.0, 0.4, 0.0]})
    ridge, naive = summarise(folds).loc["ridge"], summarise(folds).loc["naive"]
    assert ridge["origins"] == 3 and ridge["mean"] == pytest.approx(0.1) and ridge["std"] == pytest.approx(0.3)
    assert (ridge["min"], ridge["max"], ridge["beats_baseline"]) == (-0.2, 0.4, 2)
    assert (naive["mean"], naive["std"], naive["beats_baseline"]) == (0.0, 0.0, 0)


def test_backtest_is_a_stage_of_the_project_command_line():
    args = build_parser(PROJECT).parse_args(
        ["backtest", "--weeks", "4", "--candidates", "ridge, gru", "--config", "smoke"]
    )
    assert (args.stage, args.weeks, args.candidates, args.config) == ("backtest", 4, ("ridge", "gru"), "smoke")


def test_backtest_on_the_smoke_config_logs_folds_and_plot_and_no_fit_sees_past_its_origin(database, mlflow_store):
    stages.data(PROJECT, "2024-01-15T00:00:00+00:00", "2024-03-08T00:00:00+00:00", source="replay")
    newest_label_seen = []  # per fit, in call order: the newest label time in the rows it was given

    def spied(candidate):
        def fit(frame, params, seed, report):
            newest_label_seen.append(frame["label_time"].max())
            return candidate.fit(frame, params, seed, report)

        return replace(candidate, fit=fit)

    hooks = SimpleNamespace(**vars(PROJECT.hooks))
    hooks.candidates = {name: spied(family) for name, family in PROJECT.hooks.candidates.items()}
    hooks.baseline = spied(PROJECT.hooks.baseline)
    summary = backtest(replace(PROJECT, hooks=hooks), weeks=2, config="smoke")

    schedule = [utc("2024-02-23T00:00:00+00:00"), utc("2024-03-01T00:00:00+00:00")]
    assert summary["origins"] == [moment.isoformat() for moment in schedule]
    assert set(summary["skill"]) == {"ridge"} and summary["skill"]["ridge"]["origins"] == 2
    assert np.isfinite(summary["skill"]["ridge"]["mean"])
    fits_per_origin = 2 * 2  # ridge and the baseline, each fitted on its splits and then refitted
    assert len(newest_label_seen) == fits_per_origin * len(schedule)
    for number, seen in enumerate(newest_label_seen):
        assert seen < schedule[number // fits_per_origin]

    configure_mlflow()
    run_id = summary["mlflow_run_id"]
    names = {artifact.path for artifact in mlflow.MlflowClient().list_artifacts(run_id, "backtest")}
    assert names == {"backtest/folds.json", "backtest/summary.json", "backtest/skill_by_origin.png"}
    run = mlflow.get_run(run_id)
    mlflow.set_experiment(experiment_id=run.info.experiment_id)
    folds = mlflow.load_table("backtest/folds.json", run_ids=[run_id])
    assert len(folds) == 4 and set(folds["candidate"]) == {"ridge", "naive"}
    assert (pd.to_datetime(folds["fitted_until"]) < pd.to_datetime(folds["origin"])).all()
    assert (folds["rows"] > 100).all() and (folds.loc[folds["candidate"] == "naive", "skill"] == 0).all()
    assert "ridge_skill_std" in run.data.metrics
