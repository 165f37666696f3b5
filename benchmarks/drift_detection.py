"""How often monitoring cries wolf on the shipped history, and how fast it notices a volatility shift.

For each start hour T0 below: a champion is trained on the default window ending at T0 (ridge and gradient
boosting at their defaults: monitoring is measured here, not the search); then the shipped candles after T0 are
replayed hour by hour, one inference and one monitoring run per hour, with the default monitoring config:

- unshifted, for `--hours` runs (default 168: a week, the train workflow's cadence, so the champion ages as it
  would in production): every `warn` is a false warning, every drift/decay decision a false alert;
- the same candles with volatility x3 from T0 on (log returns, and open/high/low around close, scaled by 3), for
  `--shift-hours` runs: the delay is the number of hourly runs until the first drift/decay decision.

Targets: at most 2% of unshifted runs alert, at most 10% warn, every shift detected within 24 runs.

    .venv/bin/python benchmarks/drift_detection.py [--hours 168] [--shift-hours 48] [--starts 2021-03-01,...]
"""

import argparse
import contextlib
import io
import os
import time
from collections import Counter
from typing import ClassVar

import numpy as np
import pandas as pd

from devkit.databases import Schemas, test_server
from devkit.environment import temporary_mlflow
from devkit.figures import report

STARTS = ["2021-03-01", "2021-09-01", "2022-03-01", "2022-09-01", "2023-03-01", "2023-09-01"]
ALERTING = {"drift", "decay", "drift+decay"}
TARGETS = {"alert": 0.02, "warn": 0.10, "delay": 24}


def shifted_candles(history: pd.DataFrame, t0: pd.Timestamp, factor: float = 3.0) -> pd.DataFrame:
    """Candles from t0 on with their log returns and intrahour ranges multiplied by `factor`."""
    before, after = history[history.candle_time < t0], history[history.candle_time >= t0].copy()
    returns = np.log(after["close"].to_numpy() / np.r_[before["close"].iloc[-1], after["close"].to_numpy()[:-1]])
    close = before["close"].iloc[-1] * np.exp(factor * np.cumsum(returns))
    for column in ("open", "high", "low"):
        after[column] = close * (1 + factor * (after[column] / after["close"] - 1))
    after["close"] = close
    return after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=168, help="unshifted hourly runs after each start")
    parser.add_argument("--shift-hours", type=int, default=48, help="hourly runs after each injected shift")
    parser.add_argument("--starts", default=",".join(STARTS), help="comma-separated start days")
    args = parser.parse_args()
    from compose.config import SearchConfig
    from projects.crypto_forecast.configs import Default, TrainConfig
    from projects.crypto_forecast.core.load import replay_history

    class Quick(Default):  # the default monitoring config; sklearn candidates at their defaults
        name: ClassVar[str] = "benchmark_quick"
        train: TrainConfig = TrainConfig(candidates=("ridge", "gradient_boosting"), search=SearchConfig())

    history, outcomes, began = replay_history(), [], time.perf_counter()
    for day in args.starts.split(","):
        outcome = _replay(history, pd.Timestamp(day, tz="UTC"), args.hours, args.shift_hours, Quick())
        outcomes.append(outcome)
        print(
            f"  {day}: unshifted {dict(outcome['unshifted'])}; x3 detected after {outcome['delay']} runs "
            f"({outcome['detected_as']})",
            flush=True,
        )

    runs = args.hours * len(outcomes)
    counts = sum((o["unshifted"] for o in outcomes), Counter())
    alerts, warns = sum(counts[d] for d in ALERTING), counts["warn"]
    delays = [o["delay"] for o in outcomes if o["delay"] is not None]
    report(
        f"monitoring on the shipped history: {len(outcomes)} starts, {args.hours} unshifted and "
        f"{args.shift_hours} shifted hourly runs each ({time.perf_counter() - began:.0f} s)",
        [
            ("alert rate, unshifted", f"{alerts}/{runs} runs ({alerts / runs:.1%}; target <= 2%)"),
            ("warn rate, unshifted", f"{warns}/{runs} runs ({warns / runs:.1%}; target <= 10%)"),
            ("decisions, unshifted", ", ".join(f"{d} {n}" for d, n in counts.most_common())),
            ("volatility x3 detected", f"{len(delays)}/{len(outcomes)} within {args.shift_hours} runs"),
            (
                "delay, median / worst",
                f"{np.median(delays):.0f} / {max(delays)} runs (target <= 24)" if delays else "-",
            ),
        ],
        {
            "starts": outcomes,
            "runs": runs,
            "alert_rate": alerts / runs,
            "warn_rate": warns / runs,
            "median_delay_runs": float(np.median(delays)) if delays else None,
            "worst_delay_runs": max(delays) if len(delays) == len(outcomes) else None,
            "within_targets": alerts / runs <= TARGETS["alert"]
            and warns / runs <= TARGETS["warn"]
            and len(delays) == len(outcomes)
            and max(delays) <= TARGETS["delay"],
        },
    )


def _replay(history: pd.DataFrame, t0: pd.Timestamp, hours: int, shift_hours: int, config) -> dict:
    """The champion trained at t0, then the unshifted and the shifted replays on databases of their own."""
    from lifecycle import stages
    from projects.crypto_forecast.run import PROJECT

    start = t0 - pd.Timedelta(days=400)
    shifted_end = t0 + pd.Timedelta(hours=shift_hours)
    decisions = {}
    with test_server() as server, temporary_mlflow() as home, contextlib.redirect_stdout(io.StringIO()):
        csv = home / "shifted.csv"
        window = history[(history.candle_time >= start) & (history.candle_time < shifted_end)]
        shifted = shifted_candles(window, t0).rename(columns={"candle_time": "candle_date_time_utc"})
        shifted.to_csv(csv, index=False)
        schemas = Schemas(server)
        try:
            for copy, end, source in (
                ("unshifted", t0 + pd.Timedelta(hours=hours), "replay"),
                ("shifted", shifted_end, str(csv)),
            ):
                os.environ["DATABASE_URL"] = schemas.new("bench")
                stages.data(PROJECT, start.isoformat(), t0.isoformat(), source="replay")
                stages.data(PROJECT, t0.isoformat(), end.isoformat(), source=source)
                if copy == "unshifted":  # the first training on an empty registry serves at once
                    stages.train(PROJECT, end=t0.isoformat(), config=config)
                stages.inference(PROJECT, t0.isoformat(), end.isoformat(), config=config)
                decisions[copy] = [
                    stages.monitor(PROJECT, (t0 + pd.Timedelta(hours=h)).isoformat(), config=config)["decision"]
                    for h in range(1, (hours if copy == "unshifted" else shift_hours) + 1)
                ]
        finally:
            schemas.drop_all()
    alarms = [h for h, decision in enumerate(decisions["shifted"], start=1) if decision in ALERTING]
    return {
        "t0": t0.isoformat(),
        "unshifted": Counter(decisions["unshifted"]),
        "delay": alarms[0] if alarms else None,
        "detected_as": decisions["shifted"][alarms[0] - 1] if alarms else None,
    }


if __name__ == "__main__":
    main()
