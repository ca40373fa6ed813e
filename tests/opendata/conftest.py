import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def clear_rate_limits():
    """Each test starts with no request counted against any address."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(settings, tmp_path):
    """The demo portals and tenders (load_demo), through the real services, so every
    public event wrote its release."""
    settings.DOCUMENT_ROOT = str(tmp_path)
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
