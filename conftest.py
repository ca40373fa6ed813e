import pytest
from django.utils import translation

from tests import cookies
from tests.factories import make_portal, make_user

# Django's test client, taught the per-portal session cookies (tests/cookies.py).
cookies.install()


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """Each test starts, as a new process does, with no language activated: outside a
    request the code speaks settings.LANGUAGE_CODE (Indonesian; English with the
    `english` fixture). A request activates its language in the thread and leaves it
    there (as Django's own LocaleMiddleware does), so without this a test's messages
    depended on the language of the previous test's last request."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_process_memo():
    """Values kept in this process's memory for a while (core/cache.cached_for, without a
    shared cache) are forgotten between tests: each test sees its own data."""
    from inaproc.core.cache import process_memo

    process_memo.clear()
    yield
    process_memo.clear()


@pytest.fixture(autouse=True)
def _no_captcha_batch_left():
    """The login pages' CAPTCHA challenges made in advance (accounts/captcha.py) name rows
    that a test's database reset removes: each test starts with none."""
    from inaproc.accounts.captcha import forget_challenge_batch

    forget_challenge_batch()
    yield
    forget_challenge_batch()


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


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3-compatible server process (moto_server) on 127.0.0.1, one per test
    process, stopped at the end (tests/s3server.py)."""
    from tests.s3server import start_s3_server, stop_s3_server

    server = start_s3_server(tmp_path_factory.mktemp("moto") / "moto_server.log")
    yield server
    stop_s3_server(server)


@pytest.fixture
def s3_documents(settings, s3_server):
    """STORAGES["documents"] on a new, empty bucket of the S3 server, as DOCUMENT_STORAGE=s3
    configures it. Returns the bucket's name."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "inaproc.files.objectstore.PrivateS3Storage",
            "OPTIONS": s3_server.storage_options(bucket),
        },
    }
    return bucket
