"""Task unit `train`: open the training's MLflow parent run, and fit + log one candidate as a child run."""

from datetime import datetime

from sqlalchemy import Engine

from projects.tumor_classifier import PROJECT
from projects.tumor_classifier.configs import Default, model_config
from projects.tumor_classifier.evaluator.metrics import classification_metrics
from projects.tumor_classifier.trainer.dataset import load_dataset
from projects.tumor_classifier.trainer.fit import fit_candidate
from service.tracking import log_candidate, open_parent_run, pip_requirements


def start_training(engine: Engine, end: datetime, spec: Default, reason: str, run_id: str) -> dict:
    with engine.connect() as conn:
        frame, bounds = load_dataset(conn, end, spec)
    counts = frame["split"].value_counts().to_dict()
    tags = {
        "data_range": f"{bounds.train_start.isoformat()} .. {end.isoformat()}",
        "trigger_reason": reason,
        "feature_set_version": spec.features.version,
        "airflow_run_id": run_id,
        **{f"rows_{split}": str(counts.get(split, 0)) for split in ("train", "validation", "test")},
    }
    parent_run_id = open_parent_run(PROJECT, f"train until {end:%Y-%m-%d %H:%M}", tags, spec.model_dump(mode="json"))
    return {
        "parent_run_id": parent_run_id,
        "bounds": bounds.as_dict(),
        "rows": counts,
        "candidates": list(spec.train.candidates),
    }


def train_candidate(engine: Engine, end: datetime, spec: Default, candidate: str, parent_run_id: str) -> dict:
    model = model_config(candidate)
    with engine.connect() as conn:
        frame, _ = load_dataset(conn, end, spec)
    columns = spec.features.columns
    classifier = fit_candidate(frame, columns, model, spec.train.seed, spec.train.threshold)
    metrics = {}
    for split in ("validation", "test"):
        rows = frame[frame["split"] == split]
        probability = classifier.predict(None, rows)["probability_malignant"].to_numpy()
        metrics[split] = classification_metrics(rows["label"].to_numpy(), probability, spec.train.threshold)
    example = frame[columns].head(5).reset_index(drop=True)
    logged = log_candidate(
        PROJECT,
        parent_run_id,
        candidate,
        {},
        model.model_dump(mode="json"),
        metrics,
        classifier,
        example,
        pip_requirements(),
    )
    return {"candidate": candidate, **logged, **metrics}
