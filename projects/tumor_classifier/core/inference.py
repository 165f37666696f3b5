"""Task unit `inference`: the champion's verdict on every sample that arrived in an interval, with lineage."""

from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine

from db_handler import upsert
from projects.tumor_classifier.configs import Default
from projects.tumor_classifier.utils.naming import registered_model_name
from projects.tumor_classifier.utils.queries import read_features
from projects.tumor_classifier.utils.tables import predictions
from service.registry import CHAMPION, champion_uri, load_model, predict, version_by_alias


def classify(engine: Engine, start: datetime, end: datetime, spec: Default, run_id: str) -> dict:
    """Raises NoChampion when there is none."""
    name = registered_model_name()
    model = load_model(champion_uri(name))
    version = version_by_alias(name, CHAMPION)
    with engine.begin() as conn:
        rows = read_features(conn, start, end, spec.features.columns)
        probability = predict(model, rows, "probability_malignant") if len(rows) else np.array([])
        made = rows[["sample_id", "arrived_at"]].assign(
            probability_malignant=probability,
            predicted_label=(probability >= spec.train.threshold).astype(int),
            model_name=name,
            model_version=str(version.version),
            mlflow_run_id=version.run_id,
            airflow_run_id=run_id,
            created_at=datetime.now(UTC),
        )
        written = upsert(conn, predictions, made, key=("sample_id",), touch=("airflow_run_id", "created_at"))
    return {
        "model": name,
        "version": str(version.version),
        "predictions": len(made),
        "written": written.written,
        "unchanged": written.unchanged,
    }
