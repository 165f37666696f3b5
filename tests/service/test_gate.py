"""The promotion gate's rules (pure functions): challenger, champion and baseline on the same test window."""

import pandas as pd
import pytest

from lifecycle.stages.train import gate_rows
from service.models.gate import decide


def gate(challenger, baseline, champion=None, margin=0.01, promotion="test_window", higher=False, refits=False):
    scores = {"challenger": challenger, "baseline": baseline}
    if champion is not None:
        scores["champion"] = champion
    return decide(scores, "mae", higher, margin, promotion, champion_refits=refits)


def test_no_champion_the_better_of_challenger_and_baseline_serves():
    assert (gate(100.0, baseline=100.5).winner, gate(100.0, baseline=100.5).alias) == ("challenger", "champion")
    refused = gate(102.0, baseline=100.0)
    assert refused.winner == "baseline" and refused.promotes and "does not beat the baseline" in refused.reason
    assert gate(100.0, baseline=100.0).winner == "baseline"  # a tie goes to the simpler forecast


def test_must_beat_champion_by_margin():
    assert gate(98.0, baseline=100.0, champion=99.5).promotes
    close_call = gate(99.0, baseline=100.0, champion=99.5)
    assert close_call.winner == "champion" and close_call.alias == "challenger"
    assert "does not beat champion" in close_call.reason
    assert not gate(99.5, baseline=101.0, champion=99.5, margin=0.0).promotes


@pytest.mark.parametrize("promotion", ["test_window", "live"])
def test_a_champion_with_a_recipe_stays_as_its_refit_which_serves_at_once(promotion):
    stays = gate(99.0, baseline=100.0, champion=99.5, promotion=promotion, refits=True)
    assert (stays.winner, stays.alias, stays.promotes) == ("champion", "champion", True)  # no shadow trial: same recipe
    assert stays.reason.endswith("so the champion stays, refitted on the window up to the end")
    assert gate(98.0, baseline=100.0, champion=99.5, refits=True).winner == "challenger"  # a refit does not shield it


def test_beating_the_champion_is_not_enough_when_worse_than_the_baseline():
    decision = gate(105.0, baseline=100.0, champion=120.0)
    assert decision.winner == "baseline" and decision.promotes  # the baseline, not the challenger, replaces it
    assert "worse than the baseline" in decision.reason


def test_a_champion_worse_than_the_baseline_is_replaced_without_any_margin():
    decision = gate(100.2, baseline=100.1, champion=100.15, margin=0.5)
    assert decision.winner == "baseline" and decision.promotes


def test_the_live_policy_sends_a_winner_over_a_healthy_champion_to_shadow():
    assert gate(90.0, baseline=100.0, champion=95.0, promotion="live").alias == "shadow"
    assert gate(90.0, baseline=100.0, promotion="live").alias == "champion"  # nothing to prove itself against
    assert gate(90.0, baseline=100.0, champion=101.0, promotion="live").alias == "champion"  # worse than naive


@pytest.mark.parametrize("challenger, promotes", [(0.91, True), (0.904, False), (0.80, False)])
def test_higher_is_better_metrics(challenger, promotes):
    decision = gate(challenger, baseline=0.85, champion=0.90, higher=True)
    assert decision.promotes is promotes


def test_the_champion_is_scored_only_on_test_rows_it_was_not_fitted_on():
    labelled = pd.date_range("2022-11-01", periods=10, freq="D", tz="UTC")
    frame = pd.DataFrame({"label_time": labelled, "split": ["validation"] * 3 + ["test"] * 7})
    fitted_until = pd.Timestamp("2022-11-06", tz="UTC")  # a refit up to its own run's end saw 11-04 and 11-05
    assert gate_rows(frame, fitted_until).tolist() == [False] * 5 + [True] * 5
    assert gate_rows(frame, None).tolist() == [False] * 3 + [True] * 7
    seen_everything = pd.Timestamp("2022-12-01", tz="UTC")  # no unseen row: the whole test split, as before
    assert gate_rows(frame, seen_everything).tolist() == [False] * 3 + [True] * 7
