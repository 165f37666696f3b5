"""The MLflow pyfunc every project model is logged as, so inference, the service and any MLflow client load a
champion the same way: feature columns in (the signature), one column named after the project's output out."""

import mlflow.pyfunc
import numpy as np
import pandas as pd


class ProjectModel(mlflow.pyfunc.PythonModel):
    def __init__(self, model, output: str) -> None:
        """`model` has `inputs`, `window` and `predict(frame) -> values` (lifecycle.contract.Model)."""
        self.model = model
        self.output = output

    @property
    def window(self) -> int:
        """Consecutive rows the model reads for one forecast (1: each row alone)."""
        return int(getattr(self.model, "window", 1))

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        return pd.DataFrame({self.output: np.asarray(self.model.predict(model_input), dtype=float)})
