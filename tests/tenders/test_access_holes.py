"""Access-control, state and method holes tried by hand (the review after the tender
pages were merged): ids of another portal's or another package's rows in URLs and POST
fields, actions on a package in the wrong state, and what a runner may still change
after the approvals were given. A denied action changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inaproc.accounts.models import Role
from inaproc.audit.models import AuditEvent
from inaproc.tenders.models import (
    Package,
    PackageState,
    Participation,
    PokjaMember,
    PublicationApproval,
    Question,
)
from inaproc.tenders.services.schedule import schedule_set
from inaproc.tenders.stages import template_for
from tests.factories import make_user
from tests.helpers import signed_in
from tests.tenders import participation_factories as tf
from tests.tenders.test_packages import form_data
from tests.vendors.builders import checked

pytestmark = pytest.mark.django_db


def staff_url(package: Package, tail: str = "") -> str:
    return f"/{package.portal.slug}/staf/paket/{package.pk}/{tail}"


def vendor_url(package: Package, tail: str = "") -> str:
    return f"/{package.portal.slug}/perusahaan/tender/{package.code}/{tail}"


def joined(package: Package, member=None):
    member = member or tf.make_vendor(package.portal)
    Participation.objects.create(
        package=package,
        company=member.company,
        joined_by=member.user,
        integrity_pact_agreed_at=timezone.now(),
    )
    return member


def asked(package: Package, member) -> Question:
    participation = Participation.objects.get(package=package, company=member.company)
    return Question.objects.create(
        package=package, participation=participation, asked_by=member.user, text="Tanya?"
    )


def pdf(name: str = "dokumen.pdf"):
    return checked("tender_document", name).upload


# --- Ids of another portal's or another package's rows ------------------------------------


def test_a_package_cannot_be_assigned_to_another_portals_pokja(portal_a, portal_b):
    package = tf.make_package(portal_a, state=PackageState.DRAFT)
    theirs, _members = tf.make_pokja(portal_b)
    client = signed_in(package.ppk)

    response = client.post(staff_url(package, "tugaskan/"), {"runner": f"pokja-{theirs.pk}"})

    assert response.status_code == 200  # the form again, with the choice refused
    package.refresh_from_db()
    assert (package.state, package.pokja_id) == (PackageState.DRAFT, None)


@pytest.mark.parametrize("who", ["vendor", "ppk", "other_portal_pp", "deactivated_pp"])
def test_a_pengadaan_langsung_goes_only_to_an_active_pejabat_pengadaan_of_the_portal(
    portal_a, portal_b, who
):
    package = tf.make_package(portal_a, state=PackageState.DRAFT)
    Package.objects.filter(pk=package.pk).update(selection_method="pengadaan_langsung")
    person = {
        "vendor": lambda: make_user(portal_a),
        "ppk": lambda: make_user(portal_a, role=Role.PPK),
        "other_portal_pp": lambda: make_user(portal_b, role=Role.PEJABAT_PENGADAAN),
        "deactivated_pp": lambda: make_user(portal_a, role=Role.PEJABAT_PENGADAAN, is_active=False),
    }[who]()
    client = signed_in(package.ppk)

    response = client.post(staff_url(package, "tugaskan/"), {"runner": f"pp-{person.pk}"})

    assert response.status_code == 200
    package.refresh_from_db()
    assert (package.state, package.pejabat_pengadaan_id) == (PackageState.DRAFT, None)


@pytest.mark.parametrize("who", ["other_portal", "vendor", "deactivated"])
def test_only_an_active_pokja_official_of_the_portal_joins_a_pokja(portal_a, portal_b, who):
    pokja, _members = tf.make_pokja(portal_a)
    person = {
        "other_portal": lambda: make_user(portal_b, role=Role.POKJA),
        "vendor": lambda: make_user(portal_a),
        "deactivated": lambda: make_user(portal_a, role=Role.POKJA, is_active=False),
    }[who]()
    admin = signed_in(make_user(portal_a, role=Role.PORTAL_ADMIN))

    response = admin.post(f"/lpse-a/staf/pokja/{pokja.pk}/anggota/", {"user": person.pk})

    assert response.status_code == (404 if who == "other_portal" else 200)
    assert not PokjaMember.objects.filter(user=person).exists()


def test_a_question_of_another_package_cannot_be_answered_through_this_one(portal_a):
    mine = tf.published_tender(portal_a)
    other = tf.published_tender(portal_a)
    question = asked(other, joined(other))
    member = PokjaMember.objects.filter(pokja=mine.pokja).first().user
    client = signed_in(member)

    response = client.post(
        staff_url(mine, f"pertanyaan/{question.pk}/jawab/"), {"answer": "Boleh."}
    )

    assert response.status_code == 404
    question.refresh_from_db()
    assert question.answered_at is None


def test_a_participant_gets_404_for_another_tenders_document_or_question_file(portal_a):
    mine, other = tf.published_tender(portal_a), tf.published_tender(portal_a)
    member = joined(mine)
    joined(other, member)  # even taking part in both: the pair must match
    their_document = other.documents.get()
    their_question = asked(other, member)
    client = signed_in(member.user)

    document = client.get(vendor_url(mine, f"dokumen/{their_document.pk}/"))
    attachment = client.get(vendor_url(mine, f"pertanyaan/{their_question.pk}/lampiran/"))

    assert document.status_code == 404
    assert attachment.status_code == 404
    assert client.get(vendor_url(other, f"dokumen/{their_document.pk}/")).status_code == 200


def test_a_runner_gets_404_for_another_packages_question_file(portal_a):
    mine, other = tf.published_tender(portal_a), tf.published_tender(portal_a)
    question = asked(other, joined(other))
    member = PokjaMember.objects.filter(pokja=mine.pokja).first().user

    response = signed_in(member).get(staff_url(mine, f"pertanyaan/{question.pk}/lampiran/"))

    assert response.status_code == 404


# --- Actions in the wrong state -----------------------------------------------------------


@pytest.mark.parametrize("state", [PackageState.PUBLISHED, PackageState.CANCELLED])
def test_a_published_or_cancelled_package_is_not_edited_nor_given_documents(portal_a, state):
    package = tf.published_tender(portal_a, state=state)
    member = PokjaMember.objects.filter(pokja=package.pokja).first().user
    for who in (package.ppk, member):
        client = signed_in(who)
        edit = client.post(staff_url(package, "ubah/"), form_data(name="Diubah diam-diam"))
        upload = client.post(
            staff_url(package, "dokumen/"), {"kind": "dokumen_pemilihan", "upload": pdf()}
        )
        assert (edit.status_code, upload.status_code) == (403, 403)
    package.refresh_from_db()
    assert package.name == "Pembangunan Gedung Kantor"
    assert package.documents.count() == 1


def test_a_cancelled_tender_cannot_be_approved(portal_a):
    package = tf.published_tender(portal_a, state=PackageState.CANCELLED)
    member = PokjaMember.objects.filter(pokja=package.pokja).first().user

    signed_in(member).post(staff_url(package, "publikasi/setujui/"))

    assert not PublicationApproval.objects.filter(package=package).exists()
    package.refresh_from_db()
    assert package.state == PackageState.CANCELLED


def test_a_cancelled_tender_cannot_be_joined(portal_a):
    package = tf.published_tender(portal_a, state=PackageState.CANCELLED)
    member = tf.make_vendor(portal_a)

    response = signed_in(member.user).post(
        f"/lpse-a/tender/{package.code}/ikut/", {"integrity_pact": "on"}
    )

    assert response.status_code == 200
    assert not Participation.objects.filter(package=package).exists()


def test_a_company_that_has_not_joined_cannot_ask(portal_a):
    package = tf.published_tender(portal_a)
    member = tf.make_vendor(portal_a)

    response = signed_in(member.user).post(vendor_url(package, "pertanyaan/"), {"text": "Boleh?"})

    assert response.status_code == 404
    assert not Question.objects.exists()


# --- What the runner changes after approvals were given -----------------------------------


def test_the_runner_cannot_make_a_pokjas_tender_a_pengadaan_langsung(portal_a):
    """A Pengadaan Langsung is run by a Pejabat Pengadaan: the Pokja changing the method
    would leave a Pokja running it (and the PPK never chose a Pejabat Pengadaan)."""
    pokja, members = tf.make_pokja(portal_a)
    package = tf.make_package(portal_a, pokja=pokja, state=PackageState.ASSIGNED)
    client = signed_in(members[0])

    response = client.post(
        staff_url(package, "ubah/"),
        form_data(selection_method="pengadaan_langsung", kbli=""),
    )

    assert response.status_code == 200
    assert "selection_method" in response.context["form"].errors
    package.refresh_from_db()
    assert package.selection_method == "tender"


def test_the_pejabat_pengadaan_cannot_make_a_pengadaan_langsung_a_tender(portal_a):
    official = make_user(portal_a, role=Role.PEJABAT_PENGADAAN)
    package = tf.make_package(
        portal_a, pejabat_pengadaan=official, state=PackageState.ASSIGNED, schedule=False
    )
    Package.objects.filter(pk=package.pk).update(selection_method="pengadaan_langsung")
    client = signed_in(official)

    response = client.post(staff_url(package, "ubah/"), form_data(kbli=""))

    assert response.status_code == 200
    assert "selection_method" in response.context["form"].errors
    package.refresh_from_db()
    assert package.selection_method == "pengadaan_langsung"


def sequential_times(package: Package, *, days: int = 4) -> dict:
    """Every stage of the package's template one after another, `days` long each, from
    the day after tomorrow at 08:00 (long enough for every minimum)."""
    template = template_for(package)
    assert template is not None
    start = (timezone.localtime() + timedelta(days=2)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    length = timedelta(days=days)
    return {
        key: (start + index * length, start + (index + 1) * length)
        for index, key in enumerate(template.keys())
    }


def _approved_once(portal):
    pokja, members = tf.make_pokja(portal)
    now = timezone.now()
    package = tf.make_package(portal, pokja=pokja, start=now + timedelta(hours=1))
    PublicationApproval.objects.create(package=package, user=members[0])
    return package, members


def test_a_new_schedule_before_publication_withdraws_the_approvals(portal_a):
    """An approval is of what the package said: a schedule set afterwards (shorter bid
    upload, say) must be approved again, as a change of its fields is."""
    package, members = _approved_once(portal_a)
    times = sequential_times(package)

    schedule_set(package=package, times=times, by=members[1], context=None)

    assert not PublicationApproval.objects.filter(package=package).exists()
    event = AuditEvent.objects.get(verb="tender.schedule_set")
    assert event.payload["approvals_withdrawn"] == 1


def test_a_new_document_version_before_publication_withdraws_the_approvals(portal_a):
    package, members = _approved_once(portal_a)
    client = signed_in(members[1])

    response = client.post(
        staff_url(package, "dokumen/"), {"kind": "dokumen_pemilihan", "upload": pdf()}
    )

    assert response.status_code == 302
    assert package.documents.count() == 2
    assert not PublicationApproval.objects.filter(package=package).exists()
    event = AuditEvent.objects.get(verb="tender.document_added")
    assert event.payload["approvals_withdrawn"] == 1


def test_the_schedule_service_refuses_someone_who_may_not_set_it(portal_a):
    """The view checks who may set the schedule before the package row is locked; the
    service checks again under the lock (the PPK's form posted after the package was
    assigned, a Pokja member of another Pokja)."""
    from django.core.exceptions import ValidationError

    package, _members = _approved_once(portal_a)
    stranger = make_user(portal_a, role=Role.POKJA)
    times = sequential_times(package)
    for who in (package.ppk, stranger):
        with pytest.raises(ValidationError):
            schedule_set(package=package, times=times, by=who, context=None)
    schedule_set(package=package, times=times, by=_members[0], context=None)  # the runner may
    assert AuditEvent.objects.filter(verb="tender.schedule_set").count() == 1
