"""crypto_forecast's hooks, one module per lifecycle step: load, validate, features, dataset, candidates,
evaluate, predict, monitor. Plain functions on frames; the platform (lifecycle) calls them."""
