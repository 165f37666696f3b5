"""crypto_forecast: hourly forecasts of Upbit candles. This file declares the project; the platform runs it.

    python -m projects.crypto_forecast.run data --start 2024-05-01T00:00 --end 2024-05-02T00:00 [--source replay]
    python -m projects.crypto_forecast.run train [--end 2024-05-02T00:00] [--market KRW-BTC]
    python -m projects.crypto_forecast.run inference --start 2024-05-01T00:00 --end 2024-05-02T00:00
    python -m projects.crypto_forecast.run monitor --end 2024-05-02T00:00
    python -m projects.crypto_forecast.run backtest --weeks 13

Each stage prints one JSON line; `--help` lists the flags. The DAGs in dags/crypto_forecast_*_wf.py call the
same stages (lifecycle.stages) with this PROJECT.
"""

import sys
from datetime import timedelta
from pathlib import Path

from lifecycle.cli import run_cli
from lifecycle.contract import Project, Tables
from projects.crypto_forecast import core
from projects.crypto_forecast.configs import CONFIG_SETS
from projects.crypto_forecast.utils import tables

PROJECT = Project(
    name="crypto_forecast",
    description="Hourly forecasts of Upbit candles, one registered model per market",
    config_sets=CONFIG_SETS,
    folder=Path(__file__).resolve().parent,
    tables=Tables(
        metadata=tables.metadata,
        raw=tables.raw_candles,
        features=tables.features,
        predictions=tables.predictions,
        monitoring=tables.monitoring,
        time="candle_time",
        prediction_time="target_time",
        truth=("close",),
        partition="market",
        provenance=("source",),
    ),
    hooks=core,
    output="predicted_log_return",
    cadence=timedelta(hours=1),
    partitions=lambda spec: spec.data.markets,
    data_options={
        "source": "upbit | replay | auto | PATH.csv (default: the config's data.source, DATA_SOURCE or auto)",
        "tz": "timezone of naive times in a CSV (default: Asia/Seoul, as pyupbit)",
    },
)

if __name__ == "__main__":
    sys.exit(run_cli(PROJECT))
