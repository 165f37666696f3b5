"""Candles from a CSV file: Upbit API columns or pyupbit's open/high/low/close/volume[/value].

The time column decides the timezone: a name ending in `_utc` is UTC, `_kst` is KST, and times written with an
offset keep it. Any other time without an offset (pyupbit's index, a `timestamp` column) is refused unless `tz`
names its zone (pyupbit writes KST: Asia/Seoul); a local time a daylight-saving change skips or repeats is refused.

The file is read in chunks and only the candles of the interval are kept: memory depends on the interval, not on
the size of the file. Every problem is one CandleFileError naming the file, and the row and column when it has one.
"""

import re
from collections.abc import Collection, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
CHUNK_ROWS = 50_000
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


class CandleFileError(DataError):
    """A candle file that cannot be read as candles; the message names the file, row and column."""


def read_candle_csv(
    path: Path,
    tz: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    markets: Collection[str] | None = None,
) -> pd.DataFrame:
    """The candles in `path` with start <= time < end (None: unbounded), canonical columns plus `market` when the
    file has one; with `markets`, a row of any other market is an error. `attrs["span"]` holds the first and
    last candle time of the whole file (None when it has none)."""
    path = Path(path)
    zone = _zone(tz)
    kept, ends, layout = [], [], None
    for chunk in _chunks(path):
        layout = layout or _layout(path, chunk.columns, zone)
        time_column, time_zone = layout
        times = _parse_times(path, chunk[time_column], time_zone)
        if "market" in chunk.columns:
            _check_markets(path, chunk["market"].str.strip(), markets)
        ends += [times.min(), times.max()] if len(times) else []
        inside = _inside(times, start, end)
        kept.append(_candles(path, chunk.loc[inside], times.loc[inside]))
    candles = pd.concat(kept, ignore_index=True)
    candles.attrs["span"] = (min(ends), max(ends)) if ends else (None, None)
    return candles


def _inside(times: pd.Series, start: datetime | None, end: datetime | None) -> pd.Series:
    inside = pd.Series(True, index=times.index)
    if start is not None:
        inside &= times >= start
    if end is not None:
        inside &= times < end
    return inside


def _zone(tz: str | None) -> str | None:
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise DataError(f"--tz {tz!r} is not a time zone; use an IANA name such as UTC or Asia/Seoul") from None
    return tz


def _chunks(path: Path) -> Iterator[pd.DataFrame]:
    """The file as text, CHUNK_ROWS rows at a time, column names stripped; unreadable files as one error."""
    if path.is_dir():
        raise CandleFileError(f"{path}: is a directory, not a CSV file")
    if not path.exists():
        raise CandleFileError(f"{path}: no such file")
    try:
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, compression="infer", chunksize=CHUNK_ROWS)
        with reader:
            for chunk in reader:
                yield chunk.rename(columns=lambda name: str(name).strip())
    except pd.errors.EmptyDataError:
        raise CandleFileError(f"{path}: empty file; expected a header row and candles") from None
    except UnicodeDecodeError as error:
        byte = error.object[error.start]
        raise CandleFileError(f"{path}: not UTF-8 text (byte {byte:#04x} is not UTF-8): save it as UTF-8 CSV") from None
    except (pd.errors.ParserError, OSError, EOFError) as error:
        raise CandleFileError(f"{path}: cannot read as CSV: {' '.join(str(error).split())}") from None


def _layout(path: Path, columns: pd.Index, tz: str | None) -> tuple[str, str | None]:
    """The time column and its zone (None: naive, no zone given); errors for unknown or missing columns."""
    time_column, zone = _time_column(path, columns, tz)
    known = set(CANDLE_COLUMNS) | set(UPBIT_COLUMNS) | UPBIT_EXTRA_COLUMNS | {"market", time_column}
    if time_column.endswith(("_utc", "_kst")):
        known |= {"candle_date_time_utc", "candle_date_time_kst", "timestamp"}
    unknown = [name for name in columns if name not in known]
    if unknown:
        raise CandleFileError(f"{path}: unknown column(s) {unknown}; expected Upbit API or pyupbit candle columns")
    renamed = {UPBIT_COLUMNS.get(name, name) for name in columns}
    missing = [name for name in CANDLE_COLUMNS[1:6] if name not in renamed]
    if missing:
        raise CandleFileError(f"{path}: missing column(s) {missing}")
    return time_column, zone


def _time_column(path: Path, columns: pd.Index, tz: str | None) -> tuple[str, str | None]:
    for suffix, zone in (("_utc", "UTC"), ("_kst", KST)):
        named = [name for name in columns if name.lower().endswith(suffix)]
        if named:
            return named[0], zone
    for name in NAIVE_TIME_COLUMNS:
        if name in columns:
            return name, tz
    raise CandleFileError(
        f"{path}: no time column; name it *_utc or *_kst, or one of {[n for n in NAIVE_TIME_COLUMNS if n]}"
    )


def _parse_times(path: Path, values: pd.Series, zone: str | None) -> pd.Series:
    """Aware UTC times; a time without an offset is read in `zone`, and refused when there is none."""
    text = values.str.strip()
    with_offset = text.str.contains(_OFFSET)
    if with_offset.any() and not with_offset.all():
        raise _row_error(path, (~with_offset).idxmax(), values.name, "mixes times with and without offsets")
    naive = not with_offset.all()
    if naive and zone is None:
        raise _row_error(
            path,
            text.index[0],
            values.name,
            f"time {text.iloc[0]!r} has no offset: give the zone of the file's times with --tz "
            "(pyupbit writes Asia/Seoul), or name the column *_utc or *_kst",
        )
    parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=not naive)
    bad = parsed.isna()
    if bad.any():
        row = bad.idxmax()
        raise _row_error(path, row, values.name, f"cannot read {text[row]!r} as a time")
    if naive:
        parsed = parsed.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
        skipped = parsed.isna()
        if skipped.any():
            row = skipped.idxmax()
            raise _row_error(
                path,
                row,
                values.name,
                f"{text[row]!r} does not exist or is ambiguous in {zone} (a daylight-saving change): write it "
                "with its offset, or convert the file to UTC",
            )
    return parsed.dt.tz_convert("UTC").astype("datetime64[us, UTC]")


def _check_markets(path: Path, markets: pd.Series, declared: Collection[str] | None) -> None:
    if declared is None:
        return
    foreign = ~markets.isin(list(declared))
    if foreign.any():
        row = foreign.idxmax()
        raise _row_error(
            path, row, "market", f"{markets[row]!r} is not a market of the config (declared: {', '.join(declared)})"
        )


def _candles(path: Path, rows: pd.DataFrame, times: pd.Series) -> pd.DataFrame:
    """Canonical candle columns of the kept text rows (plus `market` when the file has one)."""
    renamed = rows.rename(columns=UPBIT_COLUMNS)
    frame = pd.DataFrame({"candle_time": times})
    for name in CANDLE_COLUMNS[1:]:
        frame[name] = _parse_numbers(path, renamed[name], name) if name in renamed.columns else float("nan")
    if "market" in renamed.columns:
        frame.insert(0, "market", renamed["market"].str.strip())
    return frame


def _parse_numbers(path: Path, values: pd.Series, name: str) -> pd.Series:
    text = values.str.strip()
    numbers = pd.to_numeric(text.replace("", None), errors="coerce")
    bad = numbers.isna() & text.ne("")
    if bad.any():
        row = bad.idxmax()
        raise _row_error(path, row, name, f"{text[row]!r} is not a number")
    return numbers.astype(float)


def _row_error(path: Path, index: int, column: str, what: str) -> CandleFileError:
    """An error at the file's line of row `index` (the header is line 1)."""
    return CandleFileError(f"{path} row {int(index) + 2} column {column!r}: {what}")
