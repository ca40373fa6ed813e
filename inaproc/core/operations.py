"""The platform's operational endpoints, at the root of every host: config/urls.py routes
each to its view, PortalMiddleware makes no portal lookup for them (they must answer
whatever the database does), and no portal may take one of their names as its slug."""

OPERATIONS_ENDPOINTS = ("healthz", "readyz", "metrics")
OPERATIONS_PATHS = frozenset(f"/{name}" for name in OPERATIONS_ENDPOINTS)
