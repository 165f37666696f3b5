"""tumor_classifier: the batch replay, its documented drift, validation, and monitoring that notices."""

import dataclasses
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lifecycle import stages
from lifecycle.contract import DataError
from lifecycle.metrics import expected_calibration_error
from projects.tumor_classifier.configs import DataConfig, Default
from projects.tumor_classifier.core.load import load
from projects.tumor_classifier.core.load import validate as validate_samples
from projects.tumor_classifier.run import PROJECT

START, END = pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2024-02-01", tz="UTC")


def load_batches(config: DataConfig, start, end) -> pd.DataFrame:
    """The load hook, as the data stage calls it, for the batches arriving in [start, end)."""
    from lifecycle.contract import Batch

    return load(Batch("all", start, end, Default(data=config)))


NO_DRIFT = Default(data=DataConfig(drift_from_batch=None))  # the replay without the recalibrated device


def test_batches_arrive_daily_and_cover_the_dataset_once():
    config = DataConfig()
    samples = load_batches(config, START, END)
    assert len(samples) == 569 and samples["sample_id"].is_unique and samples["batch"].nunique() == 19
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
        ("mean_radius", float("nan"), "column 'mean_radius': missing or not a finite number"),
        ("mean_radius", float("inf"), "column 'mean_radius': missing or not a finite number"),
        ("worst_area", -1.0, "column 'worst_area': negative measurement"),
        ("label", 2, "column 'label': not 0 or 1"),
    ],
)
def test_validation_names_batch_sample_and_column(column, value, message):
    samples = load_batches(DataConfig(), START, START + pd.Timedelta(days=1))
    samples.loc[3, column] = value
    with pytest.raises(DataError, match=re.escape(f"batch 0 sample {samples.loc[3, 'sample_id']} {message}")):
        validate_samples(samples)


def test_conflicting_duplicates_are_refused_and_identical_ones_dropped():
    samples = load_batches(DataConfig(), START, START + pd.Timedelta(days=1))
    assert len(validate_samples(pd.concat([samples, samples.iloc[:2]]))) == len(samples)
    changed = samples.iloc[:1].assign(mean_radius=99.0)
    with pytest.raises(DataError, match="twice, different values"):
        validate_samples(pd.concat([samples, changed]))


def test_expected_calibration_error():
    assert expected_calibration_error(np.array([1, 0, 1, 0]), np.array([1.0, 0.0, 1.0, 0.0])) == 0.0
    assert expected_calibration_error(np.array([0, 0]), np.array([0.9, 0.9])) == pytest.approx(0.9)


def test_monitoring_sees_the_drift_and_stays_quiet_without_it(database, mlflow_store):
    stages.data(PROJECT, "2024-01-01", "2024-01-17")
    assert stages.train(PROJECT, end="2024-01-12")["decision"] == "promoted"
    stages.inference(PROJECT, "2024-01-12", "2024-01-17")
    drifted = [stages.monitor(PROJECT, f"2024-01-{day}") for day in (13, 14, 15, 16)]
    assert drifted[0]["decision"] in ("ok", "warn", "insufficient_data")
    assert "drift" in drifted[-1]["decision"]
    assert drifted[-1]["drift"]["mean_radius"] > drifted[0]["drift"]["mean_radius"]  # a drifted column moved
    assert any("mean_radius" in reason for reason in drifted[-1]["reasons"])

    # the same days replayed without the recalibrated device: other values for stored samples, a correction
    stages.data(PROJECT, "2024-01-12", "2024-01-17", config=NO_DRIFT, allow_corrections=True)
    stages.inference(PROJECT, "2024-01-12", "2024-01-17", config=NO_DRIFT)
    quiet = [stages.monitor(PROJECT, f"2024-01-{day}", config=NO_DRIFT)["decision"] for day in (13, 14, 15, 16)]
    assert not any(decision in ("drift", "decay", "drift+decay") for decision in quiet)


def test_an_all_benign_classifier_cannot_become_champion(database, mlflow_store):
    """The prevalence baseline gives calibrated probabilities; a classifier that says benign with confidence
    loses to it on log loss, so the gate can reject (F1 against an all-benign baseline never could)."""
    from lifecycle.contract import Candidate, Fitted
    from lifecycle.models import ConstantModel
    from projects.tumor_classifier.core.candidates import FEATURES

    benign = Candidate(
        "all_benign", PROJECT.hooks.baseline.params, lambda f, p, s, r: Fitted(ConstantModel(FEATURES, 0.01))
    )
    hooks = SimpleNamespace(**{name: getattr(PROJECT.hooks, name) for name in PROJECT.hooks.__all__})
    project = dataclasses.replace(
        PROJECT, hooks=SimpleNamespace(**{**vars(hooks), "candidates": {"all_benign": benign}})
    )
    spec = PROJECT.spec("smoke")
    spec = spec.model_copy(update={"train": spec.train.model_copy(update={"candidates": ("all_benign",)})})
    stages.data(project, "2024-01-01", "2024-01-12")
    summary = stages.train(project, end="2024-01-12", config=spec)
    assert summary["winner"] == "baseline" and summary["candidate"] == "prevalence"
    assert summary["metrics"]["challenger"]["log_loss"] > summary["metrics"]["baseline"]["log_loss"]
