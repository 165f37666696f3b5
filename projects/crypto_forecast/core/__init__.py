"""Task units of crypto_forecast: load, preprocess, train, evaluate, inference, monitor."""
