"""Task unit `preprocess`: features of the loaded samples, upserted into the features table."""

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection

from db_handler import UpsertResult, upsert
from projects.tumor_classifier.configs import FeatureConfig
from projects.tumor_classifier.preprocessor.features import build_features
from projects.tumor_classifier.utils.tables import features


def update_features(conn: Connection, loaded: pd.DataFrame, config: FeatureConfig) -> UpsertResult:
    rows = build_features(loaded).assign(feature_set_version=config.version, computed_at=datetime.now(UTC))
    return upsert(conn, features, rows, key=("sample_id",), touch=("computed_at",))
