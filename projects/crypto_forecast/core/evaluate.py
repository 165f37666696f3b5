"""Task unit `evaluate`: pick the best candidate, score it beside the champion and naive on the same test
window, register it, and let the gate decide whether `champion` moves."""

from datetime import datetime
from functools import partial

import mlflow
import numpy as np
from sqlalchemy import Engine

from projects.crypto_forecast import PROJECT
from projects.crypto_forecast.configs import Default
from projects.crypto_forecast.evaluator.metrics import score_models
from projects.crypto_forecast.evaluator.plots import log_forecast_plots
from projects.crypto_forecast.trainer.dataset import load_dataset
from projects.crypto_forecast.utils.tracking import registered_model_name
from service.gate import decide
from service.mlflow_setup import configure_mlflow
from service.registry import CHAMPION, apply_gate, register_version, version_by_alias


def evaluate_and_gate(
    engine: Engine, market: str, end: datetime, spec: Default, results: list[dict], parent_run_id: str, run_id: str
) -> dict:
    best = min(results, key=lambda result: result["validation"][spec.train.selection_metric])
    name = registered_model_name(market)
    with engine.connect() as conn:
        frame, bounds = load_dataset(conn, market, end, spec)
    test = (frame["split"] == "test").to_numpy()

    predictions = {"challenger": _predict(best["model_uri"], frame)[test]}
    champion = version_by_alias(name, CHAMPION)
    if champion is not None:
        predictions["champion"] = _predict(f"models:/{name}@{CHAMPION}", frame)[test]
    base, actual = frame["close"].to_numpy()[test], frame["target_close"].to_numpy()[test]
    scores = score_models(base, actual, predictions)

    metric = spec.train.selection_metric
    decision = decide(
        scores["challenger"][metric], scores["naive"][metric], scores["champion"][metric] if champion else None,
        spec.train.champion_margin, spec.train.naive_tolerance, metric,
    )  # fmt: skip
    version = register_version(
        name, best["model_uri"], best["run_id"],
        tags=_version_tags(best, parent_run_id, run_id, bounds, scores),
    )
    event = apply_gate(engine, PROJECT, name, version, decision, scores, run_id, parent_run_id)
    _close_parent_run(parent_run_id, scores, best, version, decision, frame, test, predictions["challenger"])
    return {
        "model": name,
        "candidate": best["candidate"],
        "version": version,
        "champion_before": str(champion.version) if champion else None,
        "champion_after": version if decision.promote else (str(champion.version) if champion else None),
        "decision": "promoted" if decision.promote else "rejected",
        "reason": decision.reason,
        "alias": event.alias,
        "metrics": scores,
        "candidates": {result["candidate"]: result["validation"][metric] for result in results},
    }


def _version_tags(best: dict, parent_run_id: str, run_id: str, bounds, scores: dict) -> dict[str, str]:
    """What monitoring needs later: the training window (drift reference) and the test metrics (decay
    reference), kept on the version itself so they follow it through promotions and rollbacks."""
    tags = {"candidate": best["candidate"], "parent_run_id": parent_run_id, "airflow_run_id": run_id,
            **bounds.as_dict()}  # fmt: skip
    for model in ("challenger", "naive"):
        for metric, value in scores[model].items():
            tags[f"test_{metric}" if model == "challenger" else f"naive_test_{metric}"] = repr(float(value))
    return tags


def _predict(model_uri: str, frame) -> np.ndarray:
    """Forecasts through the pyfunc interface, exactly as inference loads a champion."""
    model = mlflow.pyfunc.load_model(model_uri)
    schema = model.metadata.get_input_schema()
    if schema is None:
        raise ValueError(f"{model_uri} was logged without an input signature; log it with one to serve it")
    columns = schema.input_names()
    return model.predict(frame[columns])["predicted_log_return"].to_numpy(dtype=float)


def _close_parent_run(parent_run_id, scores, best, version, decision, frame, test, challenger_prediction) -> None:
    client = configure_mlflow()
    for model, values in scores.items():
        for metric, value in values.items():
            if np.isfinite(value):
                client.log_metric(parent_run_id, f"test_{model}_{metric}", float(value))
    for key, value in {"selected_candidate": best["candidate"], "registered_version": version,
                       "decision": "promoted" if decision.promote else "rejected", "decision_reason": decision.reason}.items():  # fmt: skip
        client.set_tag(parent_run_id, key, value)
    log_forecast_plots(partial(client.log_figure, parent_run_id), frame.loc[test, "target_time"],
                       frame.loc[test, "target_close"].to_numpy(),
                       frame.loc[test, "close"].to_numpy() * np.exp(challenger_prediction), "selected challenger")  # fmt: skip
    client.set_terminated(parent_run_id, "FINISHED")
