"""Hooks `score` and `plots`: forecast metrics on the price scale, for every model and the naive baseline alike,
and the figures logged with each fit."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


def score(rows: pd.DataFrame, predicted_log_return: np.ndarray, spec=None) -> dict[str, float]:
    """Metrics of forecasts for labelled rows (close and target_close): see forecast_metrics."""
    return forecast_metrics(rows["close"].to_numpy(), rows["target_close"].to_numpy(), predicted_log_return)


def forecast_metrics(base_close: np.ndarray, actual_close: np.ndarray, predicted_log_return: np.ndarray) -> dict:
    """MAE, RMSE, MAPE (%) and directional accuracy of close forecasts close_t * exp(predicted log return).

    Directional accuracy counts the hours the price moved; a forecast of no change (the naive one) calls no
    direction and so scores 0 there.
    """
    predicted_close = base_close * np.exp(predicted_log_return)
    error = predicted_close - actual_close
    actual_move = np.sign(actual_close - base_close)
    moved = actual_move != 0
    if len(error) == 0:
        return {"rows": 0}
    return {
        "mae": float(np.mean(np.abs(error))),
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mape": float(np.mean(np.abs(error) / actual_close) * 100),
        "directional_accuracy": float(np.mean(np.sign(predicted_log_return[moved]) == actual_move[moved]))
        if moved.any()
        else float("nan"),
        "rows": int(len(error)),
    }


def plots(test: pd.DataFrame) -> dict[str, Figure]:
    """Forecast against actual close over the test window, and the residuals over time and as a histogram."""
    times, actual = test["target_time"], test["target_close"].to_numpy()
    forecast = test["close"].to_numpy() * np.exp(test["predicted"].to_numpy())
    comparison = Figure(figsize=(11, 4))
    axis = comparison.subplots()
    axis.plot(times, actual, label="actual close", linewidth=1)
    axis.plot(times, forecast, label="forecast", linewidth=1, alpha=0.8)
    axis.set_title("forecast vs actual (test window)")
    axis.legend()
    comparison.autofmt_xdate()
    residuals = Figure(figsize=(11, 4))
    over_time, histogram = residuals.subplots(1, 2)
    error = forecast - actual
    over_time.plot(times, error, linewidth=0.8)
    over_time.axhline(0, color="black", linewidth=0.5)
    over_time.set_title("residual (forecast - actual) over time")
    histogram.hist(error, bins=50)
    histogram.set_title("residual distribution")
    residuals.autofmt_xdate()
    return {"forecast_vs_actual.png": comparison, "residuals.png": residuals}
