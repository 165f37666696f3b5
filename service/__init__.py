"""Platform services over MLflow: model registry management (gate, aliases, rollback, retention, history)."""
