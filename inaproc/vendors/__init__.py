"""Vendors: registration, company data, documents, verification (issue 3, in progress)."""
