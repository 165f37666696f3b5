"""Pure functions on candle frames: validation and causal features."""
