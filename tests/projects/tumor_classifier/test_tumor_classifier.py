"""tumor_classifier: the batch replay, its documented drift, validation, and monitoring that notices."""

import re

import numpy as np
import pandas as pd
import pytest

from projects.tumor_classifier import run
from projects.tumor_classifier.configs import DataConfig
from projects.tumor_classifier.evaluator.metrics import expected_calibration_error
from projects.tumor_classifier.loader.batches import batch_count, load_batches
from projects.tumor_classifier.preprocessor.validate import SampleValidationError, validate_samples

START, END = pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-02-01", tz="UTC")


def test_batches_arrive_daily_and_cover_the_dataset_once():
    config = DataConfig()
    samples = load_batches(config, START, END)
    assert len(samples) == 569 and samples["sample_id"].is_unique and batch_count(config) == 19
    per_batch = samples.groupby("batch")["arrived_at"].agg(["count", "nunique", "first"])
    assert (per_batch["nunique"] == 1).all() and per_batch["count"].iloc[:-1].eq(30).all()
    assert per_batch["first"].iloc[12] == pd.Timestamp("2024-01-13", tz="UTC")
    assert samples["label"].sum() == 212  # malignant cases of the Wisconsin data


def test_drift_scales_only_the_documented_columns_from_the_documented_batch():
    drifting, clean = (
        load_batches(DataConfig(drift_from_batch=b), START, END).set_index("sample_id").sort_index() for b in (12, None)
    )
    late = drifting["batch"] >= 12
    for column in DataConfig().drifted_columns:
        assert np.allclose(drifting.loc[late, column], clean.loc[late, column] * 1.3)
        assert drifting.loc[~late, column].equals(clean.loc[~late, column])
    assert drifting["mean_texture"].equals(clean["mean_texture"]) and drifting["label"].equals(clean["label"])


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("mean_radius", float("nan"), "column 'mean_radius': missing"),
        ("worst_area", -1.0, "column 'worst_area': negative measurement"),
        ("label", 2, "column 'label': not 0 (benign) or 1 (malignant)"),
    ],
)
def test_validation_names_batch_sample_and_column(column, value, message):
    samples = load_batches(DataConfig(), START, START + pd.Timedelta(days=1))
    samples.loc[3, column] = value
    with pytest.raises(
        SampleValidationError, match=re.escape(f"batch 0 sample {samples.loc[3, 'sample_id']} {message}")
    ):
        validate_samples(samples)


def test_conflicting_duplicates_are_refused_and_identical_ones_dropped():
    samples = load_batches(DataConfig(), START, START + pd.Timedelta(days=1))
    assert len(validate_samples(pd.concat([samples, samples.iloc[:2]]))) == len(samples)
    changed = samples.iloc[:1].assign(mean_radius=99.0)
    with pytest.raises(SampleValidationError, match="appears twice with different values"):
        validate_samples(pd.concat([samples, changed]))


def test_expected_calibration_error():
    assert expected_calibration_error(np.array([1, 0, 1, 0]), np.array([1.0, 0.0, 1.0, 0.0])) == 0.0
    assert expected_calibration_error(np.array([0, 0]), np.array([0.9, 0.9])) == pytest.approx(0.9)


def test_monitoring_sees_the_drift_and_stays_quiet_without_it(database, mlflow_store):
    run.data("2024-01-01", "2024-01-17")
    assert run.train(end="2024-01-12")["decision"] == "promoted"
    run.inference("2024-01-12", "2024-01-17")
    drifted = [run.monitor(f"2024-01-{day}")["decision"] for day in (13, 14, 15, 16)]
    assert drifted[0] in ("ok", "warn") and "decay" in drifted[-1]

    # the same days replayed without the recalibrated device
    run.data("2024-01-12", "2024-01-17", config="no_drift")
    run.inference("2024-01-12", "2024-01-17", config="no_drift")
    quiet = [run.monitor(f"2024-01-{day}", config="no_drift")["decision"] for day in (13, 14, 15, 16)]
    assert not any(decision in ("drift", "decay", "drift+decay") for decision in quiet)
