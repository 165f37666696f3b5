"""Hook `validate`: every candle checked before anything is written; one bad candle rejects the whole batch."""

import numpy as np
import pandas as pd

from lifecycle.contract import Batch, DataError
from projects.crypto_forecast.utils.tables import CANDLE_COLUMNS

PRICE_COLUMNS = ["open", "high", "low", "close"]
MAX_LISTED = 10


class CandleValidationError(DataError):
    """Candles that must not be stored; the message names market, timestamp and column of each problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = "\n  ".join(problems[:MAX_LISTED])
        more = f"\n  ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        super().__init__(
            f"{len(problems)} invalid candle value(s) from {source}; nothing was written:\n  {shown}{more}"
        )
        self.problems = problems


def validate(candles: pd.DataFrame, batch: Batch) -> pd.DataFrame:
    """The hook: the batch's candles checked (validate_candles), with the source and notes the load gave them."""
    source = candles.attrs["source"]
    checked = validate_candles(candles.drop(columns="source"), batch.partition, source, batch.spec.data.interval)
    checked = checked.assign(source=source)
    checked.attrs = dict(candles.attrs)
    return checked


def validate_candles(candles: pd.DataFrame, market: str, source: str, interval: str = "1h") -> pd.DataFrame:
    """Return the candles sorted by time with exact duplicates dropped, or raise CandleValidationError."""
    problems: list[str] = []
    columns = set(candles.columns) - {"market"}
    if columns != set(CANDLE_COLUMNS):
        unknown, missing = sorted(columns - set(CANDLE_COLUMNS)), sorted(set(CANDLE_COLUMNS) - columns)
        raise CandleValidationError(source, [f"{market}: unknown columns {unknown}, missing columns {missing}"])
    if "market" in candles.columns:
        other = candles.loc[candles["market"] != market]
        problems += [
            f"{market} {_at(row)} column 'market': row belongs to {row.market!r}" for row in other.itertuples()
        ]
    if not isinstance(candles["candle_time"].dtype, pd.DatetimeTZDtype):
        raise CandleValidationError(source, [f"{market}: column 'candle_time' must be timezone-aware UTC"])

    def flag(mask: pd.Series, column: str, what: str) -> None:
        problems.extend(f"{market} {_at(row)} column {column!r}: {what(row)}" for row in candles.loc[mask].itertuples())

    for column in CANDLE_COLUMNS[1:6]:
        flag(candles[column].isna(), column, lambda row: "missing (NaN)")
    for column in CANDLE_COLUMNS[1:]:
        infinite = pd.Series(np.isinf(candles[column].to_numpy(dtype=float)), index=candles.index)
        flag(infinite, column, lambda row, c=column: f"{getattr(row, c)} is not a finite number")
    for column in PRICE_COLUMNS:
        flag(candles[column] <= 0, column, lambda row, c=column: f"price {getattr(row, c)} <= 0")
    flag(candles["volume"] < 0, "volume", lambda row: f"volume {row.volume} < 0")
    flag(candles["value"] < 0, "value", lambda row: f"value {row.value} < 0")
    flag(candles["high"] < candles["low"], "high", lambda row: f"high {row.high} < low {row.low}")
    for column in ("open", "close"):
        outside = (candles[column] < candles["low"]) | (candles[column] > candles["high"])
        flag(outside, column, lambda row, c=column: f"{getattr(row, c)} outside [low {row.low}, high {row.high}]")
    off_grid = candles["candle_time"] != candles["candle_time"].dt.floor(interval)
    flag(off_grid, "candle_time", lambda row: f"not on the {interval} grid")

    unique = candles.drop_duplicates(subset=CANDLE_COLUMNS)
    clashing = unique["candle_time"].duplicated(keep=False)
    flag_rows = unique.loc[clashing].drop_duplicates("candle_time")
    problems += [
        f"{market} {_at(row)} column 'candle_time': duplicate time with different values"
        for row in flag_rows.itertuples()
    ]
    if problems:
        raise CandleValidationError(source, problems)
    return unique.sort_values("candle_time").reset_index(drop=True)


def _at(row) -> str:
    return row.candle_time.isoformat()
