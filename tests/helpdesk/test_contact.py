"""The public helpdesk contact page of each portal."""

import pytest

from tests.factories import make_portal

pytestmark = pytest.mark.django_db


def test_contact_page_shows_this_portals_contacts_and_what_to_have_ready(client, portal_b, english):
    make_portal(
        "lpse-c",
        name="LPSE Gamma",
        helpdesk_phone="(021) 555 0100",
        helpdesk_email="bantuan@gamma.example.id",
        helpdesk_hours="Senin–Jumat 08.00–16.00 WIB",
        helpdesk_address="Jl. Merdeka No. 1\nJakarta",
    )

    response = client.get("/lpse-c/bantuan/")

    assert response.status_code == 200
    text = response.text
    assert text.count("<h1") == 1
    assert 'href="tel:(021)5550100"' in text
    assert 'href="mailto:bantuan@gamma.example.id"' in text
    assert "Senin–Jumat 08.00–16.00 WIB" in text
    assert "Jl. Merdeka No. 1<br>Jakarta" in text
    for ready in ("NPWP", "date and time", "screenshot"):
        assert ready in text
    assert 'href="/lpse-c/bantuan/tiket/baru/"' in text
    assert "LPSE Beta" not in text


def test_contact_page_without_published_contacts_points_to_tickets(client, portal_a, english):
    response = client.get("/lpse-a/bantuan/")

    assert response.status_code == 200
    assert "has not published a phone number" in response.text
    assert 'href="/lpse-a/bantuan/tiket/baru/"' in response.text


def test_contact_page_is_indonesian_by_default(client, portal_a):
    response = client.get("/lpse-a/bantuan/")

    assert response.status_code == 200
    assert response["Content-Language"] == "id"


def test_contact_page_of_an_unknown_portal_is_404(client, db):
    assert client.get("/tidak-ada/bantuan/").status_code == 404


def test_contact_page_is_get_only(client, portal_a):
    assert client.post("/lpse-a/bantuan/").status_code == 405


def test_login_page_links_to_the_contact_page(client, portal_a):
    response = client.get("/lpse-a/masuk/")

    assert 'href="/lpse-a/bantuan/"' in response.text
