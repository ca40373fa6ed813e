"""The token flow SPSE readers follow: the list page at /<slug>/lelang hands out the
token in the SPSE_SESSION cookie and in the page text; the list endpoints answer only
when the form's authenticityToken matches the cookie's, without Django's CSRF token."""

import pytest
from django.test import Client

from tests.spse.conftest import TOKEN_IN_COOKIE, TOKEN_IN_PAGE, dt, soup_of

pytestmark = pytest.mark.django_db


def test_the_list_page_sets_the_cookie_and_writes_the_same_token_in_the_page(client, portal_a):
    """A script reads the token from the cookie or from the page: both carry it."""
    response = client.get("/lpse-a/lelang")
    assert response.status_code == 200
    morsel = response.cookies["SPSE_SESSION"]
    assert morsel["path"] == "/lpse-a/"
    assert morsel["httponly"]
    assert "private" in response["Cache-Control"]  # no shared cache keeps a token
    header = response.cookies.output()
    assert 'SPSE_SESSION="' not in header  # never quoted: SPSE does not quote it
    token = TOKEN_IN_COOKIE.search(morsel.value).group(1)
    assert len(token) == 40 and token == token.lower()
    page = response.content.decode()
    assert f"d.authenticityToken = '{token}';" in page
    assert TOKEN_IN_PAGE.findall(page) == [token]
    block = soup_of(response).find("script", id="spse-token")
    assert block["type"] == "text/plain"  # not executed: the CSP forbids inline scripts


def test_the_list_page_is_the_public_tender_list(client, portal_a):
    """/lelang serves the portal's own tender list (its heading and filter form)."""
    soup = soup_of(client.get("/lpse-a/lelang"))
    assert soup.find("form", {"role": "search"}) is not None
    assert len(soup.find_all("h1")) == 1


def test_a_second_visit_keeps_the_token(client, portal_a):
    """A reader with two tabs or a retry keeps a token that still works."""
    first = client.get("/lpse-a/lelang").cookies["SPSE_SESSION"].value
    second = client.get("/lpse-a/lelang").cookies["SPSE_SESSION"].value
    assert first == second


def test_the_token_of_the_page_works_without_django_csrf(portal_a):
    """Scripts carry no csrftoken: the list POST is exempt from Django's CSRF check."""
    client = Client(enforce_csrf_checks=True)
    token = TOKEN_IN_PAGE.findall(client.get("/lpse-a/lelang").content.decode())[0]
    response = client.post("/lpse-a/dt/lelang", {"draw": "3", "authenticityToken": token})
    assert response.status_code == 200
    assert response.json()["draw"] == 3


@pytest.mark.parametrize("sent", ["", "0" * 40, "x", "' OR 1=1 --", "A" * 5000])
def test_a_wrong_or_missing_token_is_refused(client, portal_a, sent):
    """403 when the form's token is not the cookie's (absent, another, malformed)."""
    client.get("/lpse-a/lelang")
    response = dt(client, "lpse-a", authenticityToken=sent)
    assert response.status_code == 403
    assert response.json()["data"] == []
    assert response.json()["error"].startswith("authenticityToken tidak sama")


def test_without_the_cookie_even_a_well_formed_token_is_refused(portal_a):
    """The token is checked against the request's own cookie, not any token ever given."""
    token = TOKEN_IN_COOKIE.search(
        Client().get("/lpse-a/lelang").cookies["SPSE_SESSION"].value
    ).group(1)
    response = Client().post("/lpse-a/dt/lelang", {"authenticityToken": token})
    assert response.status_code == 403


def test_a_token_in_the_query_string_and_a_get_work_too(client, portal_a):
    """Older scripts send the parameters as a GET query string."""
    client.get("/lpse-a/lelang")
    token = TOKEN_IN_COOKIE.search(client.cookies["SPSE_SESSION"].value).group(1)
    response = client.get(f"/lpse-a/dt/pl?tahun=2026&kategoriId=&authenticityToken={token}")
    assert response.status_code == 200
    assert response.json() == {"draw": 0, "recordsTotal": 0, "recordsFiltered": 0, "data": []}


def test_other_methods_are_not_allowed(client, portal_a):
    assert client.put("/lpse-a/dt/lelang").status_code == 405
    assert client.post("/lpse-a/lelang").status_code == 405


def test_an_unknown_portal_has_no_spse_paths(client, db):
    assert client.get("/nope/lelang").status_code == 404
    assert client.post("/nope/dt/lelang").status_code == 404
