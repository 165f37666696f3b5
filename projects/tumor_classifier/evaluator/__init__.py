"""Plain functions the evaluate task unit calls: classification metrics, calibration included."""
