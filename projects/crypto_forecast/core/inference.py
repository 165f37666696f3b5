"""Task unit `inference`: the champion forecasts the candle after each feature row, with lineage on every row.

Timing: features of candle t are known when t closes (t + 1 h), so the forecast made then is for the candle
at t + h, and it is stamped with that target time; the candle being forecast is never an input.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Engine

from db_handler import upsert
from projects.crypto_forecast.configs import Default
from projects.crypto_forecast.utils.naming import registered_model_name
from projects.crypto_forecast.utils.queries import read_features
from projects.crypto_forecast.utils.tables import predictions
from service.registry import CHAMPION, champion_uri, load_model, predict, version_by_alias

HISTORY_MARGIN = timedelta(hours=48)  # rows before the interval for models that look back over a window


def forecast(engine: Engine, market: str, start: datetime, end: datetime, spec: Default, run_id: str) -> dict:
    """Forecasts for every feature row in [start, end) (targets start + h .. end - 1 h + h); raises NoChampion."""
    name = registered_model_name(market)
    model = load_model(champion_uri(name))
    version = version_by_alias(name, CHAMPION)
    window = getattr(model.unwrap_python_model(), "window", 1)
    horizon = timedelta(hours=spec.train.horizon_hours)

    with engine.begin() as conn:
        rows = read_features(conn, market, start - HISTORY_MARGIN - timedelta(hours=window), end, spec.features.columns)
        predicted = predict(model, rows, "predicted_log_return") if len(rows) else np.array([])
        keep = (rows["candle_time"] >= start).to_numpy() & np.isfinite(predicted)
        made = rows.loc[keep, ["candle_time", "close"]].rename(
            columns={"candle_time": "feature_time", "close": "base_close"}
        )
        made = made.assign(
            market=market,
            target_time=made["feature_time"] + horizon,
            horizon_hours=spec.train.horizon_hours,
            predicted_log_return=predicted[keep],
            predicted_close=made["base_close"] * np.exp(predicted[keep]),
            model_name=name,
            model_version=str(version.version),
            mlflow_run_id=version.run_id,
            airflow_run_id=run_id,
            created_at=datetime.now(UTC),
        )
        written = upsert(
            conn,
            predictions,
            made,
            key=("market", "target_time", "horizon_hours"),
            touch=("airflow_run_id", "created_at"),
        )
    in_interval = int((rows["candle_time"] >= start).sum()) if len(rows) else 0
    return {
        "model": name,
        "version": str(version.version),
        "forecasts": int(keep.sum()),
        "skipped_rows": in_interval - int(keep.sum()),  # feature rows without enough history or with gaps
        "first_target": made["target_time"].min().isoformat() if len(made) else None,
        "last_target": made["target_time"].max().isoformat() if len(made) else None,
        "written": written.written,
        "unchanged": written.unchanged,
    }
