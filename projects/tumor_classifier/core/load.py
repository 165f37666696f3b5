"""Task unit `load`: the batches arriving in an interval, validated, upserted into the samples table."""

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection

from db_handler import UpsertResult, upsert
from projects.tumor_classifier.configs import DataConfig
from projects.tumor_classifier.loader.batches import load_batches
from projects.tumor_classifier.preprocessor.validate import validate_samples
from projects.tumor_classifier.utils.tables import samples


def load_samples(config: DataConfig, start: datetime, end: datetime) -> pd.DataFrame:
    return validate_samples(load_batches(config, start, end))


def store_samples(conn: Connection, loaded: pd.DataFrame) -> UpsertResult:
    return upsert(
        conn, samples, loaded.assign(ingested_at=datetime.now(UTC)), key=("sample_id",), touch=("ingested_at",)
    )
