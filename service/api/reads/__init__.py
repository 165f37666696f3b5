"""What the routes and the dashboard read, shaped as the API's response models (one read, two views)."""
