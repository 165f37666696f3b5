"""Task unit `evaluate`: the best candidate on validation, scored beside the champion and the majority-class
baseline on the same test batches; the platform registers it and the gate decides."""

from datetime import datetime

from sqlalchemy import Engine

from projects.tumor_classifier import PROJECT
from projects.tumor_classifier.configs import Default
from projects.tumor_classifier.evaluator.metrics import score_models
from projects.tumor_classifier.trainer.dataset import load_dataset
from projects.tumor_classifier.utils.naming import registered_model_name
from service.promotion import register_through_gate
from service.registry import CHAMPION, load_model, predict, version_by_alias

OUTPUT = "probability_malignant"


def evaluate_and_gate(
    engine: Engine, end: datetime, spec: Default, results: list[dict], parent_run_id: str, run_id: str
) -> dict:
    train = spec.train
    best = min(results, key=lambda result: result["validation"][train.selection_metric])
    name = registered_model_name()
    with engine.connect() as conn:
        frame, bounds = load_dataset(conn, end, spec)
    test = frame[frame["split"] == "test"]
    probabilities = {"challenger": predict(load_model(best["model_uri"]), test, OUTPUT)}
    if version_by_alias(name, CHAMPION) is not None:
        probabilities["champion"] = predict(load_model(f"models:/{name}@{CHAMPION}"), test, OUTPUT)
    prevalence = float(frame.loc[frame["split"] == "train", "label"].mean())
    scores = score_models(test["label"].to_numpy(), probabilities, prevalence, train.threshold)
    decision = register_through_gate(
        engine,
        PROJECT,
        name,
        best,
        scores,
        metric=train.gate_metric,
        higher_is_better=True,
        champion_margin=train.champion_margin,
        baseline_tolerance=train.baseline_tolerance,
        parent_run_id=parent_run_id,
        run_id=run_id,
        tags=bounds.as_dict(),
        baseline="baseline",
    )
    return {
        **decision,
        "candidates": {result["candidate"]: result["validation"][train.selection_metric] for result in results},
    }
