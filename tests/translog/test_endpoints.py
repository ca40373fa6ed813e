"""The public JSON endpoints of a portal's log: keys, tree heads, entries, inclusion and
consistency proofs; no login, cache headers, and 400/404 JSON (never 500) for bad input;
one portal never answers with another's log."""

import pytest

from inaproc.seal import merkle
from inaproc.seal.entries import public_keys_from, verify_signed_entry, verify_tree_head
from inaproc.translog.models import TreeHead
from inaproc.translog.services import append_entry, sign_tree_head, signing_key_rotate

pytestmark = pytest.mark.django_db


def grow(portal, n: int) -> None:
    for i in range(n):
        append_entry(portal=portal, kind="k", body={"n": i})


def test_keys_list_current_and_retired_keys_with_validity(client, portal_a):
    """Both the retired and the current key are published, with their validity."""
    grow(portal_a, 1)
    signing_key_rotate(portal=portal_a)

    response = client.get("/lpse-a/.well-known/inaproc-keys.json")

    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    data = response.json()
    assert data["portal"] == "lpse-a" and len(data["keys"]) == 2
    assert data["keys"][0]["valid_until"] is not None and data["keys"][1]["valid_until"] is None
    assert len(public_keys_from(data)) == 2


def test_tree_head_latest_and_of_a_size(client, portal_a):
    """The latest head, and ?tree_size=N the one of that size; unknown sizes are 404."""
    grow(portal_a, 2)
    sign_tree_head(portal=portal_a)
    grow(portal_a, 1)
    sign_tree_head(portal=portal_a)
    keys = public_keys_from(client.get("/lpse-a/.well-known/inaproc-keys.json").json())

    latest = client.get("/lpse-a/log/tree-head")
    past = client.get("/lpse-a/log/tree-head?tree_size=2")

    assert verify_tree_head(latest.json(), keys)["tree_size"] == 3
    assert verify_tree_head(past.json(), keys)["tree_size"] == 2
    assert client.get("/lpse-a/log/tree-head?tree_size=9").status_code == 404


def test_entries_page_is_bounded_and_verifies(client, portal_a):
    """Entries come in order, signed, at most 100 per page."""
    grow(portal_a, 3)
    keys = public_keys_from(client.get("/lpse-a/.well-known/inaproc-keys.json").json())

    entries = client.get("/lpse-a/log/entries?start=1&end=5").json()["entries"]

    assert [verify_signed_entry(e, keys)["log_index"] for e in entries] == [1, 2]
    big = client.get("/lpse-a/log/entries?start=0&end=100000").json()["entries"]
    assert len(big) == 3


def test_inclusion_signs_a_head_on_demand_and_the_proof_verifies(client, portal_a):
    """Without a covering head one is signed on demand; the proof verifies against it."""
    grow(portal_a, 5)

    data = client.get("/lpse-a/log/inclusion?index=3").json()

    head = TreeHead.objects.get()
    assert data["tree_size"] == head.tree_size == 5
    entry = client.get("/lpse-a/log/entries?start=3&end=3").json()["entries"][0]
    leaf = merkle.leaf_hash(entry["body"].encode())
    assert merkle.verify_inclusion(
        leaf, 3, 5, [bytes.fromhex(h) for h in data["proof"]], bytes.fromhex(head.root_hash)
    )


def test_consistency_between_sizes(client, portal_a):
    """The consistency proof between two signed sizes comes with both heads."""
    grow(portal_a, 3)
    first = sign_tree_head(portal=portal_a)
    grow(portal_a, 3)
    second = sign_tree_head(portal=portal_a)

    data = client.get("/lpse-a/log/consistency?first=3&second=6").json()

    assert data["first_tree_head"]["body"] == first.body
    assert data["second_tree_head"]["body"] == second.body
    assert merkle.verify_consistency(
        3,
        6,
        bytes.fromhex(first.root_hash),
        bytes.fromhex(second.root_hash),
        [bytes.fromhex(h) for h in data["proof"]],
    )


@pytest.mark.parametrize(
    "url, status",
    [
        ("/lpse-a/log/entries", 400),
        ("/lpse-a/log/entries?start=-1", 400),
        ("/lpse-a/log/entries?start=abc", 400),
        ("/lpse-a/log/entries?start=5&end=2", 400),
        ("/lpse-a/log/entries?start=99999999999999999999", 400),
        ("/lpse-a/log/entries?start=%D9%A3", 400),
        ("/lpse-a/log/inclusion", 400),
        ("/lpse-a/log/inclusion?index=x", 400),
        ("/lpse-a/log/inclusion?index=0&tree_size=0", 400),
        ("/lpse-a/log/inclusion?index=7", 404),
        ("/lpse-a/log/inclusion?index=0&tree_size=2", 404),
        ("/lpse-a/log/consistency?first=2", 400),
        ("/lpse-a/log/consistency?first=3&second=1", 400),
        ("/lpse-a/log/consistency?first=1&second=9", 404),
        ("/lpse-a/log/tree-head?tree_size=", 400),
        ("/lpse-b/log/tree-head", 404),
    ],
)
def test_bad_parameters_answer_json_errors(client, portal_a, portal_b, url, status):
    """Every malformed or impossible request is a JSON 400 or 404, never a 500."""
    grow(portal_a, 3)

    response = client.get(url)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_a_portal_never_serves_another_portals_log(client, portal_a, portal_b):
    """Portal B's endpoints know nothing of portal A's entries and keys."""
    grow(portal_a, 2)
    assert client.get("/lpse-b/log/entries?start=0").json()["entries"] == []
    assert client.get("/lpse-b/.well-known/inaproc-keys.json").json()["keys"] == []
    assert client.get("/lpse-b/log/inclusion?index=0").status_code == 404


def test_only_get_is_allowed(client, portal_a):
    """The log is read-only over HTTP."""
    assert client.post("/lpse-a/log/tree-head").status_code == 405


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_verify_page_works_without_login_and_names_the_offline_verifier(
    client, portal_a, settings, language
):
    """The page has one h1, says in <noscript> that it needs JavaScript and points to
    the offline verifier with the portal's URL; every portal page's footer links to it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    text = client.get("/lpse-a/tanda-terima/verifikasi/").text

    assert text.count("<h1") == 1
    assert "<noscript>" in text and "python -m inaproc.seal.verify" in text
    assert "http://testserver/lpse-a/" in text
    assert 'data-keys-url="/lpse-a/.well-known/inaproc-keys.json"' in text
    assert 'href="/lpse-a/tanda-terima/verifikasi/"' in client.get("/lpse-a/").text
    assert ("Verifikasi Tanda Terima" if language == "id" else "Verify a receipt") in text


def test_an_uncovered_inclusion_is_signed_at_most_once_per_interval(client, portal_a):
    """The first uncovered request signs a head; a second one within 30 s for a newer
    entry gets 404 no_tree_head with Retry-After instead of another signature."""
    grow(portal_a, 1)
    assert client.get("/lpse-a/log/inclusion?index=0").status_code == 200
    grow(portal_a, 1)

    response = client.get("/lpse-a/log/inclusion?index=1")

    assert response.status_code == 404
    assert response.json()["error"] == "no_tree_head" and response["Retry-After"] == "30"
    assert TreeHead.objects.count() == 1
