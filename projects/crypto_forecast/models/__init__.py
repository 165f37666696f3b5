"""Model code: the estimators and the MLflow pyfunc wrapper every champion is served through."""
