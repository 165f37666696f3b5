"""Plain functions the train task unit calls: the dataset over batches, and fitting."""
