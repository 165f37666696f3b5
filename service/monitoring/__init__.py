"""Monitoring maths every project shares: drift statistics with calibrated thresholds, the decision, and the
retrain verdict (cooldown, one training in flight, taken under a lock)."""
