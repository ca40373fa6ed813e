"""Saved searches (issue 18, item 4): a signed-in vendor keeps the current national
search on their own portal, lists and deletes them (audited), and gets an email when new
matching tenders are published — each tender once per saved search, however often the
periodic run goes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.core.exceptions import ApplicationError
from inaproc.notifications.models import Email
from inaproc.search.filters import SearchFilters
from inaproc.search.models import SAVED_SEARCH_LIMIT, SavedSearch, SavedSearchAlert
from inaproc.search.services import (
    saved_search_alert,
    saved_search_alerts_send,
    saved_search_create,
)
from inaproc.tenders.models import PackageState
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders.public_factories import make_public_package

pytestmark = pytest.mark.django_db

ALERT = "search/email/saved_search_alert"
NEW = "/lpse-a/pencarian-tersimpan/simpan/"
LIST = "/lpse-a/pencarian-tersimpan/"


def published_now(portal, name, **fields):
    """A tender published just now (after the searches of the test were saved)."""
    return make_public_package(portal, name=name, published_at=timezone.now(), **fields)


def save(user, portal, name="Jalan", **filters):
    return saved_search_create(
        portal=portal, user=user, name=name, filters=SearchFilters(**filters)
    )


# --- Saving, listing, deleting ----------------------------------------------------------


def test_the_root_takes_a_search_to_the_chosen_portal_to_be_saved(client, portal_a):
    response = client.get("/", {"q": "jalan", "jenis": "konstruksi", "simpan": "lpse-a"})

    assert response.status_code == 302
    assert response["Location"] == f"{NEW}?q=jalan&jenis=konstruksi"


def test_saving_on_an_unknown_portal_is_a_404(client, portal_a):
    assert client.get("/", {"q": "jalan", "simpan": "tidak-ada"}).status_code == 404


def test_a_vendor_saves_the_search_of_the_query_string(english, vendor_a, portal_a):
    client = signed_in(vendor_a)

    page = client.get(NEW, {"q": "jalan", "lokasi": "bali"})
    response = client.post(f"{NEW}?q=jalan&lokasi=bali", {"name": "Jalan di Bali"})

    assert "Bali" in page.text
    assert response.status_code == 302
    saved = SavedSearch.objects.get()
    assert (saved.user, saved.portal, saved.name) == (vendor_a, portal_a, "Jalan di Bali")
    assert saved.filters == {"q": "jalan", "province": "bali"}
    event = AuditEvent.objects.get(verb="search.saved_search_created")
    assert event.actor == vendor_a and event.portal == portal_a
    assert "Jalan di Bali" in client.get(LIST).text


def test_saving_needs_a_signed_in_vendor_of_the_portal(client, portal_a, portal_b):
    staff = make_user(portal_a, role=Role.HELPDESK, username="helpdesk1")
    vendor_b = make_user(portal_b, username="0023456785102000")

    anonymous = client.post(f"{NEW}?q=jalan", {"name": "X"})
    as_staff = signed_in(staff).post(f"{NEW}?q=jalan", {"name": "X"})
    other_portal = signed_in(vendor_b).post(f"{NEW}?q=jalan", {"name": "X"})

    assert anonymous.status_code == 302 and "/lpse-a/masuk/" in anonymous["Location"]
    assert as_staff.status_code == 403
    assert other_portal.status_code == 302 and "/lpse-a/masuk/" in other_portal["Location"]
    assert not SavedSearch.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="search.").exists()


def test_an_empty_search_is_not_saved(english, vendor_a):
    client = signed_in(vendor_a)

    response = client.post(f"{NEW}?urut=newest", {"name": "Semua"})

    assert response.status_code == 200
    assert "choose a filter before saving" in response.text
    assert not SavedSearch.objects.exists()


def test_names_are_unique_per_vendor_and_the_count_is_limited(vendor_a, portal_a):
    save(vendor_a, portal_a, name="Jalan", q="jalan")
    with pytest.raises(ApplicationError):
        save(vendor_a, portal_a, name="Jalan", q="gedung")
    for n in range(SAVED_SEARCH_LIMIT - 1):
        save(vendor_a, portal_a, name=f"Cari {n}", q="gedung")
    with pytest.raises(ApplicationError):
        save(vendor_a, portal_a, name="Satu lagi", q="gedung")

    assert SavedSearch.objects.count() == SAVED_SEARCH_LIMIT


def test_a_refused_save_shows_the_reason_by_the_form(english, vendor_a, portal_a):
    save(vendor_a, portal_a, name="Jalan", q="jalan")

    response = signed_in(vendor_a).post(f"{NEW}?q=gedung", {"name": "Jalan"})

    assert response.status_code == 200
    assert "already keep a search of that name" in response.text


def test_a_vendor_deletes_their_saved_search_audited(vendor_a, portal_a):
    saved = save(vendor_a, portal_a, q="jalan")

    response = signed_in(vendor_a).post(f"{LIST}{saved.pk}/hapus/")

    assert response.status_code == 302
    assert not SavedSearch.objects.exists()
    assert AuditEvent.objects.filter(verb="search.saved_search_deleted").count() == 1


def test_nobody_else_deletes_or_sees_a_saved_search(vendor_a, portal_a):
    saved = save(vendor_a, portal_a, name="Rahasia Saya", q="jalan")
    other = make_user(portal_a, username="0034567896103000")
    client = signed_in(other)

    response = client.post(f"{LIST}{saved.pk}/hapus/")

    assert response.status_code == 404
    assert "Rahasia Saya" not in client.get(LIST).text
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_delete_is_post_only(vendor_a, portal_a):
    saved = save(vendor_a, portal_a, q="jalan")

    assert signed_in(vendor_a).get(f"{LIST}{saved.pk}/hapus/").status_code == 405
    assert SavedSearch.objects.exists()


# --- Alerts ------------------------------------------------------------------------------


def test_new_matching_tenders_are_emailed_once(vendor_a, portal_a, portal_b):
    saved = save(vendor_a, portal_a, q="jalan")
    published_now(portal_b, "Jalan Baru Portal Lain")
    published_now(portal_a, "Gedung Tidak Cocok")

    first = saved_search_alerts_send()
    second = saved_search_alerts_send()

    assert (first, second) == (1, 0)
    email = Email.objects.get(template=ALERT)
    assert email.to == vendor_a.email
    assert "Jalan Baru Portal Lain" in email.body
    assert "/lpse-b/tender/" in email.body
    assert SavedSearchAlert.objects.filter(saved_search=saved).count() == 1


def test_a_later_tender_gets_its_own_email(vendor_a, portal_a):
    save(vendor_a, portal_a, q="jalan")
    published_now(portal_a, "Jalan Satu")
    saved_search_alerts_send()
    published_now(portal_a, "Jalan Dua")

    assert saved_search_alerts_send() == 1
    bodies = list(
        Email.objects.filter(template=ALERT).order_by("pk").values_list("body", flat=True)
    )
    assert len(bodies) == 2 and "Jalan Dua" in bodies[1] and "Jalan Satu" not in bodies[1]


def test_tenders_published_before_saving_drafts_and_cancelled_are_not_alerted(vendor_a, portal_a):
    now = timezone.now()
    make_public_package(portal_a, name="Jalan Lama", published_at=now - timedelta(days=2))
    saved_search_create(
        portal=portal_a,
        user=vendor_a,
        name="Jalan",
        filters=SearchFilters(q="jalan"),
        now=now - timedelta(days=1),
    )
    make_public_package(portal_a, name="Jalan Draf", state=PackageState.DRAFT)
    make_public_package(portal_a, name="Jalan Batal", state=PackageState.CANCELLED)

    assert saved_search_alerts_send() == 0
    assert not Email.objects.filter(template=ALERT).exists()


def test_an_alert_run_of_a_deleted_search_or_inactive_user_sends_nothing(vendor_a, portal_a):
    saved = save(vendor_a, portal_a, q="jalan")
    published_now(portal_a, "Jalan Satu")
    vendor_a.is_active = False
    vendor_a.save()

    assert saved_search_alert(saved_search_id=saved.pk) == 0
    assert saved_search_alert(saved_search_id=999_999) == 0
    assert not Email.objects.filter(template=ALERT).exists()


def test_the_command_runs_the_alerts(vendor_a, portal_a, capsys):
    save(vendor_a, portal_a, q="jalan")
    published_now(portal_a, "Jalan Satu")

    call_command("send_saved_search_alerts")

    assert "1 tender" in capsys.readouterr().out
    assert Email.objects.filter(template=ALERT).count() == 1


def test_the_alert_is_in_indonesian_and_names_the_search(vendor_a, portal_a):
    save(vendor_a, portal_a, name="Jalan Desa", q="jalan")
    published_now(portal_a, "Jalan Satu")

    saved_search_alerts_send()

    email = Email.objects.get(template=ALERT)
    assert "Jalan Desa" in email.subject
    assert "tender baru" in email.subject.lower()
