"""One retrain in flight at most, and none held back forever: a training counts as in flight from its prepare step
to its register step, stops counting when its run fails (the DAG's failure callback) or stops reporting, and the
cooldown is kept per registered model."""

from datetime import datetime, timedelta

from compose.config import MonitoringConfig
from db_handler import ensure_schema
from db_handler.runs import training_started, trainings_failed
from lifecycle import stages
from lifecycle.records import utc
from lifecycle.stages.train import plan
from projects.tumor_classifier.run import PROJECT as TUMOR
from service.monitoring.verdict import retrain_verdict

from .conftest import DRIFTING, SMOKE, TRAIN_END

DRIFT_AT = utc(DRIFTING)
ALIVE_FOR = timedelta(hours=6)  # train.in_flight_timeout_hours


def asks(engine, model: str, end: datetime, run_id: str, cooldown_hours: int = 0) -> bool:
    """Whether a monitoring run of `model` that saw drift in the window ending at `end` would trigger a retrain."""
    config = MonitoringConfig(retrain_cooldown_hours=cooldown_hours)
    with engine.begin() as conn:
        verdict = retrain_verdict(conn, TUMOR.name, model, end, "drift", None, ["drift"], run_id, config, ALIVE_FOR)
    return verdict.retrain


def test_a_training_is_in_flight_from_prepare_to_register(database, mlflow_store):
    """Without a cooldown only "in flight" can hold a retrain back; the training's window ended days before."""
    model = TUMOR.model_name("all")
    stages.data(TUMOR, "2024-01-01", TRAIN_END, config=SMOKE)
    prepared = stages.prepare(TUMOR, "all", TRAIN_END, "drift", SMOKE, run_id="retrain__1", quiet=True)
    assert not asks(database, model, DRIFT_AT, "monitor__after_prepare")
    results = [stages.trial(TUMOR, prepared, c, n, SMOKE, quiet=True) for c, n in plan(prepared)]
    gated = stages.gate(TUMOR, prepared, results, SMOKE, quiet=True)
    assert not asks(database, model, DRIFT_AT, "monitor__after_gate")
    stages.register(TUMOR, gated, SMOKE)
    assert asks(database, model, DRIFT_AT, "monitor__after_register")


def test_a_failed_training_stops_holding_back_and_the_cooldown_is_per_model(database):
    ensure_schema(database)
    training_started(database, TUMOR.name, "model-a", "scheduled__died", DRIFT_AT - timedelta(days=7))
    assert not asks(database, "model-a", DRIFT_AT, "monitor__a1")
    assert asks(database, "model-b", DRIFT_AT, "monitor__b1", cooldown_hours=72)  # another model: not held back

    trainings_failed(database, TUMOR.name, "scheduled__died")  # the train DAG run failed for good

    assert asks(database, "model-a", DRIFT_AT, "monitor__a2")
    assert not asks(database, "model-b", DRIFT_AT + timedelta(hours=1), "monitor__b2", cooldown_hours=72)
