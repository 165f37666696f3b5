"""The MLflow pyfunc every candidate is logged as."""
