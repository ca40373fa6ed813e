"""Two application servers, proven: two gunicorn instances on two ports with the
production settings share PostgreSQL (the test database), Redis (the page cache, under a
prefix of its own) and the object store (a moto_server process), and nothing else: each
has its own DOCUMENT_ROOT, which stays empty. A browser (one cookie jar) moves between
them as a load balancer would move it.

CI runs it (Redis and moto_server are required there: .ci/run); elsewhere it is skipped
only without a Redis server or moto_server."""

import hashlib
import os
import re
import secrets
from datetime import timedelta

import pytest
import redis
import requests
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.accounts.selectors import lock_until
from inaproc.core.pagecache import CACHE_HEADER
from inaproc.helpdesk.models import TicketAttachment
from tests.factories import DEFAULT_PASSWORD, make_portal, make_totp_device, make_user
from tests.helpers import captcha_answer, totp_code
from tests.ops.servers import production_environment, start_gunicorn, stop, wait_until_up
from tests.s3server import free_port
from tests.vendors.builders import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "lpse-a"


def redis_url() -> str:
    """CI sets REDIS_URL (.ci/run) and a Redis that does not answer fails the test; a
    developer's machine uses its local Redis if one answers, or skips."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REDIS_URL") or os.environ.get("CI"):
            raise
        pytest.skip("no Redis: set REDIS_URL or run one on 127.0.0.1:6379")
    return url


class Browser:
    """One browser's cookie jar, sending each request to the server a load balancer
    would pick (`via`), under one host name. Cookies do not depend on the port, so both
    servers get them.
    Speaks enough of the Django test client for tests.helpers.captcha_answer."""

    def __init__(self, servers: dict[str, str]) -> None:
        self.servers = servers
        self.session = requests.Session()
        # Behind a load balancer both servers see the site's one host name (the page
        # cache is keyed by it), not their own ports.
        self.session.headers["Host"] = "127.0.0.1"
        self.session.cookies.set("inaproc_language", "en", domain="127.0.0.1", path="/")
        self.csrf = ""

    def get(self, via: str, path: str) -> requests.Response:
        response = self.session.get(self.servers[via] + path, allow_redirects=False, timeout=30)
        self._remember_token(response)
        return response

    def post(self, via: str, path: str, data: dict, files=None) -> requests.Response:
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        response = self.session.post(
            self.servers[via] + path, data=data, files=files, allow_redirects=False, timeout=30
        )
        self._remember_token(response)
        return response

    def _remember_token(self, response: requests.Response) -> None:
        if "text/html" in response.headers.get("Content-Type", ""):
            match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
            if match:
                self.csrf = match.group(1)

    def login(self, via: str, username: str, password: str) -> requests.Response:
        page = self.get(via, f"/{SLUG}/masuk/")
        data = {"username": username, "password": password, **captcha_answer(page)}
        return self.post(via, f"/{SLUG}/masuk/", data)


@pytest.fixture
def two_servers(tmp_path, s3_server):
    """Two gunicorn instances (two workers each) with the production settings, sharing
    the test database, Redis and a new bucket. Yields ({"A": url, "B": url}, bucket)."""
    bucket = s3_server.new_bucket()
    prefix = f"inaproc-two-servers-{secrets.token_hex(4)}"
    shared = production_environment(
        tmp_path,
        **s3_server.environment(bucket),
        REDIS_URL=redis_url(),
        CACHE_KEY_PREFIX=prefix,
    )
    servers, processes, logs = {}, [], []
    for name in ("A", "B"):
        port = free_port()
        env = {**shared, "DOCUMENT_ROOT": str(tmp_path / f"documents-{name}")}
        log = tmp_path / f"gunicorn-{name}.log"
        processes.append(start_gunicorn(port, env, log))
        logs.append(log)
        servers[name] = f"http://127.0.0.1:{port}"
    try:
        for url, process, log in zip(servers.values(), processes, logs, strict=True):
            wait_until_up(url, process, log)
        yield servers, bucket
    finally:
        for process in processes:
            stop(process)
        client = redis.Redis.from_url(shared["REDIS_URL"])
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    for name in ("A", "B"):
        assert not any((tmp_path / f"documents-{name}").rglob("*.*")), "a document on disk"


def test_two_app_servers_share_sessions_lockouts_documents_and_settings(two_servers, s3_server):
    """A login on A continues on B; failures counted on both lock the username; a
    document uploaded through A downloads through B (from the bucket); a portal
    administrator's change through A is seen on B's cached public page at once."""
    servers, bucket = two_servers
    portal = make_portal(SLUG, name="LPSE Alpha")
    vendor = make_user(portal, username="0012345674101000", email="vendor@example.id")
    target = make_user(portal, username="0023456785202000")
    admin = make_user(portal, role=Role.PORTAL_ADMIN, username="admin")
    device = make_totp_device(admin)

    # A login on A continues on B.
    browser = Browser(servers)
    assert browser.login("A", vendor.username, DEFAULT_PASSWORD).status_code == 302
    assert browser.get("B", f"/{SLUG}/dasbor/").status_code == 200

    # Failures counted on both servers lock the username (the portal's limit: 5).
    attacker = Browser(servers)
    for via in "ABABA":
        attacker.login(via, target.username, "not the password at all")
    assert lock_until(portal=portal, username=target.username) is not None
    for via in "AB":
        refused = Browser(servers).login(via, target.username, DEFAULT_PASSWORD)
        assert refused.status_code == 200 and "temporarily locked" in refused.text

    # A document uploaded through A downloads through B.
    ticket_page = f"/{SLUG}/bantuan/tiket/baru/"
    browser.get("A", ticket_page)
    occurred = timezone.localtime() - timedelta(hours=1)
    sent = browser.post(
        "A",
        ticket_page,
        {
            "category": "other",
            "email": "vendor@example.id",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "description": "The upload page stopped at ninety percent.",
        },
        files={"attachments": ("tangkapan.pdf", pdf_bytes(), "application/pdf")},
    )
    assert sent.status_code == 302, sent.text[-2000:]
    attachment = TicketAttachment.objects.get()
    download = browser.get("B", f"/{SLUG}/bantuan/tiket/lampiran/{attachment.public_id}/")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == attachment.sha256
    listed = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert [item["Key"] for item in listed] == [attachment.stored_name]
    stranger = Browser(servers).get("B", f"/{SLUG}/bantuan/tiket/lampiran/{attachment.public_id}/")
    assert stranger.status_code == 404  # served only through the access check

    # The portal administrator's change through A is seen on B at once, although B
    # serves the contact page from the shared cache.
    visitor = Browser(servers)
    contact = f"/{SLUG}/bantuan/"
    before = [visitor.get("B", contact) for _ in range(2)]
    assert [page.headers.get(CACHE_HEADER) for page in before] == ["miss", "hit"]
    assert "bantuan@lpse-a.example.id" not in before[1].text
    staff = Browser(servers)
    first = staff.login("A", admin.username, DEFAULT_PASSWORD)
    assert first.headers["Location"] == f"/{SLUG}/masuk/faktor-kedua/"
    second = staff.post("A", f"/{SLUG}/masuk/faktor-kedua/", {"code": totp_code(device)})
    assert second.status_code == 302
    staff.get("A", f"/{SLUG}/staf/pengaturan/kontak/")
    saved = staff.post(
        "A",
        f"/{SLUG}/staf/pengaturan/kontak/",
        {
            "helpdesk_phone": "(021) 555-0199",
            "helpdesk_email": "bantuan@lpse-a.example.id",
            "helpdesk_hours": "Senin-Jumat 08.00-16.00 WIB",
            "helpdesk_address": "Jl. Merdeka 1, Jakarta",
        },
    )
    assert saved.status_code == 302
    after = visitor.get("B", contact)
    assert "bantuan@lpse-a.example.id" in after.text
    assert after.headers.get(CACHE_HEADER) == "miss"
    assert visitor.get("A", contact).headers.get(CACHE_HEADER) == "hit"  # one shared cache
