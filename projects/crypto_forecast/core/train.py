"""Task unit `train`: open the training's MLflow parent run, and fit + log one candidate as a child run."""

from datetime import datetime

import mlflow
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from projects.crypto_forecast import PROJECT
from projects.crypto_forecast.configs import Default, model_config
from projects.crypto_forecast.evaluator.metrics import forecast_metrics
from projects.crypto_forecast.evaluator.plots import log_forecast_plots
from projects.crypto_forecast.trainer.dataset import load_dataset
from projects.crypto_forecast.trainer.fit import fit_candidate
from service.tracking import log_candidate, open_parent_run, pip_requirements


def start_training(engine: Engine, market: str, end: datetime, spec: Default, reason: str, run_id: str) -> dict:
    """Check the data suffices, then open the parent run every candidate logs under."""
    with engine.connect() as conn:
        frame, bounds = load_dataset(conn, market, end, spec)
    counts = frame["split"].value_counts().to_dict()
    tags = {
        "market": market,
        "data_range": f"{bounds.train_start.isoformat()} .. {end.isoformat()}",
        **{f"rows_{split}": str(counts.get(split, 0)) for split in ("train", "validation", "test")},
        "feature_set_version": spec.features.version,
        "trigger_reason": reason,
        "airflow_run_id": run_id,
    }
    parent_run_id = open_parent_run(
        PROJECT, f"train {market} until {end:%Y-%m-%d %H:%M}", tags, spec.model_dump(mode="json")
    )
    return {
        "parent_run_id": parent_run_id,
        "bounds": bounds.as_dict(),
        "rows": counts,
        "candidates": list(spec.train.candidates),
    }


def train_candidate(
    engine: Engine, market: str, end: datetime, spec: Default, candidate: str, parent_run_id: str
) -> dict:
    """Fit `candidate` on the training rows, score it on validation and test, log it with its model."""
    model = model_config(candidate)
    with engine.connect() as conn:
        frame, _ = load_dataset(conn, market, end, spec)
    forecaster = fit_candidate(frame, spec.features.columns, model, spec.train.seed)
    predicted = forecaster.predict_log_returns(frame)
    metrics = {split: _split_metrics(frame, predicted, split) for split in ("validation", "test")}
    test = (frame["split"] == "test").to_numpy()

    def plots() -> None:
        log_forecast_plots(
            mlflow.log_figure,
            frame.loc[test, "target_time"],
            frame.loc[test, "target_close"].to_numpy(),
            frame.loc[test, "close"].to_numpy() * np.exp(predicted[test]),
            candidate,
        )

    logged = log_candidate(
        PROJECT,
        parent_run_id,
        candidate,
        {"family": model.family, "market": market},
        model.model_dump(mode="json"),
        metrics,
        forecaster,
        _input_example(frame, spec.features.columns, getattr(model, "window", 1)),
        pip_requirements("torch"),
        log_extras=plots,
    )
    return {"candidate": candidate, **logged, **metrics}


def _split_metrics(frame: pd.DataFrame, predicted: np.ndarray, split: str) -> dict:
    rows = (frame["split"] == split).to_numpy() & np.isfinite(predicted)
    return forecast_metrics(frame["close"].to_numpy()[rows], frame["target_close"].to_numpy()[rows], predicted[rows])


def _input_example(frame: pd.DataFrame, columns: list[str], window: int) -> pd.DataFrame:
    """The last window + 2 complete feature rows: enough for a windowed model to forecast something."""
    complete = frame[columns].dropna()
    return complete.tail(window + 2).reset_index(drop=True)
