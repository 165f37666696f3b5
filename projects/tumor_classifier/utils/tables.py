"""Tables of this project, prefixed with the project name; ../migrations creates them."""

from sqlalchemy import Column, Double, Integer, MetaData, String, Table

from db_handler.columns import lineage_columns, monitoring_columns
from db_handler.types import UTCDateTime
from projects.tumor_classifier import PROJECT
from projects.tumor_classifier.configs.features import MEASUREMENTS, FeatureConfig

metadata = MetaData()

samples = Table(
    f"{PROJECT}_samples",
    metadata,
    Column("sample_id", Integer, primary_key=True, autoincrement=False),
    Column("batch", Integer, nullable=False),
    Column("arrived_at", UTCDateTime, nullable=False),
    *(Column(name, Double, nullable=False) for name in MEASUREMENTS),
    Column("label", Integer, nullable=False, comment="1 malignant, 0 benign"),
    Column("ingested_at", UTCDateTime, nullable=False),
)

features = Table(
    f"{PROJECT}_features",
    metadata,
    Column("sample_id", Integer, primary_key=True, autoincrement=False),
    Column("arrived_at", UTCDateTime, nullable=False),
    *(Column(name, Double) for name in FeatureConfig().columns),
    Column("feature_set_version", String(32), nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
)

predictions = Table(
    f"{PROJECT}_predictions",
    metadata,
    Column("sample_id", Integer, primary_key=True, autoincrement=False),
    Column("arrived_at", UTCDateTime, nullable=False),
    Column("probability_malignant", Double, nullable=False),
    Column("predicted_label", Integer, nullable=False),
    *lineage_columns(),
)

monitoring = Table(
    f"{PROJECT}_monitoring",
    metadata,
    Column("window_end", UTCDateTime, primary_key=True),
    Column("window_start", UTCDateTime, nullable=False),
    *monitoring_columns(),
)
