"""Shadow challengers: a version in shadow forecasts beside the champion on live data, is scored on the same
realised hours, and is promoted or retired once it has `live_hours` of evidence; retries change nothing.

The champion and the shadow are constant forecasts registered by hand, so which one is better live does not
depend on the market: +2% an hour is far worse than "no change" whatever BTC did."""

import pandas as pd
import pytest
from sqlalchemy import func, select

from compose.config import PromotionPolicy
from db_handler.tables import alerts, model_events
from devkit.models import log_constant
from lifecycle import stages
from projects.crypto_forecast.configs import Default, TrainConfig
from projects.crypto_forecast.core.candidates import FEATURES
from projects.crypto_forecast.run import PROJECT
from service.models import registry, roles

MODEL, START, END = "crypto_forecast-KRW-BTC", "2024-03-01T00:00:00+00:00", "2024-03-03T00:00:00+00:00"
LIVE = Default(train=TrainConfig(promotion=PromotionPolicy(mode="live", live_hours=24, live_margin=0.05)))


def register_constant(log_return: float) -> str:
    logged = log_constant(PROJECT, FEATURES, log_return)
    return registry.register_version(
        MODEL, logged["model_uri"], logged["run_id"], {"candidate": f"constant {log_return}"}
    )


@pytest.fixture
def stored(database, mlflow_store):
    stages.data(PROJECT, "2024-02-20T00:00:00+00:00", "2024-03-05T00:00:00+00:00", source="replay")
    return database


def trial(engine, champion_return: float, shadow_return: float, hours: int = 48) -> tuple[str, str, dict]:
    champion, shadow = register_constant(champion_return), register_constant(shadow_return)
    roles.assign_by_hand(engine, "crypto_forecast", MODEL, champion, "champion", "test")
    roles.assign_by_hand(engine, "crypto_forecast", MODEL, shadow, "shadow", "test")
    end = pd.Timestamp(START) + pd.Timedelta(hours=hours)
    stages.inference(PROJECT, START, end, config=LIVE)
    return champion, shadow, stages.monitor(PROJECT, end + pd.Timedelta(hours=1), config=LIVE, run_id="scheduled__m")


def events(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(select(model_events.c.action, model_events.c.to_version).order_by(model_events.c.id)).all()


def test_a_shadow_better_live_is_promoted_after_its_hours_with_the_live_numbers(stored):
    champion, shadow, summary = trial(stored, champion_return=0.02, shadow_return=0.0)

    assert summary["shadow"]["verdict"] == "promote" and summary["shadow"]["ratio"] < 0.95
    assert registry.aliases(MODEL) == {"champion": shadow}
    promoted = events(stored)[-1]
    assert promoted == ("promote", shadow)
    with stored.connect() as conn:
        live = conn.execute(
            select(model_events.c.metrics, model_events.c.from_version).order_by(model_events.c.id.desc())
        ).first()
        told = conn.execute(select(alerts.c.kind)).scalars().all()
    assert live.from_version == champion and live.metrics["hours"] == 24 and live.metrics["shadow"]["mae"] > 0
    assert "shadow_promote" in told

    before = events(stored)
    again = stages.monitor(PROJECT, summary["end"], config=LIVE, run_id="scheduled__m")  # a retry of that run
    assert events(stored) == before and registry.aliases(MODEL) == {"champion": shadow}
    assert again["shadow"] is None  # nothing on trial any more


def test_a_shadow_worse_live_is_retired(stored):
    champion, shadow, summary = trial(stored, champion_return=0.0, shadow_return=0.02)

    assert summary["shadow"]["verdict"] == "retire"
    assert registry.aliases(MODEL) == {"champion": champion}
    assert events(stored)[-1] == ("retire", shadow)


def test_a_shadow_stays_on_trial_until_it_has_enough_hours(stored):
    champion, shadow, summary = trial(stored, champion_return=0.02, shadow_return=0.0, hours=12)

    assert summary["shadow"]["verdict"] == "on trial" and summary["shadow"]["hours"] < 24
    assert registry.aliases(MODEL) == {"champion": champion, "shadow": shadow}


def test_shadow_forecasts_are_stored_beside_the_champions_never_as_them(stored):
    champion, shadow, _ = trial(stored, champion_return=0.0, shadow_return=0.02, hours=12)
    from projects.crypto_forecast.utils.tables import predictions

    with stored.connect() as conn:
        by_role = dict(conn.execute(select(predictions.c.role, func.count()).group_by(predictions.c.role)).all())
        shadow_versions = set(
            conn.execute(select(predictions.c.model_version).where(predictions.c.role == "shadow")).scalars()
        )
    assert by_role["champion"] == by_role["shadow"] == 12 and shadow_versions == {shadow}
