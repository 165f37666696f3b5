"""Runs, people and corrections overlapping (devkit.stress): one seed's plan of trainings (old-dated ones too), hand
promotions, rollbacks, retentions, adjacent backfills and corrections of crypto_forecast's two markets, in three
worker processes for 20 s, on real PostgreSQL and a real `mlflow server`; then every invariant (devkit.invariants).

This test fails on a tree without the fixes of issue 21 (role moves as compare-and-set under a per-model lock,
stale trainings registered as challenger, retention keeping rollback targets, the data stage's per-partition lock,
corrections recomputing their dependent feature rows and needing `allow_corrections`). On the tree before them
(2026-12-07) it found old-dated trainings replacing a newer champion, a training's move recorded from a champion
another move had already replaced (read, then write), and 168 stored feature rows after a corrected candle that
differ from a recompute; docs/FAULTS.md has what 20 seeds of `benchmarks/stress.py` found. Its assertion message
lists what broke.
"""

from devkit import stress

SEED, SECONDS = 1, 20


def test_overlapping_operations_fail_nothing_and_break_no_invariant(database, tracking_server):
    result = stress.run(SEED, SECONDS, workers=3, max_ops=40)

    assert result.count >= 5, f"too few operations ran to prove anything: {result.summary()}"
    assert result.checks == 10  # five checks on each of two markets
    broken = [*(f"failed {failure}" for failure in result.failures), *result.violations]
    assert not broken, "\n".join([f"{result.count} operations, {result.summary()['by_kind']}:", *broken])
