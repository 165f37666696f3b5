"""Task unit `evaluate`: pick the best candidate, score it beside the champion and naive on the same test
window; the platform then registers it and lets the gate decide whether `champion` moves."""

from datetime import datetime
from functools import partial

import numpy as np
from sqlalchemy import Engine

from projects.crypto_forecast import PROJECT
from projects.crypto_forecast.configs import Default
from projects.crypto_forecast.evaluator.metrics import score_models
from projects.crypto_forecast.evaluator.plots import log_forecast_plots
from projects.crypto_forecast.trainer.dataset import load_dataset
from projects.crypto_forecast.utils.naming import registered_model_name
from service.mlflow_setup import configure_mlflow
from service.promotion import register_through_gate
from service.registry import CHAMPION, load_model, predict, version_by_alias

OUTPUT = "predicted_log_return"


def evaluate_and_gate(
    engine: Engine, market: str, end: datetime, spec: Default, results: list[dict], parent_run_id: str, run_id: str
) -> dict:
    metric = spec.train.selection_metric
    best = min(results, key=lambda result: result["validation"][metric])
    name = registered_model_name(market)
    with engine.connect() as conn:
        frame, bounds = load_dataset(conn, market, end, spec)
    test = (frame["split"] == "test").to_numpy()

    predictions = {"challenger": predict(load_model(best["model_uri"]), frame, OUTPUT)[test]}
    if version_by_alias(name, CHAMPION) is not None:
        predictions["champion"] = predict(load_model(f"models:/{name}@{CHAMPION}"), frame, OUTPUT)[test]
    scores = score_models(frame["close"].to_numpy()[test], frame["target_close"].to_numpy()[test], predictions)
    log_forecast_plots(
        partial(configure_mlflow().log_figure, parent_run_id),
        frame.loc[test, "target_time"],
        frame.loc[test, "target_close"].to_numpy(),
        frame.loc[test, "close"].to_numpy() * np.exp(predictions["challenger"]),
        "selected challenger",
    )
    # the training window is monitoring's drift reference, so it travels with the version
    decision = register_through_gate(
        engine,
        PROJECT,
        name,
        best,
        scores,
        metric=metric,
        higher_is_better=False,
        champion_margin=spec.train.champion_margin,
        baseline_tolerance=spec.train.naive_tolerance,
        parent_run_id=parent_run_id,
        run_id=run_id,
        tags=bounds.as_dict(),
    )
    return {**decision, "candidates": {result["candidate"]: result["validation"][metric] for result in results}}
