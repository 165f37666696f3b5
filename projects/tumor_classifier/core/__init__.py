"""tumor_classifier's hooks, one module per lifecycle step."""
