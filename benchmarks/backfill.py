"""Backfill of all 58,201 shipped hourly candles (raw + features) into PostgreSQL through the real data stage,
its rerun (0 changed rows), and the same rows through a plain DataFrame.to_sql append, as a ratio.

    .venv/bin/python benchmarks/backfill.py [--repeat 3]
"""

import argparse
import contextlib
import io
import time

from sqlalchemy import create_engine, text

from devkit.environment import isolated_stack
from devkit.figures import peak_rss_mb, report

FULL_HISTORY = ("2017-09-26T00:00:00+00:00", "2024-05-21T00:00:00+00:00")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    from lifecycle import stages
    from lifecycle.discovery import load_project

    project = load_project("crypto_forecast")

    def stage() -> tuple[float, dict]:
        began = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            summary = stages.data(project, *FULL_HISTORY, source="replay")
        return time.perf_counter() - began, summary

    backfills, reruns = [], []
    with isolated_stack() as url:
        engine = create_engine(url)
        for attempt in range(repeat):
            if attempt:
                with engine.begin() as conn:
                    conn.execute(text("TRUNCATE crypto_forecast_raw_candles, crypto_forecast_features"))
            seconds, first = stage()
            backfills.append(seconds)
            seconds, again = stage()
            assert again["rows_written"] == 0, f"rerun changed {again['rows_written']} rows"
            reruns.append(seconds)
        raw, features = _tables(engine)
        to_sql = _to_sql_seconds(engine, raw, features)

    rows = first["rows_written"]
    best = min(backfills)
    figures = {
        "rows": rows,
        "candles": first["tables"]["raw"]["written"],
        "backfill_first_s": round(backfills[0], 3),
        "backfill_best_s": round(best, 3),
        "rows_per_s": round(rows / best),
        "rerun_best_s": round(min(reruns), 3),
        "rerun_changed_rows": 0,
        "to_sql_s": round(to_sql, 3),
        "to_sql_over_stage": round(to_sql / best, 2),
        "peak_rss_mb": round(peak_rss_mb()),
    }
    report(
        "backfill of the shipped history through the data stage (raw + features, PostgreSQL)",
        [
            ("rows written (raw + features)", f"{rows:,}"),
            ("backfill, first / best of " + str(repeat), f"{backfills[0]:.2f} s / {best:.2f} s  (target <= 5 s)"),
            ("throughput", f"{rows / best:,.0f} rows/s"),
            ("rerun, best (0 rows changed)", f"{min(reruns):.2f} s  (target <= 3 s)"),
            ("same rows via DataFrame.to_sql append", f"{to_sql:.2f} s = {to_sql / best:.2f}x the stage's time"),
            ("peak RSS", f"{peak_rss_mb():.0f} MB"),
        ],
        figures,
    )


def _tables(engine):
    import pandas as pd

    with engine.connect() as conn:
        raw = pd.read_sql("select * from crypto_forecast_raw_candles", conn)
        features = pd.read_sql("select * from crypto_forecast_features", conn)
    return raw, features


def _to_sql_seconds(engine, raw, features) -> float:
    """A plain append of the same frames into empty tables of the same shape (no validation, no idempotence)."""
    with engine.begin() as conn:
        for name in ("plain_raw", "plain_features"):
            conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
    began = time.perf_counter()
    raw.to_sql("plain_raw", engine, if_exists="append", index=False)
    features.to_sql("plain_features", engine, if_exists="append", index=False)
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
