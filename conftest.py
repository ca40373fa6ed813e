import pytest

from tests import cookies
from tests.factories import make_portal, make_user

# Django's test client, taught the per-portal session cookies (tests/cookies.py).
cookies.install()


@pytest.fixture
def portal_a(db):
    return make_portal("lpse-a", name="LPSE Alpha", institution="Kementerian Alpha")


@pytest.fixture
def portal_b(db):
    return make_portal("lpse-b", name="LPSE Beta", institution="Pemerintah Kota Beta")


@pytest.fixture
def vendor_a(portal_a):
    return make_user(portal_a, username="0012345674101000", full_name="PT Alpha Jaya")


@pytest.fixture
def admin_a(portal_a):
    from inaproc.accounts.models import Role

    return make_user(portal_a, role=Role.PORTAL_ADMIN, username="admin")


@pytest.fixture
def english(settings):
    """Pages (and emails) in English, the source language, for tests that read texts;
    without a language cookie pages default to LANGUAGE_CODE (Indonesian). Works for
    the browser tests too: the live server runs in this process. (`signed_in(user,
    english=True)` asks for English pages of one client only, with the cookie.)"""
    settings.LANGUAGE_CODE = "en"
