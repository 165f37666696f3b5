"""Candle sources. Each returns canonical columns: candle_time (UTC-aware), open, high, low, close, volume, value."""

CANDLE_COLUMNS = ["candle_time", "open", "high", "low", "close", "volume", "value"]
