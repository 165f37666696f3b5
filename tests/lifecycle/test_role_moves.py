"""Role moves are compare-and-set, and time-ordered: a training never moves `champion` away from a version it did
not judge against (a promotion by hand, a concurrent training), and an older training never demotes a newer
champion. tumor_classifier smoke trainings on real PostgreSQL and a real MLflow store."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from db_handler.tables import alerts
from devkit.models import log_constant
from lifecycle import stages
from lifecycle.stages.train import plan
from projects.tumor_classifier.core.candidates import FEATURES
from projects.tumor_classifier.run import PROJECT as TUMOR
from service.models import registry, roles
from service.models.events import chain_breaks, list_events
from tests.faults.conftest import SMOKE, TRAIN_END, snapshot

MODEL = TUMOR.model_name("all")


@pytest.fixture
def trained(database, mlflow_store) -> dict:
    """Batches from 01-01 to TRAIN_END, and v1 the champion of a training up to TRAIN_END."""
    stages.data(TUMOR, "2024-01-01", TRAIN_END, config=SMOKE)
    first = stages.train(TUMOR, end=TRAIN_END, config=SMOKE, run_id="manual__first")
    assert (first["decision"], first["version"]) == ("promoted", "1")
    return first


def gated(run_id: str, end: str = TRAIN_END) -> dict:
    """A training of `end` up to its gate: its decision is recorded, nothing moved yet."""
    prepared = stages.prepare(TUMOR, "all", end, "test", SMOKE, run_id=run_id, quiet=True)
    results = [stages.trial(TUMOR, prepared, candidate, n, SMOKE, quiet=True) for candidate, n in plan(prepared)]
    return stages.gate(TUMOR, prepared, results, SMOKE, quiet=True)


def register_elsewhere(training: dict) -> subprocess.Popen:
    """The register step started in a process of its own, handed `training` as XCom hands it (JSON); its summary
    is the last line it prints. The environment names the same database and MLflow store."""
    code = (
        "import json, sys; from lifecycle import stages; from projects.tumor_classifier.run import PROJECT; "
        f"print(json.dumps(stages.register(PROJECT, json.load(sys.stdin), {SMOKE!r}), default=str))"
    )
    worker = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    worker.stdin.write(json.dumps(training, default=str))
    worker.stdin.close()
    return worker


def history(engine) -> list[dict]:
    return list(reversed(list_events(engine, TUMOR.name, MODEL, limit=10_000)))


def alert_kinds(engine) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(select(alerts.c.kind).order_by(alerts.c.id)).scalars().all()


def test_a_promotion_by_hand_between_gate_and_register_supersedes_the_training(trained, database):
    training = gated("manual__second")
    assert training["decision"]["champion_before"] == "1"
    constant = log_constant(TUMOR, FEATURES, 0.5)
    by_hand = registry.register_version(MODEL, constant["model_uri"], constant["run_id"], {"candidate": "constant"})
    roles.assign_by_hand(database, TUMOR.name, MODEL, by_hand, "champion", "test: the operator's choice")

    summary = stages.register(TUMOR, training, SMOKE)

    assert (summary["decision"], summary["alias"], summary["champion_after"]) == ("superseded", "challenger", by_hand)
    assert registry.aliases(MODEL) == {"champion": by_hand, "challenger": summary["version"]}
    superseded, as_challenger = history(database)[-2:]
    assert (superseded["action"], superseded["alias"]) == ("superseded", "champion")
    assert (superseded["from_version"], superseded["to_version"]) == (by_hand, summary["version"])
    assert "expected champion v1" in superseded["reason"] and f"v{by_hand} holds it" in superseded["reason"]
    assert (as_challenger["action"], as_challenger["alias"], as_challenger["to_version"]) == (
        "reject",
        "challenger",
        summary["version"],
    )
    assert chain_breaks(history(database)) == []
    assert alert_kinds(database) == ["superseded"]

    before = snapshot(database)
    assert stages.register(TUMOR, training, SMOKE)["decision"] == "superseded"  # a retry of the register step
    assert snapshot(database) == before and registry.aliases(MODEL)["champion"] == by_hand

    rolled = roles.rollback(database, TUMOR.name, MODEL)  # to what the hand promotion replaced, not the training's
    assert (rolled.from_version, rolled.to_version) == (by_hand, "1")
    assert chain_breaks(history(database)) == []


def test_two_register_steps_at_once_one_moves_the_champion_the_other_is_superseded(trained, database):
    first, second = gated("manual__a"), gated("manual__b")
    assert first["decision"]["champion_before"] == second["decision"]["champion_before"] == "1"

    workers = [register_elsewhere(training) for training in (first, second)]  # as two Airflow workers would
    summaries = [json.loads(worker.stdout.read().splitlines()[-1]) for worker in workers]
    assert [worker.wait() for worker in workers] == [0, 0]

    outcomes = sorted(summary["decision"] for summary in summaries)
    assert outcomes[1] == "superseded" and outcomes[0] in ("promoted", "refitted")
    winner = next(summary for summary in summaries if summary["decision"] != "superseded")
    loser = next(summary for summary in summaries if summary["decision"] == "superseded")
    assert registry.aliases(MODEL) == {"champion": winner["version"], "challenger": loser["version"]}
    assert loser["champion_after"] == winner["version"]
    promotions = [event for event in history(database) if event["action"] == "promote"]
    assert [(event["from_version"], event["to_version"]) for event in promotions] == [
        (None, "1"),
        ("1", winner["version"]),
    ]
    assert chain_breaks(history(database)) == []


def test_an_older_training_never_demotes_a_newer_champion(trained, database):
    stale = stages.train(TUMOR, end="2024-01-09", config=SMOKE, run_id="manual__backfill")

    assert (stale["decision"], stale["alias"], stale["champion_after"]) == ("stale", "challenger", "1")
    assert "2024-01-09 00:00" in stale["reason"] and "2024-01-12 00:00" in stale["reason"]
    assert registry.aliases(MODEL) == {"champion": "1", "challenger": stale["version"]}
    assert registry.get_version(MODEL, stale["version"]).tags["fit_end"] <= "2024-01-09"
    assert "validated_end" not in registry.get_version(MODEL, "1").tags  # the old window confirmed nothing
    assert [event["action"] for event in history(database)] == ["promote", "reject"]
    assert alert_kinds(database) == ["stale"]
    assert chain_breaks(history(database)) == []


def test_a_champion_kept_on_later_data_after_the_gate_is_not_demoted_by_the_register_step(trained, database):
    training = gated("manual__second")  # judged against v1, fitted up to TRAIN_END
    registry.tag_version(MODEL, "1", {"validated_end": "2024-01-14T00:00:00+00:00"})  # a later gate kept v1 since

    summary = stages.register(TUMOR, training, SMOKE)

    assert (summary["decision"], summary["champion_after"]) == ("superseded", "1")
    assert "has seen data up to 2024-01-14 00:00, after this run's end 2024-01-12 00:00" in summary["reason"]
    assert registry.aliases(MODEL) == {"champion": "1", "challenger": summary["version"]}
    assert chain_breaks(history(database)) == []
