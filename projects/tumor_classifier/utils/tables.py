"""Tables of tumor_classifier, prefixed with its name; ../migrations creates them."""

from sqlalchemy import Column, Double, Integer, MetaData, Table

from db_handler.columns import feature_columns, lineage_columns, monitoring_columns
from db_handler.types import UTCDateTime
from lifecycle.contract import Tables
from projects.tumor_classifier.configs import MEASUREMENTS, FeatureConfig

PREFIX = "tumor_classifier"
metadata = MetaData()

samples = Table(
    f"{PREFIX}_samples",
    metadata,
    Column("sample_id", Integer, primary_key=True, autoincrement=False),
    Column("batch", Integer, nullable=False),
    Column("arrived_at", UTCDateTime, nullable=False, index=True),
    *(Column(name, Double, nullable=False) for name in MEASUREMENTS),
    Column("label", Integer, nullable=False),  # 1 malignant, 0 benign
    Column("ingested_at", UTCDateTime, nullable=False),
)
features = Table(
    f"{PREFIX}_features",
    metadata,
    Column("sample_id", Integer, primary_key=True, autoincrement=False),
    Column("arrived_at", UTCDateTime, nullable=False),
    *feature_columns(FeatureConfig().columns),
)
predictions = Table(
    f"{PREFIX}_predictions",
    metadata,
    Column("sample_id", Integer, primary_key=True, autoincrement=False),
    Column("arrived_at", UTCDateTime, nullable=False),
    Column("probability_malignant", Double, nullable=False),
    Column("predicted_label", Integer, nullable=False),
    *lineage_columns(),
)
monitoring = Table(f"{PREFIX}_monitoring", metadata, *monitoring_columns())
TABLES = Tables(metadata, samples, features, predictions, monitoring, "arrived_at", "arrived_at", truth=("label",))
