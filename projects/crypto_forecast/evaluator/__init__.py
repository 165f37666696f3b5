"""Plain functions the evaluate task unit calls: metrics on the price scale and plots."""
