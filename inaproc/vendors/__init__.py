"""Vendors: companies on a portal, their registration and verification, and after
approval their data, documents, change requests and users. One Django app whose code is
in two sub-packages, `registrations` above `companies`, both above the shared `models`
and `documents` (decision 0008, docs/architecture.md)."""
