"""Task unit `train`: open the training's MLflow parent run, and fit + log one candidate as a child run."""

from datetime import datetime

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sqlalchemy import Engine

from projects.crypto_forecast import PROJECT
from projects.crypto_forecast.configs import Default, model_config
from projects.crypto_forecast.evaluator.metrics import forecast_metrics
from projects.crypto_forecast.evaluator.plots import log_forecast_plots
from projects.crypto_forecast.trainer.dataset import load_dataset
from projects.crypto_forecast.trainer.fit import fit_candidate
from service.mlflow_setup import configure_mlflow, project_experiment_id
from service.tracking import flat_params, open_parent_run, pip_requirements


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
    parent_run_id = open_parent_run(PROJECT, f"train {market} until {end:%Y-%m-%d %H:%M}", tags, spec.model_dump(mode="json"))
    return {"parent_run_id": parent_run_id, "bounds": bounds.as_dict(), "rows": counts,
            "candidates": list(spec.train.candidates)}  # fmt: skip


def train_candidate(engine: Engine, market: str, end: datetime, spec: Default, candidate: str, parent_run_id: str) -> dict:
    """Fit `candidate` on the training rows, score it on validation and test, log it with its model."""
    model = model_config(candidate)
    with engine.connect() as conn:
        frame, _ = load_dataset(conn, market, end, spec)
    forecaster = fit_candidate(frame, spec.features.columns, model, spec.train.seed)
    predicted = forecaster.predict_log_returns(frame)
    metrics = {split: _split_metrics(frame, predicted, split) for split in ("validation", "test")}

    configure_mlflow()
    with mlflow.start_run(
        experiment_id=project_experiment_id(PROJECT), run_name=candidate, parent_run_id=parent_run_id,
        tags={"candidate": candidate, "family": model.family, "market": market},
    ) as child:  # fmt: skip
        mlflow.log_params(flat_params(model.model_dump(mode="json"), "model."))
        mlflow.log_metrics({f"{split}_{name}": value for split, values in metrics.items() for name, value in values.items()})
        test = (frame["split"] == "test").to_numpy()
        log_forecast_plots(mlflow.log_figure, frame.loc[test, "target_time"], frame.loc[test, "target_close"].to_numpy(),
                           frame.loc[test, "close"].to_numpy() * np.exp(predicted[test]), candidate)  # fmt: skip
        example = _input_example(frame, spec.features.columns, getattr(model, "window", 1))
        info = mlflow.pyfunc.log_model(
            name="model", python_model=forecaster, input_example=example, pip_requirements=pip_requirements("torch"),
            signature=infer_signature(example, forecaster.predict(None, example)),
        )  # fmt: skip
    return {"candidate": candidate, "run_id": child.info.run_id, "model_uri": info.model_uri, **metrics}


def _split_metrics(frame: pd.DataFrame, predicted: np.ndarray, split: str) -> dict:
    rows = (frame["split"] == split).to_numpy() & np.isfinite(predicted)
    return forecast_metrics(frame["close"].to_numpy()[rows], frame["target_close"].to_numpy()[rows], predicted[rows])


def _input_example(frame: pd.DataFrame, columns: list[str], window: int) -> pd.DataFrame:
    """The last window + 2 complete feature rows: enough for a windowed model to forecast something."""
    complete = frame[columns].dropna()
    return complete.tail(window + 2).reset_index(drop=True)
