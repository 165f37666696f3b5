"""tumor_classifier's tables."""
