"""Training on a slice of the shipped candles with a real MLflow store and real PostgreSQL."""

import json

import mlflow
import numpy as np
from sqlalchemy import select

from db_handler.tables import model_events
from devkit.models import log_constant
from lifecycle import stages
from lifecycle.records import utc
from lifecycle.stages.train import load_dataset
from projects.crypto_forecast.configs import GRUModel, RidgeModel
from projects.crypto_forecast.core.candidates import FEATURES, fit_gru, fit_ridge
from projects.crypto_forecast.run import PROJECT
from service.models import registry, roles
from service.models.mlflow_client import configure_mlflow

from .conftest import FAST, MODEL, TRAIN_END

END = TRAIN_END


def events(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(model_events).order_by(model_events.c.id))]


def constant_model(prepared: dict, log_return: float) -> dict:
    """A trial result for a real logged model that forecasts `log_return` every hour, as a trial logs it."""
    logged = log_constant(PROJECT, FEATURES, log_return, prepared["parent_run_id"])
    return {
        "partition": "KRW-BTC",
        "candidate": f"constant_{log_return}",
        "trial": 0,
        "status": "done",
        "params": {},
        "settings": {},
        "validation": {"mae": 0.0},
        "test": {"mae": 0.0},
        **logged,
    }


def gate_and_register(prepared: dict, challenger: dict) -> dict:
    baseline = stages.trial(PROJECT, prepared, "naive", 0, FAST)
    return stages.register(PROJECT, stages.gate(PROJECT, prepared, [challenger, baseline], FAST), FAST)


def test_first_training_promotes_through_the_gate_and_logs_everything(candles, mlflow_store):
    summary = stages.train(PROJECT, end=END, config=FAST, reason="test")

    assert summary["decision"] == "promoted" and summary["champion_after"] == summary["version"] == "1"
    assert set(summary["metrics"]) == {"challenger", "baseline"}
    for name in ("mae", "rmse", "mape", "directional_accuracy", "skill"):
        assert np.isfinite(summary["metrics"]["challenger"][name])
    assert summary["metrics"]["baseline"]["skill"] == 0.0
    assert summary["metrics"][summary["winner"]]["skill"] >= 0  # never worse than the baseline on its window
    assert registry.version_by_alias(MODEL, "champion").version == 1

    client = configure_mlflow()
    parent = client.get_run(summary["parent_run_id"])
    assert parent.data.tags["trigger_reason"] == "test" and parent.data.tags["feature_set_version"] == "v1"
    assert parent.data.tags["end"] == END and int(parent.data.tags["rows_train"]) > 600
    assert "git_commit" in parent.data.tags and parent.info.status == "FINISHED"
    assert any(a.path == "code" for a in client.list_artifacts(parent.info.run_id))  # the project's code
    children = client.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    trials = {child.data.tags["candidate"]: child for child in children if "trial" in child.data.tags}
    assert sorted(trials) == ["gru", "naive", "ridge"]
    plots = {item.path for item in client.list_artifacts(trials["gru"].info.run_id, "plots")}
    assert plots == {"plots/forecast_vs_actual.png", "plots/residuals.png", "plots/learning_curve.png"}
    assert "validation_loss" in trials["gru"].data.metrics  # the learning curve, one value per epoch
    model = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion")
    assert model.metadata.get_input_schema().input_names() == FEATURES

    [event] = events(candles)
    assert (event["action"], event["from_version"], event["to_version"]) == ("promote", None, "1")
    assert "no champion yet" in event["reason"] and event["metrics"]["challenger"]["mae"] > 0


def test_a_worse_model_is_never_promoted_and_the_event_says_why(candles, mlflow_store):
    champion = stages.train(PROJECT, end=END, config=FAST)
    prepared = stages.prepare(PROJECT, "KRW-BTC", END, "test", FAST, run_id="manual__wild")
    wild = constant_model(prepared, 0.05)  # +5% every hour: far worse than the champion and than the baseline

    summary = gate_and_register(prepared, wild)

    assert summary["metrics"]["challenger"]["mae"] > summary["metrics"]["baseline"]["mae"]
    assert "does not beat the baseline" in summary["reason"]
    served = registry.version_by_alias(MODEL, "champion")
    assert served.tags["candidate"] != wild["candidate"]
    last = events(candles)[-1]
    if summary["decision"] == "refitted":  # the champion stays as its recipe refitted up to the end, and serves
        assert (str(served.version), served.tags["candidate"]) == (summary["version"], champion["candidate"])
        assert served.tags["fit_end"] == prepared["end"] and summary["version"] != champion["version"]
        assert served.tags["params"] == registry.get_version(MODEL, champion["version"]).tags["params"]
        assert (last["action"], last["from_version"], last["to_version"]) == (
            "promote",
            champion["version"],
            summary["version"],
        )
    elif summary["winner"] == "champion":  # the baseline has nothing to refit: kept, the wild one recorded
        assert str(served.version) == champion["version"]
        assert served.tags["validated_end"] == prepared["end"]  # kept on this window: drift is judged up to it
        assert registry.version_by_alias(MODEL, "challenger").version == int(summary["version"])
        assert last["action"] == "reject" and last["to_version"] == summary["version"]


def test_a_champion_that_stays_is_refitted_from_its_recipe_up_to_the_end_and_serves(candles, mlflow_store):
    prepared = stages.prepare(PROJECT, "KRW-BTC", END, "test", FAST, run_id="manual__steady")
    steady = constant_model(prepared, 0.0)  # forecasts "no change": ties the baseline, so no entrant beats it
    recipe = {"candidate": "ridge", "params": json.dumps({"alpha": 10.0})}  # what a refit fits in its place
    version = registry.register_version(MODEL, steady["model_uri"], steady["run_id"], recipe)
    roles.assign_by_hand(candles, "crypto_forecast", MODEL, version, "champion", reason="test: a ridge recipe")

    summary = gate_and_register(prepared, constant_model(prepared, 0.05))

    assert (summary["winner"], summary["decision"], summary["champion_before"]) == ("champion", "refitted", version)
    assert summary["reason"].endswith("so the champion stays, refitted on the window up to the end")
    served = registry.version_by_alias(MODEL, "champion")
    assert str(served.version) == summary["version"] != version
    assert (served.tags["candidate"], json.loads(served.tags["params"])) == ("ridge", {"alpha": 10.0})
    assert (served.tags["fit_start"], served.tags["fit_end"]) == (prepared["bounds"]["train_start"], prepared["end"])
    frame, _ = load_dataset(candles, PROJECT, "KRW-BTC", utc(END), FAST)
    forecasts = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion").predict(frame[FEATURES])
    assert np.nanstd(np.asarray(forecasts, dtype=float)) > 0  # a fitted ridge now, not the constant it replaced
    last = events(candles)[-1]
    assert (last["action"], last["from_version"], last["to_version"]) == ("promote", version, summary["version"])


def test_a_better_model_replaces_a_weak_champion_then_rollback_and_retention(candles, mlflow_store):
    prepared = stages.prepare(PROJECT, "KRW-BTC", END, "test", FAST, run_id="manual__weak")
    weak_model = constant_model(prepared, 0.01)
    weak = registry.register_version(MODEL, weak_model["model_uri"], weak_model["run_id"], {"candidate": "constant"})
    roles.assign_by_hand(candles, "crypto_forecast", MODEL, weak, "champion", reason="test: weak champion on purpose")

    better = stages.train(PROJECT, end=END, config=FAST)

    assert better["decision"] == "promoted" and better["champion_before"] == weak
    assert "worse than the baseline" in better["reason"]  # 1% an hour is far worse than "no change"
    assert registry.version_by_alias(MODEL, "champion").version == int(better["version"])

    rolled = roles.rollback(candles, "crypto_forecast", MODEL, reason="test rollback")
    assert (rolled.from_version, rolled.to_version) == (better["version"], weak)
    assert registry.version_by_alias(MODEL, "champion").version == int(weak)

    deleted = roles.apply_retention(candles, "crypto_forecast", MODEL, max_age_days=0)
    assert deleted == [better["version"]]  # the champion (weak) keeps its role, so it stays
    assert [v.version for v in registry.all_versions(MODEL)] == [int(weak)]
    actions = [(e["action"], e["to_version"]) for e in events(candles)]
    assert actions[-2:] == [("rollback", weak), ("delete", better["version"])]


def test_training_window_moves_with_the_data_and_splits_are_time_ordered(candles):
    early, early_bounds = load_dataset(candles, PROJECT, "KRW-BTC", utc("2024-02-25T00:00:00+00:00"), FAST)
    late, late_bounds = load_dataset(candles, PROJECT, "KRW-BTC", utc(END), FAST)
    assert (late_bounds.train_start - early_bounds.train_start).days == 5
    for frame, bounds in ((early, early_bounds), (late, late_bounds)):
        times = {s: frame.loc[frame["split"] == s, "target_time"] for s in ("train", "validation", "test")}
        assert times["train"].max() < times["validation"].min() <= times["validation"].max() < times["test"].min()
        assert times["test"].max() < bounds.end
        labelled = frame[frame["split"].notna()]
        assert np.allclose(labelled["target"], np.log(labelled["target_close"] / labelled["close"]))


def test_no_leakage_scalers_only_see_training_rows(candles):
    """Changing validation and test rows changes nothing the model learned from the training part."""
    frame, _ = load_dataset(candles, PROJECT, "KRW-BTC", utc(END), FAST)
    later = frame["split"].isin(["validation", "test"])
    shifted = frame.copy()
    shifted.loc[later, FEATURES] = shifted.loc[later, FEATURES] * 7 + 3

    def report(epoch, value):
        pass

    ridge, ridge_shifted = (fit_ridge(f, RidgeModel(), 0, report).model for f in (frame, shifted))
    scaler, scaler_shifted = ridge.estimator[0], ridge_shifted.estimator[0]
    assert np.array_equal(scaler.mean_, scaler_shifted.mean_) and np.array_equal(scaler.scale_, scaler_shifted.scale_)
    assert np.array_equal(ridge.estimator[-1].coef_, ridge_shifted.estimator[-1].coef_)

    quick = GRUModel(epochs=1)
    gru, gru_shifted = fit_gru(frame, quick, 0, report).model, fit_gru(shifted, quick, 0, report).model
    assert np.array_equal(gru.scaler.mean_, gru_shifted.scaler.mean_)
