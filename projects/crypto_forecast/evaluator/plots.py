"""Plots logged to MLflow with each candidate: forecast vs actual, and residuals."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def log_forecast_plots(
    log_figure, times: pd.Series, actual_close: np.ndarray, predicted_close: np.ndarray, title: str
) -> None:
    """Draw both plots, hand each to `log_figure(figure, artifact_path)` (e.g. mlflow.log_figure), close them."""
    comparison, axis = plt.subplots(figsize=(11, 4))
    axis.plot(times, actual_close, label="actual close", linewidth=1)
    axis.plot(times, predicted_close, label="forecast", linewidth=1, alpha=0.8)
    axis.set_title(f"{title}: forecast vs actual (test window)")
    axis.legend()
    comparison.autofmt_xdate()

    residuals, (over_time, histogram) = plt.subplots(1, 2, figsize=(11, 4))
    error = predicted_close - actual_close
    over_time.plot(times, error, linewidth=0.8)
    over_time.axhline(0, color="black", linewidth=0.5)
    over_time.set_title("residual (forecast - actual) over time")
    histogram.hist(error, bins=50)
    histogram.set_title("residual distribution")
    residuals.autofmt_xdate()
    for file_name, figure in (("forecast_vs_actual.png", comparison), ("residuals.png", residuals)):
        log_figure(figure, f"plots/{file_name}")
        plt.close(figure)
