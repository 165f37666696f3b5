"""Hook `validate`: every candle checked before anything is written; one bad candle rejects the whole batch."""

import numpy as np
import pandas as pd

from lifecycle.checks import Problems
from lifecycle.contract import Batch, DataError
from projects.crypto_forecast.configs import DataConfig
from projects.crypto_forecast.utils.tables import CANDLE_COLUMNS

PRICE_COLUMNS = ["open", "high", "low", "close"]


class CandleValidationError(DataError):
    """Candles that must not be stored; the message names market, timestamp and column of each problem."""


def validate(candles: pd.DataFrame, batch: Batch) -> pd.DataFrame:
    """The hook: the batch's candles checked (validate_candles), with the source and notes the load gave them."""
    source = candles.attrs["source"]
    checked = validate_candles(candles.drop(columns="source"), batch.partition, source, batch.spec.data)
    checked = checked.assign(source=source)
    checked.attrs = dict(candles.attrs)
    return checked


def validate_candles(candles: pd.DataFrame, market: str, source: str, config: DataConfig | None = None) -> pd.DataFrame:
    """Return the candles sorted by time with exact duplicates dropped, or raise CandleValidationError. `config`
    gives the candle interval and the plausible bounds of prices, volume and value (default: DataConfig's)."""
    config = config or DataConfig()
    what = f"candle value(s) from {source}"
    columns = set(candles.columns) - {"market"}
    if columns != set(CANDLE_COLUMNS):
        unknown, missing = sorted(columns - set(CANDLE_COLUMNS)), sorted(set(CANDLE_COLUMNS) - columns)
        raise CandleValidationError.listing([f"{market}: unknown columns {unknown}, missing columns {missing}"], what)
    if not isinstance(candles["candle_time"].dtype, pd.DatetimeTZDtype):
        raise CandleValidationError.listing([f"{market}: column 'candle_time' must be timezone-aware UTC"], what)
    problems = Problems(candles, lambda row: f"{market} {row.candle_time.isoformat()}", CandleValidationError)
    if "market" in candles.columns:
        problems.flag(candles["market"] != market, "market", lambda row: f"row belongs to {row.market!r}")
    for column in CANDLE_COLUMNS[1:6]:
        problems.flag(candles[column].isna(), column, "missing (NaN)")
    for column in CANDLE_COLUMNS[1:]:
        infinite = np.isinf(candles[column].to_numpy(dtype=float))
        problems.flag(infinite, column, lambda row, c=column: f"{getattr(row, c)} is not a finite number")
    for column in PRICE_COLUMNS:
        problems.flag(candles[column] <= 0, column, lambda row, c=column: f"price {getattr(row, c)} <= 0")
    problems.flag(candles["volume"] < 0, "volume", lambda row: f"volume {row.volume} < 0")
    problems.flag(candles["value"] < 0, "value", lambda row: f"value {row.value} < 0")
    limits = dict.fromkeys(PRICE_COLUMNS, config.max_price) | {"volume": config.max_volume, "value": config.max_value}
    for column, limit in limits.items():
        implausible = np.isfinite(candles[column]) & (candles[column] > limit)
        problems.flag(
            implausible, column, lambda row, c=column, m=limit: f"{getattr(row, c)} above the plausible {m:g}"
        )
    problems.flag(candles["high"] < candles["low"], "high", lambda row: f"high {row.high} < low {row.low}")
    for column in ("open", "close"):
        outside = (candles[column] < candles["low"]) | (candles[column] > candles["high"])
        problems.flag(
            outside, column, lambda row, c=column: f"{getattr(row, c)} outside [low {row.low}, high {row.high}]"
        )
    off_grid = candles["candle_time"] != candles["candle_time"].dt.floor(config.interval)
    problems.flag(off_grid, "candle_time", f"not on the {config.interval} grid")
    unique = candles.drop_duplicates(subset=CANDLE_COLUMNS)
    clashing = unique.loc[unique["candle_time"].duplicated(keep=False)].drop_duplicates("candle_time")
    problems.flag(np.ones(len(clashing)), "candle_time", "duplicate time with different values", rows=clashing)
    problems.raise_any(what)
    return unique.sort_values("candle_time").reset_index(drop=True)
