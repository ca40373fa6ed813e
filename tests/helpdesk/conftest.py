"""Fixtures of the helpdesk tests (the ticket builders are in ticket_builders.py)."""

from pathlib import Path

import pytest

from inaproc.accounts.models import Role
from tests.factories import make_user


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path) -> Path:
    """Every ticket test stores files in its own folder."""
    root = tmp_path / "documents"
    settings.DOCUMENT_ROOT = root
    return root


@pytest.fixture
def helpdesk_a(portal_a):
    return make_user(portal_a, role=Role.HELPDESK, username="helpdesk-a", full_name="Hana Help")


@pytest.fixture
def helpdesk_b(portal_b):
    return make_user(portal_b, role=Role.HELPDESK, username="helpdesk-b")


@pytest.fixture
def verifier_a(portal_a):
    return make_user(portal_a, role=Role.VERIFIER, username="verifier-a")
