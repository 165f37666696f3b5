"""crypto_forecast: hourly forecasts of Upbit candles (KRW-BTC by default); declared in run.py."""

# the names of the config sets registered in configs/ (checked there): DAG files list them at parse time
CONFIG_NAMES = ("default", "calm_regime", "live_shadow", "smoke", "two_markets")
