"""Candles from a CSV file: Upbit API columns or pyupbit's open/high/low/close/volume[/value].

The time column decides the timezone: a name ending in `_utc` is UTC, `_kst` is KST, and any other naive
time (pyupbit's index, a `timestamp` column) is read as KST, as pyupbit returns it, unless `tz` says
otherwise. Times written with an offset keep it.
"""

import re
from pathlib import Path

import pandas as pd

from lifecycle.contract import DataError
from projects.crypto_forecast.utils.tables import CANDLE_COLUMNS

KST = "Asia/Seoul"
UPBIT_COLUMNS = {
    "opening_price": "open",
    "high_price": "high",
    "low_price": "low",
    "trade_price": "close",
    "candle_acc_trade_volume": "volume",
    "candle_acc_trade_price": "value",
}
# Columns Upbit's candle API returns besides OHLCV: accepted and dropped.
UPBIT_EXTRA_COLUMNS = {
    "unit",
    "prev_closing_price",
    "change_price",
    "change_rate",
    "converted_trade_price",
    "first_day_of_period",
}
NAIVE_TIME_COLUMNS = ("candle_time", "timestamp", "datetime", "time", "date", "index", "Unnamed: 0", "")
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


class CandleFileError(DataError):
    """A candle file that cannot be read as candles; the message names the file, row and column."""


def read_candle_csv(path: Path, tz: str | None = None) -> pd.DataFrame:
    """Every candle in `path` with canonical columns (plus `market` when the file has one)."""
    path = Path(path)
    if not path.exists():
        raise CandleFileError(f"{path}: no such file")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, compression="infer")
    raw.columns = [str(name).strip() for name in raw.columns]
    time_column, time_zone = _time_column(path, raw.columns, tz)
    frame = pd.DataFrame({"candle_time": _parse_times(path, raw[time_column], time_zone)})

    renamed = raw.rename(columns=UPBIT_COLUMNS)
    known = set(CANDLE_COLUMNS) | set(UPBIT_COLUMNS) | UPBIT_EXTRA_COLUMNS | {"market", time_column}
    if time_column.endswith(("_utc", "_kst")):
        known |= {"candle_date_time_utc", "candle_date_time_kst", "timestamp"}
    unknown = [name for name in raw.columns if name not in known]
    if unknown:
        raise CandleFileError(f"{path}: unknown column(s) {unknown}; expected Upbit API or pyupbit candle columns")
    missing = [name for name in CANDLE_COLUMNS[1:6] if name not in renamed.columns]
    if missing:
        raise CandleFileError(f"{path}: missing column(s) {missing}")

    for name in CANDLE_COLUMNS[1:]:
        frame[name] = _parse_numbers(path, renamed[name], name) if name in renamed.columns else float("nan")
    if "market" in renamed.columns:
        frame.insert(0, "market", renamed["market"].str.strip())
    return frame


def _time_column(path: Path, columns: pd.Index, tz: str | None) -> tuple[str, str]:
    for suffix, zone in (("_utc", "UTC"), ("_kst", KST)):
        named = [name for name in columns if name.lower().endswith(suffix)]
        if named:
            return named[0], zone
    for name in NAIVE_TIME_COLUMNS:
        if name in columns:
            return name, tz or KST
    raise CandleFileError(
        f"{path}: no time column; name it *_utc or *_kst, or one of {[n for n in NAIVE_TIME_COLUMNS if n]}"
    )


def _parse_times(path: Path, values: pd.Series, zone: str) -> pd.Series:
    text = values.str.strip()
    with_offset = text.str.contains(_OFFSET)
    if with_offset.any() and not with_offset.all():
        row = int((~with_offset).idxmax())
        raise CandleFileError(f"{path} row {row + 2} column {values.name!r}: mixes times with and without offsets")
    parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=bool(with_offset.all()))
    bad = parsed.isna()
    if bad.any():
        row = int(bad.idxmax())
        raise CandleFileError(f"{path} row {row + 2} column {values.name!r}: cannot read {text[row]!r} as a time")
    if not with_offset.all():
        parsed = parsed.dt.tz_localize(zone, ambiguous="raise", nonexistent="raise")
    return parsed.dt.tz_convert("UTC").astype("datetime64[us, UTC]")


def _parse_numbers(path: Path, values: pd.Series, name: str) -> pd.Series:
    text = values.str.strip()
    numbers = pd.to_numeric(text.replace("", None), errors="coerce")
    bad = numbers.isna() & text.ne("")
    if bad.any():
        row = int(bad.idxmax())
        raise CandleFileError(f"{path} row {row + 2} column {name!r}: {text[row]!r} is not a number")
    return numbers.astype(float)
