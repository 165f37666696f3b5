"""The data stage end to end on real PostgreSQL (and the embedded default): replay -> raw -> features."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from db_handler.tables import workflow_runs
from lifecycle import stages
from lifecycle.stages.data import CorrectionRefused, feature_drift_from_recompute
from projects.crypto_forecast.core.load import replay_history
from projects.crypto_forecast.core.validate import CandleValidationError
from projects.crypto_forecast.run import PROJECT
from projects.crypto_forecast.utils.tables import features, raw_candles

START, END = "2024-03-01T00:00:00+00:00", "2024-03-08T00:00:00+00:00"


def table_dump(engine, table) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_data_stage_loads_raw_and_features_and_reports(database, capsys):
    summary = stages.data(PROJECT, START, END, source="replay")

    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == summary
    assert summary["tables"]["raw"] == {"written": 168, "unchanged": 0}
    assert summary["tables"]["features"] == {"written": 168, "unchanged": 0}
    assert summary["stage"] == "data" and summary["partitions"]["KRW-BTC"]["gaps"] == 0 and summary["duration_s"] > 0
    assert count(database, raw_candles) == 168
    with database.connect() as conn:
        status = conn.execute(select(workflow_runs.c.status, workflow_runs.c.rows_written)).one()
    assert tuple(status) == ("success", 336)


def test_rerun_leaves_tables_byte_for_byte_equal(database):
    stages.data(PROJECT, START, END, source="replay")
    before = (table_dump(database, raw_candles), table_dump(database, features))
    again = stages.data(PROJECT, START, END, source="replay")
    assert again["rows_written"] == 0 and again["rows_unchanged"] == 336
    assert (table_dump(database, raw_candles), table_dump(database, features)) == before


def test_incremental_hours_match_one_backfill(database):
    """Features written hour by hour equal the ones a single backfill writes (the lookback is enough)."""
    stages.data(PROJECT, "2024-02-20T00:00:00+00:00", "2024-03-01T00:00:00+00:00", source="replay")
    for hour in range(6):
        stages.data(
            PROJECT, f"2024-03-01T{hour:02d}:00:00+00:00", f"2024-03-01T{hour + 1:02d}:00:00+00:00", source="replay"
        )
    hourly = table_dump(database, features)
    again = stages.data(PROJECT, "2024-02-20T00:00:00+00:00", "2024-03-01T06:00:00+00:00", source="replay")
    assert again["tables"]["features"]["written"] == 0
    assert table_dump(database, features) == hourly


def test_gaps_are_counted_never_invented(database):
    # 2017-10-03 .. 2017-10-05 holds hours without trades in the shipped candles
    summary = stages.data(PROJECT, "2017-09-26T00:00:00+00:00", "2017-11-01T00:00:00+00:00", source="replay")
    hours = 36 * 24
    assert summary["partitions"]["KRW-BTC"]["gaps"] > 0
    assert count(database, raw_candles) == hours - summary["partitions"]["KRW-BTC"]["gaps"]


def test_bad_csv_writes_nothing_and_names_the_problem(database, tmp_path):
    stages.data(PROJECT, START, END, source="replay")
    before = table_dump(database, raw_candles)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "candle_date_time_utc,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume\n"
        "2024-03-08T00:00:00,100,110,90,105,1.0\n"
        "2024-03-08T01:00:00,100,90,110,105,1.0\n"
    )
    with pytest.raises(CandleValidationError, match=r"KRW-BTC 2024-03-08T01:00:00\+00:00 column 'high'"):
        stages.data(PROJECT, "2024-03-08T00:00:00+00:00", "2024-03-08T02:00:00+00:00", source=str(bad))
    assert table_dump(database, raw_candles) == before
    with database.connect() as conn:
        failed = conn.execute(select(workflow_runs.c.error).where(workflow_runs.c.status == "failed")).scalar_one()
    assert "high" in failed


def test_cli_honours_database_url_and_prints_one_json_line(database, pg_url):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "projects.crypto_forecast.run",
            "data",
            "--start",
            START,
            "--end",
            END,
            "--source",
            "replay",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": pg_url},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["rows_written"] == 336
    assert count(database, raw_candles) == 168


def test_cli_reports_bad_input_without_traceback(database):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "projects.crypto_forecast.run",
            "data",
            "--start",
            "2030-01-01",
            "--end",
            "2030-01-02",
            "--source",
            "replay",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "replay covers 2017-09-26" in result.stderr and "Traceback" not in result.stderr


def test_embedded_default_is_a_real_postgresql(monkeypatch, embedded_pg_dir):
    """No DATABASE_URL: the stage starts the embedded PostgreSQL and writes there."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("EMBEDDED_PG_DIR", str(embedded_pg_dir))
    summary = stages.data(PROJECT, START, END, source="replay")
    from db_handler import get_engine

    engine = get_engine()
    assert engine.dialect.name == "postgresql" and engine.url.query["host"] == str(embedded_pg_dir)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from crypto_forecast_raw_candles")).scalar_one() == 168
    assert summary["rows_written"] == 336
    engine.dispose()


def test_without_an_interval_the_stage_catches_up_from_the_newest_stored_candle(database):
    stages.data(PROJECT, "2024-05-19T00:00:00+00:00", "2024-05-20T00:00:00+00:00", source="replay")
    caught_up = stages.data(PROJECT, source="replay", now=datetime(2024, 5, 20, 6, 30, tzinfo=UTC))
    assert caught_up["interval"] == {"start": "2024-05-20T00:00:00+00:00", "end": "2024-05-20T06:00:00+00:00"}
    assert caught_up["tables"]["raw"]["written"] == 6
    beyond = stages.data(PROJECT, source="replay", now=datetime(2026, 1, 1, tzinfo=UTC))  # the replay ends 2024-05-20
    assert beyond["tables"]["raw"]["written"] == 18 and beyond["partitions"]["KRW-BTC"]["rows"] == 18


CORRECTED = pd.Timestamp("2024-03-05T05:00:00+00:00")
UPBIT_HEADER = (
    "candle_date_time_utc,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume,candle_acc_trade_price"
)


def one_candle_csv(folder, **changed) -> tuple[str, pd.Series]:
    """A CSV holding the shipped candle at CORRECTED with `changed` values; returns its path and the stored candle."""
    history = replay_history()
    candle = history.loc[history["candle_time"] == CORRECTED].iloc[0]
    row = {**candle.to_dict(), **changed}
    values = ",".join(
        "" if pd.isna(row[name]) else repr(float(row[name]))
        for name in ("open", "high", "low", "close", "volume", "value")
    )
    path = folder / "correction.csv"
    path.write_text(f"{UPBIT_HEADER}\n{CORRECTED:%Y-%m-%dT%H:%M:%S},{values}\n")
    return str(path), candle


def features_by_time(engine) -> dict:
    return {row[1]: row for row in table_dump(engine, features)}


def test_a_corrected_candle_recomputes_every_feature_row_whose_window_holds_it(database, tmp_path):
    stages.data(PROJECT, "2024-02-20T00:00:00+00:00", "2024-03-20T00:00:00+00:00", source="replay")
    before = features_by_time(database)
    history = replay_history()
    stored = history.loc[history["candle_time"] == CORRECTED].iloc[0]
    corrected = (stored["low"] + stored["high"]) / 2
    path, _ = one_candle_csv(tmp_path, close=corrected)

    summary = stages.data(
        PROJECT,
        CORRECTED.isoformat(),
        (CORRECTED + timedelta(hours=1)).isoformat(),
        source=path,
        allow_corrections=True,
    )

    assert summary["changed"] == {
        "values": 1,
        "rows": 1,
        "first": [
            f"market=KRW-BTC candle_time=2024-03-05T05:00:00+00:00 column 'close': stored {float(stored['close'])!r}, "
            f"new {float(corrected)!r}"
        ],
    }
    assert feature_drift_from_recompute(database, PROJECT, "KRW-BTC", PROJECT.spec()) == []
    after = features_by_time(database)
    moved = sorted(time for time, row in after.items() if row[2:-1] != before[time][2:-1])  # computed_at aside
    assert moved[0] == CORRECTED and moved[-1] == CORRECTED + timedelta(hours=168)  # vol_168h reaches 168 h on
    assert summary["tables"]["features"]["written"] == len(moved)
    assert summary["partitions"]["KRW-BTC"]["features_recomputed"]["end"] == "2024-03-14T06:00:00+00:00"


def test_a_correction_is_refused_without_the_flag_naming_the_row_and_nothing_is_written(database, tmp_path):
    stages.data(PROJECT, START, END, source="replay")
    before = (table_dump(database, raw_candles), table_dump(database, features))
    path, stored = one_candle_csv(tmp_path, close=1.0, low=1.0)
    hour = (CORRECTED.isoformat(), (CORRECTED + timedelta(hours=1)).isoformat())

    with pytest.raises(CorrectionRefused) as refused:
        stages.data(PROJECT, *hour, source=path)
    assert str(refused.value) == (
        "crypto_forecast KRW-BTC: 2 stored value(s) in 1 row(s) differ from the source, first market=KRW-BTC "
        f"candle_time=2024-03-05T05:00:00+00:00 column 'low': stored {float(stored['low'])!r}, new 1.0; nothing was "
        "written: to overwrite them, run again with --allow-corrections (the data workflow's param allow_corrections)"
    )
    assert (table_dump(database, raw_candles), table_dump(database, features)) == before

    same, _ = one_candle_csv(tmp_path)  # the stored values from another source: not a correction
    again = stages.data(PROJECT, *hour, source=same)
    assert again["changed"]["values"] == 0 and again["tables"]["raw"] == {"written": 0, "unchanged": 1}
