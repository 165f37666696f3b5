"""Any fitted sklearn classifier as an MLflow pyfunc: feature rows in, probability and label of malignant out."""

import mlflow.pyfunc
import pandas as pd


class Classifier(mlflow.pyfunc.PythonModel):
    def __init__(self, feature_columns: list[str], estimator, threshold: float) -> None:
        self.feature_columns = list(feature_columns)
        self.estimator = estimator
        self.threshold = threshold

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        probability = self.estimator.predict_proba(model_input[self.feature_columns])[:, 1]
        return pd.DataFrame(
            {"probability_malignant": probability, "predicted_label": (probability >= self.threshold).astype(int)}
        )
