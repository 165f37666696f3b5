"""Where samples come from: the replay of scikit-learn's bundled breast cancer data in timed batches."""
