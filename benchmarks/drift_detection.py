"""How fast monitoring notices a volatility shift, and how often it cries wolf without one.

For each shift hour T0 in the shipped candles: a champion is trained on the data up to T0; then two copies of
the next `--hours` hours are replayed through inference and one monitoring run per hour: the real candles, and
the same candles with volatility x3 from T0 on (log returns, and high/low/open around close, scaled by 3). The
delay is the number of hourly runs until the shifted copy gets a drift or decay decision; false alarms are the
drift/decay decisions on the real copy over the same runs. Default config thresholds throughout.

    .venv/bin/python benchmarks/drift_detection.py [--hours 48]
"""

import argparse
import contextlib
import io
import os
from typing import ClassVar

import numpy as np
import pandas as pd
from _common import fresh_schema, report, temporary_mlflow

SHIFT_HOURS = ["2021-03-01", "2021-09-01", "2022-03-01", "2022-09-01", "2023-03-01", "2023-09-01"]
ALERTING = {"drift", "decay", "drift+decay"}


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
    parser.add_argument("--hours", type=int, default=48)
    hours = parser.parse_args().hours
    from projects.crypto_forecast.configs import Default, TrainConfig
    from projects.crypto_forecast.loader.replay import replay_history

    class Quick(Default):  # the default monitoring thresholds; sklearn candidates to keep the benchmark short
        name: ClassVar[str] = "benchmark_quick"
        train: TrainConfig = TrainConfig(candidates=("ridge", "gradient_boosting"))

    history = replay_history()
    outcomes = []
    for day in SHIFT_HOURS:
        t0 = pd.Timestamp(day, tz="UTC")
        outcomes.append(_one_shift(history, t0, hours, Quick.name))
        print(
            f"  shift at {day}: detected after {outcomes[-1]['delay']} runs; false alarms "
            f"{outcomes[-1]['false_alarms']}/{hours}; first decisions {outcomes[-1]['first_shifted_decision']}"
        )

    delays = [o["delay"] for o in outcomes if o["delay"] is not None]
    false_alarms = sum(o["false_alarms"] for o in outcomes)
    runs = hours * len(outcomes)
    report(
        f"drift/decay detection after a volatility x3 shift ({len(outcomes)} shift hours, {hours} hourly runs each)",
        [
            ("detected", f"{len(delays)}/{len(outcomes)} shifts within {hours} runs"),
            (
                "delay, median / worst",
                f"{np.median(delays):.0f} / {max(delays)} hourly runs (target <= 24)" if delays else "-",
            ),
            ("false alarms on unshifted data", f"{false_alarms}/{runs} runs ({false_alarms / runs:.1%})"),
        ],
        {
            "shifts": outcomes,
            "median_delay_runs": float(np.median(delays)) if delays else None,
            "false_alarm_rate": false_alarms / runs,
        },
    )


def _one_shift(history: pd.DataFrame, t0: pd.Timestamp, hours: int, config: str) -> dict:
    from db_handler import get_engine
    from projects.crypto_forecast import run
    from service.registry import promote

    end = t0 + pd.Timedelta(hours=hours)
    start = t0 - pd.Timedelta(days=400)
    shifted = shifted_candles(history[(history.candle_time >= start) & (history.candle_time < end)], t0)
    decisions = {}
    with temporary_mlflow() as home:
        csv = home / "shifted.csv"
        shifted.rename(columns={"candle_time": "candle_date_time_utc"}).to_csv(csv, index=False)
        with fresh_schema() as real_url, fresh_schema() as shifted_url, contextlib.redirect_stdout(io.StringIO()):
            for copy, url in (("real", real_url), ("shifted", shifted_url)):
                os.environ["DATABASE_URL"] = url
                run.data(start.isoformat(), t0.isoformat(), source="replay")
                run.data(t0.isoformat(), end.isoformat(), source="replay" if copy == "real" else str(csv))
                if copy == "real":
                    trained = run.train(end=t0.isoformat(), config=config)
                    if trained["decision"] != "promoted":  # monitoring is measured here, not the gate
                        promote(get_engine(), "crypto_forecast", trained["model"], trained["version"], "benchmark")
                run.inference(t0.isoformat(), end.isoformat(), config=config)
                decisions[copy] = [
                    run.monitor((t0 + pd.Timedelta(hours=h)).isoformat(), config=config)["decision"]
                    for h in range(1, hours + 1)
                ]
    alarm_runs = [h for h, decision in enumerate(decisions["shifted"], start=1) if decision in ALERTING]
    return {
        "t0": t0.isoformat(),
        "delay": alarm_runs[0] if alarm_runs else None,
        "false_alarms": sum(decision in ALERTING for decision in decisions["real"]),
        "first_shifted_decision": decisions["shifted"][alarm_runs[0] - 1] if alarm_runs else None,
    }


if __name__ == "__main__":
    main()
