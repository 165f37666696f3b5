"""Each invariant check of devkit.invariants finds the fault it is about, fabricated by real writes to PostgreSQL and
a real MLflow store, and finds nothing before it."""

import pytest
from sqlalchemy import text

from db_handler import ensure_schema
from db_handler.runs import training_started
from devkit import invariants
from devkit.models import log_constant
from lifecycle import stages
from lifecycle.records import utc
from projects.crypto_forecast.core.candidates import FEATURES
from projects.crypto_forecast.run import PROJECT
from service.models import registry, roles
from service.models.decisions import RecordedDecision, mark_registered, record_decision
from service.models.events import ModelEvent, insert_event
from service.models.mlflow_client import configure_mlflow

MODEL = PROJECT.model_name("KRW-BTC")
EARLY, LATE = "2024-03-01T00:00:00+00:00", "2024-03-04T00:00:00+00:00"


@pytest.fixture(autouse=True)
def platform_tables(database):
    """The platform's tables, which the faults below are written into directly."""
    ensure_schema(database)


def new_version(fit_end: str = LATE) -> str:
    """A registered version of MODEL (a constant forecast) fitted up to `fit_end`."""
    logged = log_constant(PROJECT, FEATURES, 0.0)
    return registry.register_version(MODEL, logged["model_uri"], logged["run_id"], {"fit_end": fit_end})


def champion_move(engine, before: str | None, after: str, run_id: str) -> None:
    """`after` becomes champion, recorded as a move from `before` (whatever held the alias)."""
    registry.set_role(MODEL, "champion", after)
    event = ModelEvent(PROJECT.name, MODEL, "promote", after, before, "test", alias="champion", run_id=run_id)
    with engine.begin() as conn:  # written as given, past move_role's compare-and-set: the fault to find
        insert_event(conn, event)


def test_roles_finds_a_version_in_two_roles_and_a_champion_deleted_with_its_version(database, mlflow_store):
    first, second = new_version(), new_version()
    registry.set_role(MODEL, "champion", second)
    assert invariants.roles(MODEL) == []

    configure_mlflow().set_registered_model_alias(MODEL, "shadow", second)  # past set_role's one-role rule
    assert invariants.roles(MODEL) == [f"{MODEL}: v{second} holds 2 roles ['champion', 'shadow']"]

    configure_mlflow().delete_model_version(MODEL, second)  # MLflow drops the version's aliases with it
    assert invariants.roles(MODEL) == [f"{MODEL}: versions ['{first}'] but no champion"]


def test_champion_chain_finds_a_move_from_a_version_that_had_lost_the_alias(database, mlflow_store):
    first, second, third = new_version(), new_version(), new_version()
    champion_move(database, None, first, "manual__one")
    champion_move(database, first, second, "manual__two")
    assert invariants.champion_chain(database, PROJECT.name, MODEL) == []

    champion_move(database, first, third, "scheduled__read_then_write")  # it read v1 before v2 replaced it
    [broken] = invariants.champion_chain(database, PROJECT.name, MODEL)
    assert f"promote of 'champion' from v{first} to v{third}" in broken
    assert f"the events before it left v{second} holding 'champion'" in broken

    registry.set_role(MODEL, "champion", second)  # a move nobody recorded
    assert invariants.champion_chain(database, PROJECT.name, MODEL)[-1] == (
        f"{MODEL}: the registry's champion is v{second}, the events' last move ends at v{third}"
    )


def test_stale_demotions_finds_an_old_training_replacing_a_newer_champion_even_once_deleted(database, mlflow_store):
    newer, older = new_version(LATE), new_version(EARLY)
    training_started(database, PROJECT.name, MODEL, "scheduled__new", utc(LATE))
    decision = record_decision(
        database,
        RecordedDecision(PROJECT.name, MODEL, "scheduled__new", "challenger", "ridge", "champion", "test", {}, None),
    )
    mark_registered(database, decision, newer)
    champion_move(database, None, newer, "scheduled__new")
    assert invariants.stale_demotions(database, PROJECT.name, MODEL) == []

    training_started(database, PROJECT.name, MODEL, "scheduled__old", utc(EARLY))
    champion_move(database, newer, older, "scheduled__old")
    stale = (
        f"{MODEL}: training scheduled__old (window end {EARLY}) replaced champion v{newer} (fitted up to {LATE}) "
        f"with v{older}"
    )
    assert invariants.stale_demotions(database, PROJECT.name, MODEL) == [stale]

    roles.apply_retention(database, PROJECT.name, MODEL, 0)  # its tags go with it; its training's end tells
    assert invariants.stale_demotions(database, PROJECT.name, MODEL) == [stale]


def test_rollback_target_finds_the_replaced_champion_deleted(database, mlflow_store):
    first, second = new_version(), new_version()
    roles.assign_by_hand(database, PROJECT.name, MODEL, first, "champion", "test")
    roles.assign_by_hand(database, PROJECT.name, MODEL, second, "champion", "test")
    assert invariants.rollback_target(database, PROJECT.name, MODEL) == []

    configure_mlflow().delete_model_version(MODEL, first)
    assert invariants.rollback_target(database, PROJECT.name, MODEL) == [
        f"{MODEL}: champion v{second} would roll back to v{first}, which was deleted"
    ]


def test_features_finds_a_tampered_row_and_a_raw_change_that_never_reached_its_dependents(database):
    spec = PROJECT.spec("default")
    stages.data(PROJECT, "2024-02-10T00:00:00+00:00", LATE, source="replay")
    assert invariants.features(database, PROJECT, spec, "KRW-BTC") == []

    tampered, corrected = utc("2024-03-03T23:00:00+00:00"), utc("2024-02-25T00:00:00+00:00")
    change(database, f"{PROJECT.tables.features.name} SET ret_1h = ret_1h + 1e-6", tampered)
    assert invariants.features(database, PROJECT, spec, "KRW-BTC") == [
        f"{MODEL}: 1 feature row(s) differ from a recompute, first {tampered.isoformat()}"
    ]

    change(database, f"{PROJECT.tables.raw.name} SET close = close * 1.01, high = high * 1.01", corrected)
    [stale] = invariants.features(database, PROJECT, spec, "KRW-BTC")
    # the candle's own row and the 168 after it, whose windows hold it (the tampered row is further on)
    assert stale.startswith(f"{MODEL}: 170 feature row(s) differ from a recompute, first {corrected.isoformat()}, ")


def change(engine, update: str, at) -> None:
    """`UPDATE <update>` of the KRW-BTC row at `at`, behind the stages' back."""
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {update} WHERE market = 'KRW-BTC' AND candle_time = :at"), {"at": at})
