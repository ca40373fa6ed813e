from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path) -> Path:
    """Every vendors test stores documents in its own folder."""
    root = tmp_path / "documents"
    settings.DOCUMENT_ROOT = root
    return root


@pytest.fixture
def registration(portal_a):
    """An approved registration of portal A; its `.applicant` (refreshed: active) is the
    company's administrator."""
    from tests.vendors.change_builders import approved

    return approved(portal_a)


@pytest.fixture
def admin(registration):
    """A browser signed in as the administrator of the `registration`'s company."""
    from tests.helpers import signed_in

    return signed_in(registration.applicant)
