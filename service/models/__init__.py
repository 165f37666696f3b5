"""Model management on MLflow for every project: registry and aliases (champion, shadow, challenger), the gate,
model events, training runs, and the pyfunc wrapper every model is logged as."""
