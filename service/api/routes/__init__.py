"""The API's routes, one router per concern; service.api.app assembles them."""
