import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inaproc.portals.models import Portal
from inaproc.portals.services import portal_create
from tests.factories import make_portal

pytestmark = pytest.mark.django_db


def test_platform_home_lists_active_portals_only(client, portal_a, portal_b):
    portal_b.is_active = False
    portal_b.save()

    response = client.get("/")

    assert response.status_code == 200
    assert "LPSE Alpha" in response.text
    assert "LPSE Beta" not in response.text
    assert 'href="/lpse-a/"' in response.text


def test_portal_home_shows_portal_name_and_institution(client, portal_a):
    response = client.get("/lpse-a/")

    assert response.status_code == 200
    assert response.wsgi_request.portal == portal_a
    assert "LPSE Alpha" in response.text
    assert "Kementerian Alpha" in response.text


@pytest.mark.parametrize("path", ["/tidak-ada/", "/tidak-ada/masuk/", "/lpse-a/tidak-ada/"])
def test_unknown_portal_or_page_gets_the_404_page(client, portal_a, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.text.count("<h1") == 1
    assert "404" in response.text


def test_inactive_portal_is_404_everywhere(client, portal_a):
    portal_a.is_active = False
    portal_a.save()

    assert client.get("/lpse-a/").status_code == 404
    assert client.get("/lpse-a/masuk/").status_code == 404


def test_footer_shows_the_portals_helpdesk_contacts(client, db):
    make_portal(
        "kota",
        helpdesk_phone="(031) 123456",
        helpdesk_email="lpse@kota.example.id",
        helpdesk_hours="Senin–Jumat 08.00–16.00 WIB",
    )

    text = client.get("/kota/").text

    assert "(031) 123456" in text
    assert "mailto:lpse@kota.example.id" in text
    assert "Senin–Jumat 08.00–16.00 WIB" in text


@pytest.mark.parametrize("slug", ["static", "i18n", "healthz", "admin"])
def test_reserved_slugs_are_refused(db, slug):
    with pytest.raises(ValidationError) as error:
        make_portal(slug)

    assert "slug" in error.value.message_dict
    assert not Portal.objects.filter(slug=slug).exists()


@pytest.mark.parametrize("slug", ["Huruf-Besar", "-awal", "akhir-", "spasi di", "a" * 51, ""])
def test_malformed_slugs_are_refused(db, slug):
    with pytest.raises(ValidationError):
        portal_create(slug=slug, name="LPSE", institution="Instansi")


def test_duplicate_slug_is_refused(portal_a):
    with pytest.raises(ValidationError) as error:
        make_portal("lpse-a")

    assert "slug" in error.value.message_dict


def test_security_policy_defaults_follow_design(portal_a):
    assert portal_a.password_min_length == 15
    assert portal_a.login_failure_limit == 5
    assert portal_a.login_failure_window_minutes == 15
    assert portal_a.lockout_minutes == 15
    assert portal_a.captcha_mode == "always"
    assert portal_a.password_reset_minutes == 60
    assert portal_a.session_idle_minutes == 30
    assert portal_a.session_absolute_hours == 12


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lockout_minutes", 14),
        ("lockout_minutes", 31),
        ("password_min_length", 8),
        ("login_failure_limit", 10),
        ("session_idle_minutes", 120),
        ("session_absolute_hours", 24),
        ("password_reset_minutes", 240),
        ("captcha_mode", "sometimes"),
    ],
)
def test_portal_can_only_tighten_the_policy(portal_a, field, value):
    setattr(portal_a, field, value)

    with pytest.raises(ValidationError):
        portal_a.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Portal.objects.filter(pk=portal_a.pk).update(**{field: value})


def test_portal_own_domain_serves_only_that_portal(client, db):
    make_portal("alpha", domain="lpse.alpha.example.id")
    make_portal("beta")

    home = client.get("/", HTTP_HOST="lpse.alpha.example.id")
    other = client.get("/beta/", HTTP_HOST="lpse.alpha.example.id")
    own = client.get("/alpha/", HTTP_HOST="lpse.alpha.example.id")

    assert home.status_code == 302
    assert home.headers["Location"] == "/alpha/"
    assert other.status_code == 404
    assert own.status_code == 200


def test_two_portals_cannot_share_a_domain(db):
    make_portal("alpha", domain="lpse.example.id")

    with pytest.raises(ValidationError):
        make_portal("beta", domain="LPSE.example.id ")


def test_email_links_use_the_portals_own_domain_when_it_has_one(db, settings):
    from inaproc.portals.urls_helpers import portal_absolute_url, site_absolute_url

    settings.SITE_URL = "https://inaproc.example.id/"
    own = make_portal("alpha", domain="lpse.alpha.example.id")
    shared = make_portal("beta")

    assert (
        portal_absolute_url(own, "accounts:login") == "https://lpse.alpha.example.id/alpha/masuk/"
    )
    assert portal_absolute_url(shared, "accounts:login") == "https://inaproc.example.id/beta/masuk/"
    assert site_absolute_url("/?q=jalan") == "https://inaproc.example.id/?q=jalan"


@pytest.mark.parametrize(
    ("site_url", "own_domain", "shared_host"),
    [
        # `make run` on another port: the links must lead back to that port, not to :80.
        ("http://127.0.0.1:8000", "http://lpse.alpha.test:8000", "http://127.0.0.1:8000"),
        ("http://localhost:8661/", "http://lpse.alpha.test:8661", "http://localhost:8661"),
        (
            "https://inaproc.example.id:8443",
            "https://lpse.alpha.test:8443",
            "https://inaproc.example.id:8443",
        ),
        ("http://[::1]:8000", "http://lpse.alpha.test:8000", "http://[::1]:8000"),
    ],
)
def test_email_links_keep_the_site_urls_scheme_and_port(
    db, settings, site_url, own_domain, shared_host
):
    """Every emailed link comes from SITE_URL (scheme, host and port): a portal with its
    own domain is served by the same servers, so on the same scheme and port."""
    from inaproc.portals.urls_helpers import portal_absolute_url

    settings.SITE_URL = site_url
    own = make_portal("alpha", domain="lpse.alpha.test")
    shared = make_portal("beta")

    assert portal_absolute_url(own, "accounts:login") == f"{own_domain}/alpha/masuk/"
    assert portal_absolute_url(shared, "accounts:login") == f"{shared_host}/beta/masuk/"


def test_the_remembered_footer_follows_the_portals_contacts_and_the_language(client, db):
    """The footer is rendered once per portal's contact values and language
    ({% portal_fragment %}): a changed phone number shows at once (even changed without
    save()), English pages get the English footer, another portal never this one's."""
    from django.conf import settings

    kota = make_portal("kota", helpdesk_phone="(031) 123456")
    make_portal("desa", helpdesk_phone="(0341) 999")
    assert "(031) 123456" in client.get("/kota/").text

    Portal.objects.filter(pk=kota.pk).update(helpdesk_phone="(031) 654321")
    indonesian = client.get("/kota/").text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/kota/").text
    other = client.get("/desa/").text

    assert "(031) 654321" in indonesian and "(031) 123456" not in indonesian
    assert "Ganti portal" in indonesian
    assert "Switch portal" in english and "Ganti portal" not in english
    assert "(0341) 999" in other and "(031) 654321" not in other
    assert 'href="/desa/' in other


def test_the_remembered_head_and_brand_follow_the_portals_name_and_institution(client, db):
    """The stylesheet and feed links and the brand are rendered once per portal's
    values and language too: a renamed portal or institution shows at once."""
    kota = make_portal("kota", name="LPSE Kota", institution="Pemerintah Kota")
    make_portal("desa", name="LPSE Desa", institution="Pemerintah Desa")
    assert '<span class="brand-institution">Pemerintah Kota</span>' in client.get("/kota/").text

    Portal.objects.filter(pk=kota.pk).update(name="LPSE Kota Baru", institution="Pemkot Baru")
    page = client.get("/kota/masuk/").text
    other = client.get("/desa/masuk/").text

    assert '<a class="brand" href="/kota/">' in page
    assert '<span class="brand-name">LPSE Kota Baru</span>' in page
    assert '<span class="brand-institution">Pemkot Baru</span>' in page
    assert 'title="Pengumuman LPSE Kota Baru (RSS)"' in page and "Pemerintah Kota" not in page
    assert '<a class="brand" href="/desa/">' in other and "LPSE Kota" not in other


def test_the_language_buttons_mark_the_current_language_and_return_to_each_page(client, portal_a):
    """The language buttons are rendered once per language; the page to return to is
    each request's own."""
    from django.conf import settings

    indonesian = client.get("/lpse-a/?halaman=2").text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/lpse-a/masuk/").text

    current = 'class="link-button is-current"\n            aria-current="true">{}'
    assert current.format("ID") in indonesian and current.format("EN") not in indonesian
    assert current.format("EN") in english and current.format("ID") not in english
    assert '<input type="hidden" name="next" value="/lpse-a/?halaman=2">' in indonesian
    assert '<input type="hidden" name="next" value="/lpse-a/masuk/">' in english


def test_the_remembered_footer_sees_nothing_but_the_portals_footer_fields(rf, portal_a):
    """What is rendered once for every visitor cannot show one visitor's data: inside
    {% portal_fragment %} the page's context (the user, the request) is not there."""
    from django.template import Context, Template

    page = Template(
        "{% load portal_urls %}{% portal_fragment %}[{{ user }}|{{ secret }}|"
        "{{ portal.name }}|{{ portal.is_active }}]{% endportal_fragment %}"
    )
    text = page.render(Context({"portal": portal_a, "user": "budi", "secret": "s3cret"}))

    assert text == f"[||{portal_a.name}|]"


@pytest.mark.parametrize("path", ["/lpse-a/", "/lpse-a/masuk/", "/lpse-a/pendaftaran/"])
def test_every_portal_page_links_back_to_the_portal_list(client, portal_a, path):
    # Issue 14 item 10: "Ganti portal" on every portal page (in the footer).
    text = client.get(path).text

    assert '<a href="/" class="portal-switch">Ganti portal</a>' in text
    assert 'class="portal-switch"' not in client.get("/").text


def test_portal_links_are_remembered_per_portal_and_script_prefix(portal_a, portal_b):
    """portal_url remembers the layout's links (no arguments), never across portals or a
    changed script prefix (an application mounted under a path)."""
    from django.urls import set_script_prefix

    from inaproc.portals.urls_helpers import portal_url

    assert portal_url(portal_a, "accounts:login") == "/lpse-a/masuk/"
    assert portal_url(portal_b, "accounts:login") == "/lpse-b/masuk/"
    set_script_prefix("/lpse-root/")
    try:
        assert portal_url(portal_a, "accounts:login") == "/lpse-root/lpse-a/masuk/"
    finally:
        set_script_prefix("/")
    assert portal_url(portal_a, "accounts:login") == "/lpse-a/masuk/"


def _portal_routes_with_numbers() -> list[tuple[str, tuple[str, ...]]]:
    """Every named route under a portal's slug whose other arguments are all numbers
    (`<int:…>`): (view name, argument names)."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.converters import IntConverter

    found = []

    def walk(patterns, namespace, converters):
        for entry in patterns:
            seen = {**converters, **getattr(entry.pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}{entry.namespace}:"
                walk(entry.url_patterns, ns, seen)
            elif isinstance(entry, URLPattern) and entry.name and "portal_slug" in seen:
                others = {k: v for k, v in seen.items() if k != "portal_slug"}
                if others and all(isinstance(c, IntConverter) for c in others.values()):
                    found.append((f"{namespace}{entry.name}", tuple(sorted(others))))

    walk(get_resolver().url_patterns, "", {})
    return found


def test_links_with_numbers_are_the_same_as_reverses(portal_a, portal_b):
    """portal_url writes a row's numbers into the remembered text of its link: for every
    portal route with numbers, the same link as reverse() gives, in both portals and
    under a script prefix, for small and large numbers."""
    from django.urls import reverse, set_script_prefix

    from inaproc.portals.urls_helpers import portal_url

    routes = _portal_routes_with_numbers()
    assert len(routes) > 50
    for prefix in ("/", "/lpse-root/"):
        set_script_prefix(prefix)
        try:
            for portal in (portal_a, portal_b):
                for viewname, names in routes:
                    for base in (0, 7, 123456789):
                        numbers = {name: base + index for index, name in enumerate(names)}
                        expected = reverse(viewname, kwargs={"portal_slug": portal.slug, **numbers})
                        assert portal_url(portal, viewname, **numbers) == expected, viewname
        finally:
            set_script_prefix("/")


def test_links_with_other_arguments_still_use_reverse(portal_a):
    """A negative number, text or a missing argument: reverse()'s answer or its error."""
    from django.urls import NoReverseMatch

    from inaproc.portals.urls_helpers import portal_url

    with pytest.raises(NoReverseMatch):
        portal_url(portal_a, "tenders:package_detail", pk=-1)
    with pytest.raises(NoReverseMatch):
        portal_url(portal_a, "tenders:package_detail", pk="x")
    with pytest.raises(NoReverseMatch):
        portal_url(portal_a, "tenders:package_detail", other=1)
