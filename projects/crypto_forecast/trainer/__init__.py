"""Plain functions the train task unit calls: dataset building and fitting."""
