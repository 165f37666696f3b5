"""crypto_forecast: hourly forecasts of Upbit candles (KRW-BTC by default)."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
# The folder name is the project's name: table prefixes, DAG ids and the MLflow experiment follow it,
# so a copied folder gets its own names without edits.
PROJECT = PROJECT_DIR.name
