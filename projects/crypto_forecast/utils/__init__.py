"""crypto_forecast's tables and helpers: the Upbit client, the candle CSV reader, the GRU network."""
