"""Reads of this project's tables that more than one task unit needs."""

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, func, select

from projects.tumor_classifier.utils.tables import features, predictions, samples


def read_features(conn: Connection, start: datetime, end: datetime, columns: list[str]) -> pd.DataFrame:
    """Features of samples that arrived in [start, end), with their label, by arrival then sample id."""
    query = (
        select(features.c.sample_id, features.c.arrived_at, samples.c.label, *(features.c[name] for name in columns))
        .join(samples, samples.c.sample_id == features.c.sample_id)
        .where(features.c.arrived_at >= start, features.c.arrived_at < end)
        .order_by(features.c.arrived_at, features.c.sample_id)
    )
    return _frame(conn, query, ["sample_id", "arrived_at", "label", *columns])


def read_predictions_with_labels(conn: Connection, start: datetime, end: datetime, model_version: str) -> pd.DataFrame:
    """Predictions of `model_version` for samples that arrived in [start, end), joined BY SAMPLE ID to the label."""
    query = (
        select(
            predictions.c.sample_id, predictions.c.probability_malignant, predictions.c.predicted_label, samples.c.label
        )
        .join(samples, samples.c.sample_id == predictions.c.sample_id)
        .where(
            predictions.c.model_version == model_version,
            predictions.c.arrived_at >= start,
            predictions.c.arrived_at < end,
        )
    )
    return _frame(conn, query, ["sample_id", "probability_malignant", "predicted_label", "label"])


def outcomes(conn: Connection, limit: int) -> pd.DataFrame:
    """Per arrival batch, the latest `limit` of them (for the dashboard): time, predicted (share of samples the
    served model called malignant) and actual (share that were)."""
    query = (
        select(predictions.c.arrived_at, func.avg(predictions.c.predicted_label), func.avg(samples.c.label))
        .join(samples, samples.c.sample_id == predictions.c.sample_id)
        .group_by(predictions.c.arrived_at)
        .order_by(predictions.c.arrived_at.desc())
        .limit(limit)
    )
    frame = pd.DataFrame([tuple(row) for row in conn.execute(query)], columns=["time", "predicted", "actual"])
    return frame.iloc[::-1].astype({"predicted": float, "actual": float}).reset_index(drop=True)


def _frame(conn: Connection, query, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(row) for row in conn.execute(query)], columns=columns)
    if "arrived_at" in frame:
        frame["arrived_at"] = pd.to_datetime(frame["arrived_at"], utc=True).astype("datetime64[us, UTC]")
    return frame
