"""Hyperparameter search throughput and gain: the train stage's trials (Optuna study in PostgreSQL, one MLflow
child run each, as the train DAG's mapped tasks run them) on the default window ending with the shipped history.

Per family: trials per minute with one trial at a time (the train DAG runs mapped trials in parallel, as many as
the workers take), how many the median pruner stopped, and the best trial's validation MAE against the
defaults' (always the study's first trial), with both on the test window too: a validation gain that does not
carry over to test is the search fitting noise.

    .venv/bin/python benchmarks/search.py [--trials ridge=8,gradient_boosting=6,gru=4]
"""

import argparse
import contextlib
import io
import time

from devkit.environment import isolated_stack
from devkit.figures import report

HISTORY = ("2023-03-01T00:00:00+00:00", "2024-05-21T00:00:00+00:00")  # the default window (393 days) with lookback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", default="ridge=8,gradient_boosting=6,gru=4", help="family=trials,...")
    trials = {name: int(count) for name, count in (item.split("=") for item in parser.parse_args().trials.split(","))}
    from compose.config import SearchConfig
    from lifecycle import stages
    from lifecycle.discovery import load_project
    from lifecycle.stages.train import plan
    from projects.crypto_forecast.configs import Default, TrainConfig

    project = load_project("crypto_forecast")
    spec = Default(train=TrainConfig(candidates=tuple(trials), search=SearchConfig(trials=trials)))
    results: dict[str, list[dict]] = {}
    with isolated_stack(), contextlib.redirect_stdout(io.StringIO()):
        stages.data(project, *HISTORY, source="replay")
        prepared = stages.prepare(project, "KRW-BTC", config=spec, quiet=True)
        for candidate, number in plan(prepared):
            began = time.perf_counter()
            result = stages.trial(project, prepared, candidate, number, spec, quiet=True)
            results.setdefault(candidate, []).append({**result, "seconds": time.perf_counter() - began})
    naive = results.pop(prepared["baseline"])[0]["validation"]["mae"]
    figures, rows = {}, []
    for candidate, done in results.items():
        figures[candidate] = family = summarise(done, naive)
        rows.append(
            (
                candidate,
                f"{family['trials']} trials ({family['pruned']} pruned) in {family['seconds']:.0f} s: "
                f"{family['trials_per_minute']:.1f}/min; validation MAE {family['default_validation']:,.0f} -> "
                f"{family['best_validation']:,.0f} ({family['validation_gain']:+.2%}); test "
                f"{family['default_test']:,.0f} -> {family['best_test']:,.0f} ({family['test_gain']:+.2%})",
            )
        )
    rows.append(("naive validation MAE", f"{naive:,.0f} KRW"))
    report(
        f"search on the default window ending {prepared['end'][:10]}, one trial at a time; gain = 1 - best/defaults",
        rows,
        figures,
    )


def summarise(done: list[dict], naive: float) -> dict:
    """Throughput, pruning and the gain of the best finished trial (by validation MAE) over the defaults."""
    finished = [trial for trial in done if trial["status"] == "done"]
    defaults = next(trial for trial in finished if trial["trial"] == 0)
    best = min(finished, key=lambda trial: trial["validation"]["mae"])
    seconds = sum(trial["seconds"] for trial in done)
    return {
        "trials": len(done),
        "pruned": len(done) - len(finished),
        "seconds": round(seconds, 1),
        "trials_per_minute": round(60 * len(done) / seconds, 2),
        "default_validation": defaults["validation"]["mae"],
        "best_validation": best["validation"]["mae"],
        "validation_gain": 1 - best["validation"]["mae"] / defaults["validation"]["mae"],
        "best_validation_skill": 1 - best["validation"]["mae"] / naive,
        "default_test": defaults["test"]["mae"],
        "best_test": best["test"]["mae"],
        "test_gain": 1 - best["test"]["mae"] / defaults["test"]["mae"],
        "best_params": best["params"],
    }


if __name__ == "__main__":
    main()
