from typing import Literal

from pydantic import Field

from compose.specs import Config


class DataConfig(Config):
    """Which candles to ingest and how much history the features need."""

    markets: tuple[str, ...] = ("KRW-BTC",)
    interval: Literal["1h"] = "1h"
    # Raw candles read back before the interval so rolling features at its first hour are complete.
    lookback_hours: int = Field(default=216, ge=0)
