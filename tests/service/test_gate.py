"""The promotion gate's rules (pure function)."""

import pytest

from service.gate import decide


def test_no_champion_naive_alone_decides():
    assert decide(100.0, naive=100.5, champion=None, champion_margin=0.01, naive_tolerance=0.0).promote
    refused = decide(102.0, naive=100.0, champion=None, champion_margin=0.01, naive_tolerance=0.01)
    assert not refused.promote and "worse than naive" in refused.reason


def test_must_beat_champion_by_margin():
    assert decide(98.0, naive=100.0, champion=100.0, champion_margin=0.01, naive_tolerance=0.0).promote
    close_call = decide(99.5, naive=100.0, champion=100.0, champion_margin=0.01, naive_tolerance=0.0)
    assert not close_call.promote and "does not beat champion" in close_call.reason
    assert not decide(100.0, naive=101.0, champion=100.0, champion_margin=0.0, naive_tolerance=0.0).promote


def test_beating_the_champion_is_not_enough_when_worse_than_naive():
    decision = decide(105.0, naive=100.0, champion=120.0, champion_margin=0.01, naive_tolerance=0.02)
    assert not decision.promote and "naive" in decision.reason


@pytest.mark.parametrize("challenger, promote", [(0.91, True), (0.904, False), (0.80, False)])
def test_higher_is_better_metrics(challenger, promote):
    decision = decide(
        challenger,
        naive=0.85,
        champion=0.90,
        champion_margin=0.005,
        naive_tolerance=0.0,
        metric="f1",
        higher_is_better=True,
    )
    assert decision.promote is promote
