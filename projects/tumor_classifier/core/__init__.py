"""Task units of tumor_classifier: load, preprocess, train, evaluate, inference, monitor."""
