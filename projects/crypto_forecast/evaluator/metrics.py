"""Forecast metrics on the price scale, for a model and for the naive persistence forecast alike."""

import numpy as np


def forecast_metrics(base_close: np.ndarray, actual_close: np.ndarray, predicted_log_return: np.ndarray) -> dict:
    """MAE, RMSE, MAPE (%) and directional accuracy of close forecasts close_t * exp(predicted log return).

    Directional accuracy counts the hours the price moved; a forecast of no change (the naive one) calls no
    direction and so scores 0 there.
    """
    predicted_close = base_close * np.exp(predicted_log_return)
    error = predicted_close - actual_close
    actual_move = np.sign(actual_close - base_close)
    moved = actual_move != 0
    return {
        "mae": float(np.mean(np.abs(error))),
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mape": float(np.mean(np.abs(error) / actual_close) * 100),
        "directional_accuracy": float(np.mean(np.sign(predicted_log_return[moved]) == actual_move[moved]))
        if moved.any()
        else float("nan"),
        "rows": int(len(error)),
    }


def with_skill(metrics: dict, naive_mae: float) -> dict:
    """Adds skill versus naive persistence: 1 - MAE_model / MAE_naive (> 0 beats naive)."""
    return {**metrics, "skill": 1 - metrics["mae"] / naive_mae if naive_mae > 0 else float("nan")}


def score_models(base_close: np.ndarray, actual_close: np.ndarray, predictions: dict[str, np.ndarray]) -> dict:
    """Metrics of every model in `predictions` plus "naive", on the rows where all of them have a forecast."""
    common = np.ones(len(base_close), dtype=bool)
    for predicted in predictions.values():
        common &= np.isfinite(predicted)
    naive = forecast_metrics(base_close[common], actual_close[common], np.zeros(common.sum()))
    scored = {
        name: with_skill(forecast_metrics(base_close[common], actual_close[common], predicted[common]), naive["mae"])
        for name, predicted in predictions.items()
    }
    return {**scored, "naive": with_skill(naive, naive["mae"])}
