"""Exactly-once under retries: a retried task, with the run id of its first try, returns what the first try
decided and changes no row, alias or event, even when the world moved on between the two tries."""

from devkit.models import log_constant
from lifecycle import stages
from lifecycle.stages.train import plan
from projects.tumor_classifier.core.candidates import FEATURES
from projects.tumor_classifier.run import PROJECT as TUMOR
from service.models import registry, roles

from .conftest import DRIFTING, SMOKE, TRAIN_END, snapshot

MODEL = TUMOR.model_name("all")


def test_a_retried_gate_and_register_after_the_alias_moved_changes_nothing(database, mlflow_store):
    stages.data(TUMOR, "2024-01-01", TRAIN_END, config=SMOKE)
    prepared = stages.prepare(TUMOR, "all", TRAIN_END, "test", SMOKE, run_id="scheduled__weekly", quiet=True)
    results = [stages.trial(TUMOR, prepared, c, n, SMOKE, quiet=True) for c, n in plan(prepared)]
    gated = stages.gate(TUMOR, prepared, results, SMOKE, quiet=True)
    first = stages.register(TUMOR, gated, SMOKE)
    assert first["decision"] == "promoted" and first["version"] == "1"
    # meanwhile someone serves another version by hand: the alias moved after the training decided
    constant = log_constant(TUMOR, FEATURES, 0.5)
    other = registry.register_version(MODEL, constant["model_uri"], constant["run_id"], {"candidate": "constant"})
    roles.assign_by_hand(database, TUMOR.name, MODEL, other, "champion", "test: moved after the training")
    before = snapshot(database)

    regated = stages.gate(TUMOR, prepared, results, SMOKE, quiet=True)
    again = stages.register(TUMOR, regated, SMOKE)

    # the recorded decision (now with its version), not a new one against the new champion
    assert regated["decision"] == {**gated["decision"], "version": first["version"]}
    assert {key: again[key] for key in ("version", "decision", "winner", "reason", "champion_before")} == {
        key: first[key] for key in ("version", "decision", "winner", "reason", "champion_before")
    }
    assert registry.aliases(MODEL) == {"champion": other}  # the retry did not take the alias back
    assert len(registry.all_versions(MODEL)) == 2
    assert snapshot(database) == before


def test_a_retried_monitor_returns_the_same_verdict_and_still_triggers(served, database):
    first = stages.monitor(TUMOR, DRIFTING, config=SMOKE, run_id="asset_triggered__monitor")
    assert "drift" in first["decision"] and first["retrain"] is True
    before = snapshot(database)

    again = stages.monitor(TUMOR, DRIFTING, config=SMOKE, run_id="asset_triggered__monitor")

    assert again["retrain"] is True  # the retry triggers again; Airflow keeps one run per trigger run id
    assert {key: again[key] for key in ("decision", "reasons", "live", "drift")} == {
        key: first[key] for key in ("decision", "reasons", "live", "drift")
    }
    assert snapshot(database) == before
    assert len(before["retrain_requests"]) == len(before["alerts"]) == 1
