"""crypto_forecast: hourly forecasts of Upbit candles (KRW-BTC by default); declared in run.py."""
