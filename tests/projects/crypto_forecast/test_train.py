"""Training on a slice of the shipped candles with a real MLflow store and real PostgreSQL."""

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.dummy import DummyRegressor
from sqlalchemy import select

from db_handler.tables import model_events
from projects.crypto_forecast import run
from projects.crypto_forecast.configs import GRUModel, RidgeModel
from projects.crypto_forecast.models.forecaster import Forecaster
from projects.crypto_forecast.trainer.dataset import load_dataset
from projects.crypto_forecast.trainer.fit import fit_candidate
from projects.crypto_forecast.utils import load_spec_from_config
from service import registry
from service.mlflow_setup import configure_mlflow, project_experiment_id
from service.stages import utc
from service.tracking import pip_requirements

END = "2024-03-01T00:00:00+00:00"  # TRAIN_END of conftest.py
MODEL = "crypto_forecast-KRW-BTC"


def events(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(model_events).order_by(model_events.c.id))]


def log_constant_model(log_return: float) -> dict:
    """A real pyfunc model that always forecasts `log_return` per hour, logged like a candidate."""
    columns = load_spec_from_config("test_fast").features.columns
    constant = Forecaster(
        columns, DummyRegressor(strategy="constant", constant=log_return).fit([[0] * len(columns)], [0])
    )
    configure_mlflow()
    with mlflow.start_run(
        experiment_id=project_experiment_id("crypto_forecast"), run_name=f"constant {log_return}"
    ) as r:
        example = pd.DataFrame([[0.0] * len(columns)], columns=columns)
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=constant,
            pip_requirements=pip_requirements(),
            signature=infer_signature(example, constant.predict(None, example)),
        )
    return {
        "candidate": "constant",
        "run_id": r.info.run_id,
        "model_uri": info.model_uri,
        "validation": {"mae": 0.0},
        "test": {"mae": 0.0},
    }


def test_first_training_promotes_through_the_naive_gate_and_logs_everything(candles, mlflow_store, capsys):
    summary = run.train(end=END, config="test_fast", reason="test")

    assert summary["decision"] == "promoted" and summary["champion_after"] == summary["version"] == "1"
    assert set(summary["metrics"]) == {"challenger", "naive"}
    for name in ("mae", "rmse", "mape", "directional_accuracy", "skill"):
        assert np.isfinite(summary["metrics"]["challenger"][name])
    assert summary["metrics"]["naive"]["skill"] == 0.0
    assert registry.version_by_alias(MODEL, "champion").version == 1

    client = configure_mlflow()
    parent = client.get_run(summary["parent_run_id"])
    assert parent.data.tags["trigger_reason"] == "test" and parent.data.tags["feature_set_version"] == "v1"
    assert parent.data.tags["data_range"].endswith(END) and int(parent.data.tags["rows_train"]) > 600
    assert "git_commit" in parent.data.tags and parent.info.status == "FINISHED"
    children = client.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted(child.data.tags["candidate"] for child in children) == ["gru", "ridge"]
    artifacts = {item.path for item in client.list_artifacts(children[0].info.run_id, "plots")}
    assert artifacts == {"plots/forecast_vs_actual.png", "plots/residuals.png"}
    model = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion")
    assert model.metadata.get_input_schema().input_names() == load_spec_from_config("test_fast").features.columns

    [event] = events(candles)
    assert (event["action"], event["from_version"], event["to_version"]) == ("promote", None, "1")
    assert "no champion yet" in event["reason"] and event["metrics"]["challenger"]["mae"] > 0


def test_a_worse_model_is_never_promoted_and_the_event_says_why(candles, mlflow_store):
    champion = run.train(end=END, config="test_fast")
    prepared = run.train_prepare(end=END, config="test_fast", reason="test")
    wild = log_constant_model(0.05)  # +5% every hour: far worse than the champion and than naive

    summary = run.train_select(prepared, [wild], config="test_fast")

    assert summary["decision"] == "rejected" and summary["alias"] == "challenger"
    assert summary["metrics"]["challenger"]["mae"] > summary["metrics"]["champion"]["mae"]
    assert registry.version_by_alias(MODEL, "champion").version == int(champion["version"])
    assert registry.version_by_alias(MODEL, "challenger").version == int(summary["version"])
    rejection = events(candles)[-1]
    assert rejection["action"] == "reject" and rejection["to_version"] == summary["version"]
    assert "worse than naive" in rejection["reason"]


def test_a_better_model_replaces_a_weak_champion_then_rollback_and_retention(candles, mlflow_store):
    prepared = run.train_prepare(end=END, config="test_fast", reason="test")
    weak = run.train_select(prepared, [log_constant_model(0.01)], config="test_fast")
    assert weak["decision"] == "rejected"
    registry.promote(candles, "crypto_forecast", MODEL, weak["version"], reason="test: weak champion on purpose")

    better = run.train(end=END, config="test_fast")

    assert better["decision"] == "promoted" and better["champion_before"] == weak["version"]
    assert "beats champion" in better["reason"]
    assert registry.version_by_alias(MODEL, "champion").version == int(better["version"])

    rolled = registry.rollback(candles, "crypto_forecast", MODEL, reason="test rollback")
    assert (rolled.from_version, rolled.to_version) == (better["version"], weak["version"])
    assert registry.version_by_alias(MODEL, "champion").version == int(weak["version"])

    deleted = registry.apply_retention(candles, "crypto_forecast", MODEL, max_age_days=0)
    assert deleted == [better["version"]]  # the champion (weak) keeps its alias, so it stays
    assert [v.version for v in registry.all_versions(MODEL)] == [int(weak["version"])]
    actions = [(e["action"], e["to_version"]) for e in events(candles)]
    assert actions[-2:] == [("rollback", weak["version"]), ("delete", better["version"])]


def test_training_window_moves_with_the_data_and_splits_are_time_ordered(candles):
    spec = load_spec_from_config("test_fast")
    with candles.connect() as conn:
        early, early_bounds = load_dataset(conn, "KRW-BTC", utc("2024-02-25T00:00:00+00:00"), spec)
        late, late_bounds = load_dataset(conn, "KRW-BTC", utc(END), spec)
    assert (late_bounds.train_start - early_bounds.train_start).days == 5
    for frame, bounds in ((early, early_bounds), (late, late_bounds)):
        times = {s: frame.loc[frame["split"] == s, "target_time"] for s in ("train", "validation", "test")}
        assert times["train"].max() < times["validation"].min() <= times["validation"].max() < times["test"].min()
        assert times["test"].max() < bounds.end
        labelled = frame[frame["split"].notna()]
        assert np.allclose(labelled["target"], np.log(labelled["target_close"] / labelled["close"]))


def test_no_leakage_scalers_only_see_training_rows(candles):
    """Changing validation and test rows changes nothing the model learned from the training part."""
    spec = load_spec_from_config("test_fast")
    with candles.connect() as conn:
        frame, _ = load_dataset(conn, "KRW-BTC", utc(END), spec)
    columns = spec.features.columns
    later = frame["split"].isin(["validation", "test"])
    shifted = frame.copy()
    shifted.loc[later, columns] = shifted.loc[later, columns] * 7 + 3

    ridge, ridge_shifted = (fit_candidate(f, columns, RidgeModel(), 0) for f in (frame, shifted))
    scaler, scaler_shifted = ridge.estimator[0], ridge_shifted.estimator[0]
    assert np.array_equal(scaler.mean_, scaler_shifted.mean_) and np.array_equal(scaler.scale_, scaler_shifted.scale_)
    assert np.array_equal(ridge.estimator[-1].coef_, ridge_shifted.estimator[-1].coef_)

    quick_gru = GRUModel(epochs=1)
    gru, gru_shifted = fit_candidate(frame, columns, quick_gru, 0), fit_candidate(shifted, columns, quick_gru, 0)
    assert np.array_equal(gru.scaler.mean_, gru_shifted.scaler.mean_)
