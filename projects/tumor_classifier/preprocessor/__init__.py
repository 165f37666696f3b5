"""Pure functions on sample frames: validation and features."""
