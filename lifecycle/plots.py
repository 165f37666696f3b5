"""Figures logged with every fit: the project's own (its `plots` hook, on the test rows) and, for models trained
in epochs, the learning curve. Drawn with matplotlib's object API (no pyplot state shared between threads)."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from lifecycle.contract import Project


def log_fit_plots(project: Project, frame: pd.DataFrame, predicted: np.ndarray, epochs: list[dict], title: str) -> None:
    """Log the figures into the active MLflow run under plots/."""
    import mlflow

    test = (frame["split"] == "test").to_numpy() & np.isfinite(predicted)
    figures = dict(project.hooks.plots(frame.loc[test].assign(predicted=predicted[test])))
    if epochs:
        figures["learning_curve.png"] = learning_curve(epochs, title)
    for name, figure in figures.items():
        mlflow.log_figure(figure, f"plots/{name}")


def learning_curve(epochs: list[dict], title: str) -> Figure:
    """Every per-epoch metric (training and validation loss, ...) against the epoch."""
    figure = Figure(figsize=(7, 4))
    axis = figure.subplots()
    for metric in epochs[0]:
        axis.plot(range(1, len(epochs) + 1), [epoch.get(metric) for epoch in epochs], marker="o", label=metric)
    axis.set_xlabel("epoch")
    axis.set_title(f"{title}: learning curve")
    axis.legend()
    return figure
