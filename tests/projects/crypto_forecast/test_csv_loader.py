"""Candle CSV files: Upbit API and pyupbit shapes, time zones by column name or --tz (naive times without one are
refused), read as a stream keeping only the interval, errors naming file, row, column."""

import gzip
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from sqlalchemy import select

from lifecycle import stages
from lifecycle.contract import DataError
from projects.crypto_forecast.run import PROJECT
from projects.crypto_forecast.utils import candle_csv
from projects.crypto_forecast.utils.candle_csv import KST, CandleFileError, read_candle_csv
from projects.crypto_forecast.utils.tables import raw_candles

ROW = "100,110,90,105,1.5"


def write(tmp_path, text: str, name: str = "candles.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def times(frame: pd.DataFrame) -> list[str]:
    return [t.isoformat() for t in frame["candle_time"]]


def test_upbit_api_columns_with_utc_times(tmp_path):
    path = write(
        tmp_path,
        "candle_date_time_utc,candle_date_time_kst,opening_price,high_price,low_price,trade_price,"
        "candle_acc_trade_volume,candle_acc_trade_price,timestamp,unit,market\n"
        "2024-01-01T00:00:00,2024-01-01T09:00:00,100,110,90,105,1.5,157.5,1704070799000,60,KRW-BTC\n",
    )
    frame = read_candle_csv(path)
    assert times(frame) == ["2024-01-01T00:00:00+00:00"]
    assert frame.loc[0, ["open", "high", "low", "close", "volume", "value"]].tolist() == [100, 110, 90, 105, 1.5, 157.5]
    assert frame.loc[0, "market"] == "KRW-BTC"


def test_kst_column_is_shifted_nine_hours(tmp_path):
    path = write(
        tmp_path,
        f"candle_date_time_kst,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume\n"
        f"2024-01-01T09:00:00,{ROW}\n",
    )
    assert times(read_candle_csv(path)) == ["2024-01-01T00:00:00+00:00"]


def test_pyupbit_to_csv_shape_is_read_as_kst(tmp_path):
    index = pd.DatetimeIndex(["2024-01-01 09:00:00", "2024-01-01 10:00:00"])  # pyupbit's KST-naive index
    frame = pd.DataFrame(
        {
            "open": [100, 105],
            "high": [110, 108],
            "low": [90, 101],
            "close": [105, 102],
            "volume": [1.5, 2.0],
            "value": [157.5, 204.0],
        },
        index=index,
    )
    frame.to_csv(tmp_path / "pyupbit.csv")
    read = read_candle_csv(tmp_path / "pyupbit.csv", tz=KST)
    assert times(read) == ["2024-01-01T00:00:00+00:00", "2024-01-01T01:00:00+00:00"]
    assert read["value"].tolist() == [157.5, 204.0]


def test_value_is_optional(tmp_path):
    path = write(tmp_path, f"timestamp,open,high,low,close,volume\n2024-01-01 09:00:00,{ROW}\n")
    assert read_candle_csv(path, tz=KST)["value"].isna().all()


def test_naive_times_are_read_in_the_zone_tz_names_and_refused_without_one(tmp_path):
    path = write(tmp_path, f"timestamp,open,high,low,close,volume\n2024-01-01 09:00:00,{ROW}\n")
    assert times(read_candle_csv(path, tz=KST)) == ["2024-01-01T00:00:00+00:00"]
    assert times(read_candle_csv(path, tz="UTC")) == ["2024-01-01T09:00:00+00:00"]
    with pytest.raises(
        CandleFileError, match=f"{path} row 2 column 'timestamp': time '2024-01-01 09:00:00' has no offset"
    ):
        read_candle_csv(path)
    with pytest.raises(DataError, match="--tz 'Mars/Base' is not a time zone"):
        read_candle_csv(path, tz="Mars/Base")


@pytest.mark.parametrize("local", ["2024-03-31 02:30:00", "2024-10-27 02:30:00"], ids=["skipped", "repeated"])
def test_a_local_time_a_daylight_saving_change_skips_or_repeats_is_refused(tmp_path, local):
    path = write(tmp_path, f"timestamp,open,high,low,close,volume\n2024-03-01 00:00:00,{ROW}\n{local},{ROW}\n")
    with pytest.raises(
        CandleFileError,
        match=f"{path} row 3 column 'timestamp': '{local}' does not exist or is ambiguous in Europe/Berlin",
    ):
        read_candle_csv(path, tz="Europe/Berlin")


def test_the_file_is_streamed_and_only_the_interval_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(candle_csv, "CHUNK_ROWS", 3)  # several chunks from a small file
    hours = pd.date_range("2024-01-01", periods=10, freq="h", tz="UTC")
    path = write(
        tmp_path,
        "candle_date_time_utc,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume\n"
        + "".join(f"{hour:%Y-%m-%dT%H:%M:%S},{ROW}\n" for hour in hours),
    )
    kept = read_candle_csv(path, start=hours[4], end=hours[7])
    assert times(kept) == [hour.isoformat() for hour in hours[4:7]]
    assert kept.attrs["span"] == (hours[0], hours[-1])


def test_rows_of_a_market_the_config_does_not_declare_are_refused(tmp_path):
    path = write(
        tmp_path,
        "market,candle_date_time_utc,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume\n"
        f"KRW-BTC,2024-01-01T00:00:00,{ROW}\n../../etc,2024-01-01T01:00:00,{ROW}\n",
    )
    with pytest.raises(CandleFileError, match=rf"{path} row 3 column 'market': '\.\./\.\./etc' is not a market"):
        read_candle_csv(path, markets=("KRW-BTC",))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)), "not UTF-8 text"),
        (
            b"candle_date_time_utc,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume\n"
            + "2024-01-01T00:00:00,100,110,90,105,1\xe9\n".encode("latin-1"),
            r"not UTF-8 text \(byte 0xe9",
        ),
    ],
    ids=["empty", "binary", "latin-1"],
)
def test_unreadable_files_are_one_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "candles.csv"
    path.write_bytes(content)
    with pytest.raises(CandleFileError, match=f"{path}: {message}"):
        read_candle_csv(path)
    with pytest.raises(CandleFileError, match=f"{tmp_path}: is a directory"):
        read_candle_csv(tmp_path)


def test_explicit_offsets_are_kept(tmp_path):
    path = write(tmp_path, f"timestamp,open,high,low,close,volume\n2024-01-01T12:00:00+03:00,{ROW}\n")
    assert times(read_candle_csv(path, tz="UTC")) == ["2024-01-01T09:00:00+00:00"]


def test_gzip_file(tmp_path):
    path = tmp_path / "candles.csv.gz"
    path.write_bytes(gzip.compress(f"timestamp,open,high,low,close,volume\n2024-01-01 09:00:00,{ROW}\n".encode()))
    assert len(read_candle_csv(path, tz=KST)) == 1


@pytest.mark.parametrize(
    "text, message",
    [
        (
            f"timestamp,open,high,low,close,volume,colour\n2024-01-01 09:00:00,{ROW},red\n",
            r"unknown column\(s\) \['colour'\]",
        ),
        ("timestamp,open,high,low,close\n2024-01-01 09:00:00,100,110,90,105\n", r"missing column\(s\) \['volume'\]"),
        (
            f"timestamp,open,high,low,close,volume\n2024-01-01 09:00:00,{ROW}\nyesterday,{ROW}\n",
            r"row 3 column 'timestamp': cannot read 'yesterday' as a time",
        ),
        (
            "timestamp,open,high,low,close,volume\n2024-01-01 09:00:00,100,110,ninety,105,1\n",
            r"row 2 column 'low': 'ninety' is not a number",
        ),
        (f"open,high,low,close,volume\n{ROW}\n", "no time column"),
    ],
)
def test_errors_name_file_row_and_column(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(CandleFileError, match=f"{path}.*{message}"):
        read_candle_csv(path, tz=KST)


def test_data_stage_from_a_csv_keeps_only_the_requested_market(tmp_path, database):
    path = write(
        tmp_path,
        "market,candle_date_time_utc,opening_price,high_price,low_price,trade_price,candle_acc_trade_volume\n"
        f"KRW-BTC,2024-01-01T00:00:00,{ROW}\nKRW-ETH,2024-01-01T00:00:00,3,4,2,3,9\n"
        f"KRW-ETH,2024-01-01T01:00:00,3,4,2,3,9\n",
    )
    summary = stages.data(
        PROJECT,
        "2024-01-01T00:00:00",
        "2024-01-01T02:00:00",
        partition="KRW-ETH",
        config="two_markets",
        source=str(path),
    )
    assert summary["tables"]["raw"]["written"] == 2 and summary["partitions"]["KRW-ETH"]["source"] == str(path)
    with database.connect() as conn:
        assert set(conn.execute(select(raw_candles.c.market)).scalars()) == {"KRW-ETH"}


def test_cli_tz_option(tmp_path, database, pg_url):
    path = write(tmp_path, f"timestamp,open,high,low,close,volume\n2024-01-01 09:00:00,{ROW}\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "projects.crypto_forecast.run",
            "data",
            "--start",
            "2024-01-01T09:00",
            "--end",
            "2024-01-01T10:00",
            "--source",
            str(path),
            "--tz",
            "UTC",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": pg_url},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["tables"]["raw"]["written"] == 1
